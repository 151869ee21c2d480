import { isDecimalString } from '../../shared/money.js';
import { kindOf, WEIGHT_UNITS, type FieldKind } from '../../shared/schema.js';
import { isBusinessDate, isPeriod } from '../../shared/calendar.js';
import type { CorrectEventData, CorrectionInputs, VoidEventData } from '../commands.js';
import {
  CORRECTABLE_EVENT_TYPES,
  inputSchemaOf,
  type CorrectableEventType,
  type EventCorrected,
  type EventData,
  type EventVoided,
} from '../events.js';
import { clauseOfCategory, clauseOfEventType, violation, type Clause } from '../errors.js';
import {
  contribute,
  isCorrectable,
  isFundOverdrawn,
  type AssignmentState,
  type CorrectableFact,
} from '../state.js';
import { Decimal } from 'decimal.js';
import { ONE_OFF_CORRECTIONS } from './allowances.js';
import { expenseData } from './expenses.js';
import { requireStarted } from './guards.js';
import { tripData } from './home-leave.js';
import { leaseData } from './housing.js';
import { salaryData, taxEqualizationData } from './payroll.js';
import { depositData, drawData, repatriationData } from './repatriation.js';
import { shipmentData } from './shipments.js';
import { holidayData, vacationData } from './time-off.js';

interface CorrectionSpec<T extends CorrectableEventType> {
  /** The id a correction may not change (the fact keeps its identity). */
  identity?: keyof CorrectionInputs[T] & string;
  /** Fields that stand for one another: replacing one drops the others (and none may be removed). */
  alternatives?: readonly (keyof CorrectionInputs[T] & string)[];
  inputOf(data: EventData<T>): CorrectionInputs[T];
  build(input: CorrectionInputs[T], state: AssignmentState): EventData<T>;
  /** Refuses a correction the fact's later history forbids. */
  guard?(data: EventData<T>, state: AssignmentState): void;
}

const isMoney = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  isDecimalString((v as { amount?: unknown }).amount) &&
  typeof (v as { currency?: unknown }).currency === 'string' &&
  /^[A-Z]{3}$/.test((v as { currency: string }).currency);

