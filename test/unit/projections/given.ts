/**
 * Given-events helper for projection tests: builds ProjectedEvents of one stream with increasing
 * positions, revisions and recordedAt instants, and folds them through a projection.
 */
import type { AssignmentEventType } from '../../../src/domain/assignment/events.js';
import { LETTER_POLICY, type AssignmentPolicy } from '../../../src/domain/assignment/policy.js';
import { toWeight, type WeightUnit } from '../../../src/domain/shared/weight.js';
import type { Money } from '../../../src/domain/shared/money.js';
import {
  storedFormOf,
  type DataOf,
  type ProjectedEvent,
  type Projection,
} from '../../../projections/projection.js';

export const JOE = 'joe-shanghai';
export const usd = (amount: string): Money => ({ amount, currency: 'USD' });

/** The letter of 13 January 2005 (the spouse's name is invented: the letter only says "family"). */
export const joeStarted = (policy: Partial<AssignmentPolicy> = {}): DataOf<'AssignmentStarted'> => ({
  assignmentId: JOE,
  employee: { id: 'E-1001', name: 'Joseph Lamoreux' },
  position: 'Chief Operating Officer',
  homeCountry: 'US',
  hostCountry: 'CN',
  hostCity: 'Shanghai',
  effectiveDate: '2005-01-18',
  expectedEndDate: '2005-07-18',
  reportsTo: 'Stephan Godevais',
  accompanyingFamily: [{ name: 'Mary Lamoreux', relationship: 'spouse' }],
  baseSalaryMonthly: usd('19166.67'),
  policy: { ...LETTER_POLICY, ...policy },
});

export class Story {
  readonly events: ProjectedEvent[] = [];
  private position: number;
  private revision = -1;
  private clock = Date.parse('2005-01-13T09:00:00.000Z');

  constructor(
    readonly assignmentId = JOE,
    firstPosition = 1,
  ) {
    this.position = firstPosition - 1;
  }

  /** Sets the system time of the next event; later ones follow one second apart. */
  at(instant: string): this {
    this.clock = Date.parse(instant);
    return this;
  }

  record<T extends AssignmentEventType>(type: T, data: DataOf<T>, eventId?: string): ProjectedEvent {
    this.position += 1;
    this.revision += 1;
    const event: ProjectedEvent = {
      streamId: `assignment-${this.assignmentId}`,
      eventId: eventId ?? `${this.assignmentId}-e${this.revision}`,
      type,
      data: data as unknown as Record<string, unknown>,
      recordedAt: new Date(this.clock).toISOString(),
      position: this.position,
      revision: this.revision,
      metadata: { actor: 'hr@valence.example' },
    };
    this.clock += 1000;
    this.events.push(event);
    return event;
  }

  started(
    policy: Partial<AssignmentPolicy> = {},
    overrides: Partial<DataOf<'AssignmentStarted'>> = {},
  ): ProjectedEvent {
    return this.record('AssignmentStarted', { ...joeStarted(policy), ...overrides });
  }

  extended(decidedOn: string, previous: string, next: string, indefinite = false): ProjectedEvent {
    return this.record('AssignmentExtended', {
      decidedOn,
      previousExpectedEndDate: previous,
      newExpectedEndDate: next,
      taxHomeStatus: indefinite ? 'indefinite' : 'temporary',
    });
  }

  shipment(
    direction: 'outbound' | 'return',
    mode: 'air' | 'sea',
    shippedOn: string,
    value: string,
    unit: WeightUnit = 'lb',
    containers?: number,
  ): ProjectedEvent {
    return this.record('ShipmentRecorded', {
      shipmentId: `ship-${this.revision + 1}`,
      direction,
      mode,
      shippedOn,
      weight: toWeight(value, unit),
      ...(mode === 'sea' ? { containers: containers ?? 1, containerSize: '40ft' as const } : {}),
    });
  }

  trip(
    traveller: 'employee' | 'spouse',
    destination: 'home' | 'host' | 'other',
    departedOn: string,
    fare = '1400.00',
  ): ProjectedEvent {
    return this.record('HomeLeaveTripTaken', {
      tripId: `trip-${this.revision + 1}`,
      traveller,
      destination,
      departedOn,
      fare: usd(fare),
      ...(destination === 'other' ? { homeFare: usd('1400.00'), fareRuleApplied: 'cap' as const } : {}),
      year: Number(departedOn.slice(0, 4)),
      reimbursable: usd(fare),
      notReimbursed: usd('0.00'),
    });
  }

  claim(
    expenseId: string,
    category: DataOf<'ExpenseClaimed'>['category'],
    incurredOn: string,
    amountUsd: string,
    extra: Partial<DataOf<'ExpenseClaimed'>> = {},
  ): ProjectedEvent {
    return this.record('ExpenseClaimed', {
      expenseId,
      category,
      amount: usd(amountUsd),
      amountUsd: usd(amountUsd),
      incurredOn,
      receipts: [`R-${expenseId}`],
      description: category,
      reimbursableLimitUsd: usd(amountUsd),
      ...extra,
    });
  }

  ended(endedOn: string, reason: DataOf<'AssignmentEnded'>['reason'] = 'completed'): ProjectedEvent {
    return this.record('AssignmentEnded', { endedOn, reason });
  }

  corrected(original: ProjectedEvent, replacement: Record<string, unknown>, reason = 'typo'): ProjectedEvent {
    return this.record('EventCorrected', {
      correctsEventId: original.eventId,
      correctedType: original.type as DataOf<'EventCorrected'>['correctedType'],
      reason,
      replacement,
    });
  }

  voided(original: ProjectedEvent, reason = 'recorded twice'): ProjectedEvent {
    return this.record('EventVoided', {
      correctsEventId: original.eventId,
      correctedType: original.type as DataOf<'EventVoided'>['correctedType'],
      reason,
    });
  }
}

/** Folds the events a projection handles into the document of `key` and derives it, as the runner stores it. */
export const project = <Doc>(
  projection: Projection<Doc>,
  events: readonly ProjectedEvent[],
  key = JOE,
): Doc => {
  let doc = projection.init(key);
  for (const event of events) {
    if (!projection.canHandle.includes(event.type) || projection.keyOf(event) !== key) continue;
    doc = projection.evolve(doc, event);
  }
  return storedFormOf(projection, doc);
};
