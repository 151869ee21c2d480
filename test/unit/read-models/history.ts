/**
 * Generated histories of assignment events with the real event shapes (src/domain/assignment/events.ts):
 * many assignments interleaved in the global log, each starting with AssignmentStarted, with expenses,
 * shipments, trips, salary, corrections and voids of earlier events, an end and a repatriation.
 * Driven by caller-supplied choices, so fast-check can generate and shrink them and the bench can feed a
 * cheap PRNG. No clock, no randomness of its own: the same choices give the same events.
 */
import type { NewEvent } from '../../../src/event-store/event-store.port.js';
import {
  EXPENSE_CATEGORIES,
  streamIdOf,
  type AssignmentEvent,
  type CorrectableEventType,
} from '../../../src/domain/assignment/events.js';
import { LETTER_POLICY } from '../../../src/domain/assignment/policy.js';

export interface HistoryAppend {
  streamId: string;
  event: NewEvent;
}

interface AssignmentState {
  id: string;
  started: boolean;
  ended: boolean;
  day: number;
  endDay: number;
  revision: number;
  correctable: { eventId: string; type: CorrectableEventType }[];
  pendingExpenses: string[];
  miscPaid: boolean;
  counter: number;
}

const BASE_DAY = Date.UTC(2005, 0, 3) / 86_400_000;
const BASE_INSTANT = Date.UTC(2005, 0, 13, 9, 0, 0);

const dateOf = (day: number): string => new Date((BASE_DAY + day) * 86_400_000).toISOString().slice(0, 10);
const usd = (cents: number): { amount: string; currency: string } => ({
  amount: (cents / 100).toFixed(2),
  currency: 'USD',
});
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);

const CITIES = [
  ['Shanghai', 'CN'],
  ['Singapore', 'SG'],
  ['Frankfurt', 'DE'],
  ['São Paulo', 'BR'],
  ['Tokyo', 'JP'],
] as const;

export class HistoryBuilder {
  private readonly assignments: AssignmentState[] = [];
  private sequence = 0;

  /** `prefix`: 8 hex digits that make the event ids of this history unique in a shared store. */
  constructor(
    assignmentCount: number,
    private readonly prefix = '0000a11e',
  ) {
    for (let i = 0; i < assignmentCount; i++) {
      this.assignments.push({
        id: `${prefix}-${hex(i, 4)}-4000-8000-${hex(i * 7919, 12)}`,
        started: false,
        ended: false,
        day: (i * 13) % 400,
        endDay: 0,
        revision: -1,
        correctable: [],
        pendingExpenses: [],
        miscPaid: false,
        counter: 0,
      });
    }
  }

  /** Events built so far. */
  get size(): number {
    return this.sequence;
  }

  get assignmentIds(): string[] {
    return this.assignments.map((a) => a.id);
  }

  /** The next append: one event for assignment `which` (modulo the count), its kind picked by `pick`. */
  next(which: number, pick: number): HistoryAppend {
    const a = this.assignments[Math.abs(which) % this.assignments.length]!;
    const event = this.eventFor(a, Math.abs(pick));
    a.revision++;
    const seq = this.sequence++;
    return {
      streamId: streamIdOf(a.id),
      event: {
        eventId: this.eventIdOf(seq),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: {
          actor: pick % 5 === 0 ? 'auditor-fixture' : 'hr@example.com',
          commandId: `cmd-${this.prefix}-${seq}`,
          correlationId: `corr-${a.id}-${a.revision}`,
          recordedAt: new Date(BASE_INSTANT + seq * 1000).toISOString(),
          ...(pick % 7 === 0 ? { source: `invoice-${seq}` } : {}),
        },
      },
    };
  }

  private eventIdOf(seq: number): string {
    return `${this.prefix}-${hex(seq >>> 16, 4)}-4000-9000-${hex(seq, 12)}`;
  }

  /** Called while building event number `sequence`: it may be corrected later. */
  private remember(a: AssignmentState, type: CorrectableEventType): void {
    a.correctable.push({ eventId: this.eventIdOf(this.sequence), type });
  }