const FIELD_CHECKS: Record<Exclude<FieldKind, readonly string[]>, (v: unknown) => boolean> = {
  date: isBusinessDate,
  period: isPeriod,
  decimal: isDecimalString,
  money: isMoney,
  weight: (v) =>
    typeof v === 'object' &&
    v !== null &&
    isDecimalString((v as { value?: unknown }).value) &&
    (WEIGHT_UNITS as readonly unknown[]).includes((v as { unit?: unknown }).unit),
  text: (v) => typeof v === 'string' && v.trim().length > 0,
  texts: (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
  integer: (v) => Number.isInteger(v),
  exchangeRate: (v) =>
    typeof v === 'object' &&
    v !== null &&
    isDecimalString((v as { rate?: unknown }).rate) &&
    typeof (v as { source?: unknown }).source === 'string' &&
    isBusinessDate((v as { asOf?: unknown }).asOf),
};

const fits = (kind: FieldKind, value: unknown): boolean =>
  typeof kind === 'string' ? FIELD_CHECKS[kind](value) : kind.includes(value as string);

const SPECS: { [T in CorrectableEventType]: CorrectionSpec<T> } = {
  ...ONE_OFF_CORRECTIONS,
  ShipmentRecorded: {
    identity: 'shipmentId',
    alternatives: ['weightLb', 'weight'],
    inputOf: (d) => ({
      shipmentId: d.shipmentId,
      direction: d.direction,
      mode: d.mode,
      shippedOn: d.shippedOn,
      weight: { ...d.weight.original },
      containers: d.containers,
      containerSize: d.containerSize,
      exceptionApprovedBy: d.exceptionApprovedBy,
    }),
    build: shipmentData,
  },
  HomeLeaveTripTaken: {
    identity: 'tripId',
    inputOf: (d) => ({
      tripId: d.tripId,
      traveller: d.traveller,
      destination: d.destination,
      departedOn: d.departedOn,
      returnedOn: d.returnedOn,
      fare: d.fare,
      homeFare: d.homeFare,
    }),
    build: tripData,
  },
  ExpenseClaimed: {
    identity: 'expenseId',
    inputOf: (d) => ({
      expenseId: d.expenseId,
      category: d.category,
      amount: d.amount,
      exchangeRate: d.exchangeRate,
      incurredOn: d.incurredOn,
      receipts: d.receipts,
      description: d.description,
      cabin: d.cabin,
      economyFare: d.economyFare,
    }),
    build: expenseData,
    guard: (d, state) => {
      const status = state.expenses[d.expenseId]?.status;
      if (status && status !== 'claimed') {
        violation(
          'EXPENSE.ALREADY_DECIDED',
          `Expense ${d.expenseId} is already ${status}: void it and claim it again instead`,
          { clause: clauseOfCategory(d.category) },
        );
      }
    },
  },
  RepatriationTravelled: {
    inputOf: (d) => ({ travelledOn: d.travelledOn, travellers: d.travellers, fare: d.fare }),
    build: repatriationData,
  },
  ReturnAirfreightFundDeposited: {
    inputOf: (d) => ({ depositedOn: d.depositedOn, amount: d.amount }),
    build: depositData,
  },
  ReturnAirfreightFundDrawn: {
    inputOf: (d) => ({ drawnOn: d.drawnOn, amount: d.amount, description: d.description }),
    build: drawData,
  },
  SalaryPaid: {
    inputOf: (d) => ({ period: d.period, paidOn: d.paidOn, hypotheticalTax: d.hypotheticalTax }),
    build: salaryData,
  },
  TaxEqualizationSettled: {
    inputOf: (d) => ({
      taxYear: d.taxYear,
      amount: d.amount,
      direction: d.direction,
      settledOn: d.settledOn,
      provider: d.provider,
    }),
    build: taxEqualizationData,
  },
  HousingLeaseApproved: {
    identity: 'leaseId',
    inputOf: (d) => ({
      leaseId: d.leaseId,
      approvedOn: d.approvedOn,
      effectiveFrom: d.effectiveFrom,
      monthlyRent: d.monthlyRent,
      comparableUsCap: d.comparableUsCap,
      exchangeRate: d.exchangeRate,
    }),
    build: leaseData,
  },
  HostHolidayObserved: {
    inputOf: (d) => ({ date: d.date, name: d.name }),
    build: holidayData,
  },
  VacationTaken: {
    inputOf: (d) => ({ from: d.from, to: d.to, days: d.days }),
    build: vacationData,
  },
};

interface ReplaceableFields {
  kinds: Readonly<Record<string, FieldKind>>;
  /** Those a correction may remove with `null`: optional in the command, and not an alternative. */
  removable: readonly string[];
}

/** Read from the schema of the command that recorded the type (events.ts), less its identity. */
const replaceableFieldsOf = (type: CorrectableEventType): ReplaceableFields => {
  const spec: { identity?: string; alternatives?: readonly string[] } = SPECS[type];
  const schema = inputSchemaOf(type);
  const kinds: Record<string, FieldKind> = {};
  const removable: string[] = [];
  for (const [field, fieldSchema] of Object.entries(schema.properties)) {
    if (field === spec.identity) continue;
    const kind = kindOf(fieldSchema);
    // A declaration mistake, found when the module loads rather than by a correction refused later.
    if (kind === undefined) throw new Error(`${type}: input field ${field} is declared without a field kind`);
    kinds[field] = kind;
    if (!schema.required?.includes(field) && !spec.alternatives?.includes(field)) removable.push(field);
  }
  return { kinds, removable };
};

const REPLACEABLE = Object.fromEntries(
  CORRECTABLE_EVENT_TYPES.map((type) => [type, replaceableFieldsOf(type)]),
) as Record<CorrectableEventType, ReplaceableFields>;

/** Replaceable fields per correctable event type and how each is checked: the application may validate with it. */
export const CORRECTION_FIELDS: { [T in CorrectableEventType]: Readonly<Record<string, FieldKind>> } =
  Object.fromEntries(CORRECTABLE_EVENT_TYPES.map((type) => [type, REPLACEABLE[type].kinds])) as {
    [T in CorrectableEventType]: Readonly<Record<string, FieldKind>>;
  };

const clauseOfFact = (fact: CorrectableFact): Clause =>
  fact.type === 'ExpenseClaimed' ? clauseOfCategory(fact.data.category) : clauseOfEventType(fact.type);

const correctableFact = (state: AssignmentState, eventId: string): CorrectableFact => {
  requireStarted(state);
  const fact =
    state.facts[eventId] ??
    violation('CORRECTION.UNKNOWN_EVENT', `No event ${eventId} in this assignment`, { details: { eventId } });
  if (!isCorrectable(fact)) {
    return violation('CORRECTION.NOT_CORRECTABLE', `A ${fact.type} cannot be corrected or voided`, {
      clause: clauseOfEventType(fact.type),
      details: { eventId, type: fact.type },
    });
  }
  if (fact.voidedBy !== null) {
    violation('CORRECTION.ALREADY_VOIDED', `Event ${eventId} was voided by ${fact.voidedBy}`, {
      clause: clauseOfFact(fact),
      details: { eventId, voidedBy: fact.voidedBy },
    });
  }
  return fact;
};

/** Rules that tie several facts together, checked again after a fact is replaced or cancelled. */
const checkStandingRules = (state: AssignmentState, clause: Clause): void => {
  if (new Decimal(state.returnUsedLb).gt(state.returnCapLb)) {
    violation(
      'SHIPMENT.RETURN_CAP_EXCEEDED',
      `Return shipments (${state.returnUsedLb} lb) would exceed the cap of ${state.returnCapLb} lb`,
      { clause: '4', details: { capLb: state.returnCapLb, usedLb: state.returnUsedLb } },
    );
  }
  if (isFundOverdrawn(state)) {
    violation('FUND.INSUFFICIENT', 'More would be drawn from the return airfreight fund than deposited', {
      clause,
    });
  }
};

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

type LooseSpec = {
  identity?: string;
  alternatives?: readonly string[];
  inputOf(data: unknown): Record<string, unknown>;
  build(input: unknown, state: AssignmentState): Record<string, unknown>;
  guard?(data: unknown, state: AssignmentState): void;
};

const mergeReplacement = (
  spec: LooseSpec,
  fields: ReplaceableFields,
  fact: CorrectableFact,
  replacement: Record<string, unknown>,
  clause: Clause,
): Record<string, unknown> => {
  const input = spec.inputOf(fact.data);
  const errors: { field: string; problem: string }[] = [];
  for (const [field, value] of Object.entries(replacement)) {
    if (value === undefined) continue;
    if (field === spec.identity) {
      if (value !== input[field]) {
        violation('CORRECTION.IDENTITY_CHANGED', `A correction cannot change ${field}`, {
          clause,
          details: { field, current: input[field], replacement: value },
        });
      }
      continue;
    }
    const kind = fields.kinds[field];
    if (kind === undefined) {
      errors.push({ field, problem: `not a field of ${fact.type}` });
      continue;
    }
    if (value === null) {
      if (!fields.removable.includes(field))
        errors.push({ field, problem: 'is required and cannot be removed' });
      else delete input[field];
      continue;
    }
    if (!fits(kind, value)) {
      errors.push({ field, problem: `must be ${typeof kind === 'string' ? kind : kind.join(' | ')}` });
      continue;
    }
    if (spec.alternatives?.includes(field)) for (const other of spec.alternatives) delete input[other];
    input[field] = value;
  }
  if (errors.length > 0) {
    violation('COMMAND.INVALID', `The replacement of ${fact.type} is malformed`, { details: { errors } });
  }
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
};

/**
 * The corrected event is decided again as if it were recorded now, against every other fact, and the
 * rules linking facts must still hold afterwards; its whole new data goes in the correction.
 */
export const correctEvent = (command: CorrectEventData, state: AssignmentState): EventCorrected => {
  const fact = correctableFact(state, command.correctsEventId);
  const clause = clauseOfFact(fact);
  const spec = SPECS[fact.type] as unknown as LooseSpec;
  spec.guard?.(fact.data, state);
  const input = mergeReplacement(spec, REPLACEABLE[fact.type], fact, command.replacement, clause);
  const without = contribute(state, fact, -1);
  const replacement = spec.build(input, without);
  if (canonical(replacement) === canonical(fact.data)) {
    violation('CORRECTION.NO_CHANGE', `The replacement leaves event ${fact.eventId} as it is`, { clause });
  }
  checkStandingRules(contribute(without, { ...fact, data: replacement } as CorrectableFact, 1), clause);
  return {
    type: 'EventCorrected',
    data: { correctsEventId: fact.eventId, correctedType: fact.type, reason: command.reason, replacement },
  };
};

export const voidEvent = (command: VoidEventData, state: AssignmentState): EventVoided => {
  const fact = correctableFact(state, command.correctsEventId);
  checkStandingRules(contribute(state, fact, -1), clauseOfFact(fact));
  return {
    type: 'EventVoided',
    data: { correctsEventId: fact.eventId, correctedType: fact.type, reason: command.reason },
  };
};