  private eventFor(a: AssignmentState, pick: number): AssignmentEvent {
    a.counter++;
    a.day += 1 + (pick % 9);
    const on = dateOf(a.day);
    if (!a.started) {
      a.started = true;
      a.endDay = a.day + 150 + (pick % 300);
      const [hostCity, hostCountry] = CITIES[pick % CITIES.length]!;
      return {
        type: 'AssignmentStarted',
        data: {
          assignmentId: a.id,
          employee: { id: `emp-${a.id.slice(-6)}`, name: `Employee ${a.id.slice(-4)}` },
          position: pick % 2 ? 'Chief Operating Officer' : 'Plant Manager',
          homeCountry: 'US',
          hostCountry,
          hostCity,
          effectiveDate: on,
          expectedEndDate: dateOf(a.endDay),
          reportsTo: 'CEO',
          accompanyingFamily: pick % 3 ? [{ name: 'Spouse Doe', relationship: 'spouse' }] : [],
          baseSalaryMonthly: usd(1_916_667),
          policy: LETTER_POLICY,
        },
      };
    }
    if (a.ended) {
      switch (pick % 4) {
        case 0: {
          this.remember(a, 'RepatriationTravelled');
          return {
            type: 'RepatriationTravelled',
            data: { travelledOn: on, travellers: ['Employee', 'Spouse Doe'], fare: usd(120_000 + pick) },
          };
        }
        case 1: {
          this.remember(a, 'ShipmentRecorded');
          return {
            type: 'ShipmentRecorded',
            data: {
              shipmentId: `ship-${a.counter}`,
              direction: 'return',
              mode: 'sea',
              shippedOn: on,
              weight: {
                lb: String(200 + (pick % 800)),
                original: { value: String(200 + (pick % 800)), unit: 'lb' },
              },
              containers: 1,
              containerSize: '20ft',
            },
          };
        }
        case 2: {
          this.remember(a, 'ReturnAirfreightFundDeposited');
          return { type: 'ReturnAirfreightFundDeposited', data: { depositedOn: on, amount: usd(300_000) } };
        }
        default:
          return (
            this.correction(a, pick) ?? {
              type: 'ReturnAirfreightFundDrawn',
              data: { drawnOn: on, amount: usd(50_000), description: 'airfreight of clothing' },
            }
          );
      }
    }
    switch (pick % 16) {
      case 0: {
        const previous = dateOf(a.endDay);
        a.endDay += 30 + (pick % 200);
        return {
          type: 'AssignmentExtended',
          data: {
            decidedOn: on,
            previousExpectedEndDate: previous,
            newExpectedEndDate: dateOf(a.endDay),
            reason: 'project extended',
            taxHomeStatus: a.endDay - a.day > 365 ? 'indefinite' : 'temporary',
          },
        };
      }
      case 1: {
        this.remember(a, 'ShipmentRecorded');
        const kg = pick % 3 === 0;
        return {
          type: 'ShipmentRecorded',
          data: {
            shipmentId: `ship-${a.counter}`,
            direction: 'outbound',
            mode: pick % 2 ? 'air' : 'sea',
            shippedOn: on,
            weight: kg
              ? { lb: '440.924524', original: { value: '200', unit: 'kg' } }
              : {
                  lb: String(100 + (pick % 400)),
                  original: { value: String(100 + (pick % 400)), unit: 'lb' },
                },
            ...(pick % 2 ? {} : { containers: 1, containerSize: '40ft' as const }),
          },
        };
      }
      case 2: {
        this.remember(a, 'HomeLeaveTripTaken');
        const other = pick % 5 === 0;
        const fare = 150_000 + (pick % 50_000);
        return {
          type: 'HomeLeaveTripTaken',
          data: {
            tripId: `trip-${a.counter}`,
            traveller: pick % 3 ? 'employee' : 'spouse',
            destination: other ? 'other' : pick % 3 ? 'home' : 'host',
            departedOn: on,
            returnedOn: dateOf(a.day + 10),
            fare: usd(fare),
            ...(other ? { homeFare: usd(160_000), fareRuleApplied: 'cap' as const } : {}),
            year: Number(on.slice(0, 4)),
            reimbursable: usd(other ? Math.min(fare, 160_000) : fare),
            notReimbursed: usd(other ? Math.max(0, fare - 160_000) : 0),
          },
        };
      }
      case 3:
      case 4:
      case 5: {
        const expenseId = `exp-${a.counter}`;
        this.remember(a, 'ExpenseClaimed');
        a.pendingExpenses.push(expenseId);
        const cny = pick % 4 === 0;
        const cents = 1_000 + (pick % 90_000);
        return {
          type: 'ExpenseClaimed',
          data: {
            expenseId,
            category: EXPENSE_CATEGORIES[pick % EXPENSE_CATEGORIES.length]!,
            amount: cny ? { amount: (cents / 100).toFixed(2), currency: 'CNY' } : usd(cents),
            ...(cny ? { exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: on } } : {}),
            amountUsd: usd(cny ? Math.round(cents / 8.2765) : cents),
            incurredOn: on,
            receipts: pick % 6 ? [`receipt-${a.counter}`] : [],
            description: 'taxi from the airport',
            reimbursableLimitUsd: usd(cents),
          },
        };
      }
      case 6:
      case 7: {
        const expenseId = a.pendingExpenses.shift();
        if (expenseId === undefined) return this.salary(a, on);
        return pick % 3
          ? {
              type: 'ExpenseApproved',
              data: {
                expenseId,
                approvedBy: 'hr@example.com',
                approvedOn: on,
                reimbursableUsd: usd(1_000 + (pick % 500)),
              },
            }
          : {
              type: 'ExpenseRejected',
              data: { expenseId, rejectedBy: 'hr@example.com', rejectedOn: on, reason: 'no receipt' },
            };
      }
      case 8: {
        if (a.miscPaid) return this.salary(a, on);
        a.miscPaid = true;
        this.remember(a, 'MiscellaneousAllowancePaid');
        return { type: 'MiscellaneousAllowancePaid', data: { paidOn: on, amount: usd(250_000) } };
      }
      case 9:
        this.remember(a, 'HostHolidayObserved');
        return { type: 'HostHolidayObserved', data: { date: on, name: 'Spring Festival' } };
      case 10:
        this.remember(a, 'VacationTaken');
        return { type: 'VacationTaken', data: { from: on, to: dateOf(a.day + 4), days: 5 } };
      case 11: {
        this.remember(a, 'HousingLeaseApproved');
        return {
          type: 'HousingLeaseApproved',
          data: {
            leaseId: `lease-${a.counter}`,
            approvedOn: on,
            effectiveFrom: on,
            monthlyRent: { amount: '24000.00', currency: 'CNY' },
            comparableUsCap: usd(350_000),
            approvedMonthlyUsd: usd(289_977),
            exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: on },
          },
        };
      }
      case 12: {
        this.remember(a, 'TaxEqualizationSettled');
        return {
          type: 'TaxEqualizationSettled',
          data: {
            taxYear: Number(on.slice(0, 4)),
            amount: usd(500_000 + pick),
            direction: pick % 2 ? 'company-to-employee' : 'employee-to-company',
            settledOn: on,
            provider: 'Outside Tax LLP',
          },
        };
      }
      case 13:
        return this.correction(a, pick) ?? this.salary(a, on);
      case 14:
        if (pick % 8 === 0) {
          a.ended = true;
          return {
            type: 'AssignmentEnded',
            data: { reason: pick % 3 ? 'completed' : 'employment-terminated', endedOn: on },
          };
        }
        return this.salary(a, on);
      default:
        return this.salary(a, on);
    }
  }

  private salary(a: AssignmentState, on: string): AssignmentEvent {
    this.remember(a, 'SalaryPaid');
    return {
      type: 'SalaryPaid',
      data: {
        period: on.slice(0, 7),
        paidOn: on,
        daysWorked: 30,
        daysInMonth: 31,
        gross: usd(1_854_839),
        hypotheticalTax: usd(463_710),
        net: usd(1_391_129),
      },
    };
  }

  private correction(a: AssignmentState, pick: number): AssignmentEvent | undefined {
    const target = a.correctable[pick % Math.max(1, a.correctable.length)];
    if (!target) return undefined;
    return pick % 2
      ? {
          type: 'EventVoided',
          data: { correctsEventId: target.eventId, correctedType: target.type, reason: 'recorded twice' },
        }
      : {
          type: 'EventCorrected',
          data: {
            correctsEventId: target.eventId,
            correctedType: target.type,
            reason: 'typo in the amount',
            replacement: { note: `corrected ${pick}` },
          },
        };
  }
}
