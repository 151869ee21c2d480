/**
 * The assignment's write-side state: every fact keyed by its eventId (so a correction or a void can
 * replace or cancel the one it references) and the balances the decisions need, kept up to date by
 * adding a fact's contribution when it is recorded and taking it away when it is corrected or voided.
 */
import type { Money } from '../shared/money.js';
import { lb } from '../shared/weight.js';
import { maxDate, minDate, type BusinessDate } from '../shared/calendar.js';
import { expenseTotals, type ExpenseStatus } from './balances/expenses.js';
import {
  emptyFund,
  fundBalance,
  isOverdrawn,
  tallyDeposit,
  tallyDraw,
  type FundTally,
} from './balances/funds.js';
import { NO_TRIPS, poolYearOf, tallyTrip, type TripTally } from './balances/home-leave.js';
import {
  containersOf,
  NO_SHIPMENTS,
  returnCapOf,
  shipmentBalances,
  tallyShipment,
  type ShipmentTally,
  type ShipmentTerms,
} from './balances/shipments.js';
import {
  NO_DAYS_OFF,
  tallyHoliday,
  tallyVacation,
  vacationBalance,
  yearOfHoliday,
  yearOfVacation,
  type DaysOffTally,
} from './balances/time-off.js';
import type {
  AssignmentEvent,
  AssignmentEventType,
  AssignmentStarted,
  CorrectableEventType,
  Direction,
  EndReason,
  Envelope,
  EventData,
  ExpenseCategory,
  ShipmentMode,
  TaxHomeStatus,
  Traveller,
  TripDestination,
} from './events.js';
import { CORRECTABLE_EVENT_TYPES, type ExceptionTerm } from './events.js';
import { termsInForce, type ApprovedException } from './balances/exceptions.js';
import {
  isOneOffType,
  ONE_OFF_EVENT_TYPES,
  ONE_OFF_PAYMENTS,
  type OneOffEventType,
  type OneOffTerm,
  type PaidOnce,
} from './one-off-payments.js';
import { policyOf, taxHomeStatusOf, type AssignmentPolicy } from './policy.js';

export { countedContainers } from './balances/shipments.js';
export type { ExpenseStatus } from './balances/expenses.js';

export interface FactOf<T extends AssignmentEventType> {
  eventId: string;
  recordedAt: string;
  type: T;
  /** The data in force: the latest correction's replacement, or the data as recorded. */
  data: EventData<T>;
  correctedBy: readonly string[];
  voidedBy: string | null;
}
export type Fact = { [T in AssignmentEventType]: FactOf<T> }[AssignmentEventType];
export type CorrectableFact = { [T in CorrectableEventType]: FactOf<T> }[CorrectableEventType];

type OneOffFact = { [T in OneOffEventType]: FactOf<T> }[OneOffEventType];
const isOneOffFact = (fact: Fact): fact is OneOffFact => isOneOffType(fact.type);

export const isCorrectable = (fact: Fact): fact is CorrectableFact =>
  (CORRECTABLE_EVENT_TYPES as readonly string[]).includes(fact.type);

export interface ShipmentView {
  eventId: string;
  direction: Direction;
  mode: ShipmentMode;
  shippedOn: BusinessDate;
  lb: string;
  /** Outbound sea containers counted against the limit (any size counts as one). */
  containers: number;
}

export interface TripView {
  eventId: string;
  year: number;
  traveller: Traveller;
  destination: TripDestination;
  departedOn: BusinessDate;
  reimbursable: Money;
}

export type HomeLeaveYear = TripTally;

export interface ExpenseView {
  eventId: string;
  category: ExpenseCategory;
  amount: Money;
  amountUsd: Money;
  reimbursableLimitUsd: Money;
  incurredOn: BusinessDate;
  receipts: readonly string[];
  status: ExpenseStatus;
  reimbursableUsd: Money | null;
}

export interface LeaseView {
  eventId: string;
  approvedOn: BusinessDate;
  effectiveFrom: BusinessDate;
  approvedMonthlyUsd: Money;
}

export interface SalaryView {
  eventId: string;
  daysWorked: number;
  gross: Money;
  net: Money;
}

export type DaysOffYear = DaysOffTally;

export interface ExceptionView {
  eventId: string;
  term: ExceptionTerm;
  requestedLimit: string;
  year?: number;
  requestedBy: string;
  requestedOn: BusinessDate;
  status: 'requested' | 'approved' | 'declined';
}

export type AssignmentStatus = 'not-started' | 'active' | 'ended';

/** Plain data; treat it as read-only: evolve, foldEvents and contribute never change a state they are given. */
/** The start as the decisions read it: every policy term present (policyOf). */
export type StartedAssignment = Omit<AssignmentStarted['data'], 'policy'> & { policy: AssignmentPolicy };

/** The clause-4 tally is kept flat in the state: outboundAirLb, outboundSeaLb, containersUsed, returnUsedLb. */
/** Each one-off payment in force, under its policy term's name (one-off-payments.ts). */
export type OneOffPayments = { [K in OneOffTerm]: PaidOnce | null };

export interface AssignmentState extends ShipmentTally, OneOffPayments {
  status: AssignmentStatus;
  assignment: StartedAssignment | null;
  expectedEndDate: BusinessDate | null;
  extensions: number;
  taxHomeStatus: TaxHomeStatus;
  taxHomeIndefiniteFrom: BusinessDate | null;
  ended: { eventId: string; reason: EndReason; endedOn: BusinessDate } | null;

  facts: Record<string, Fact>;

  shipments: Record<string, ShipmentView>;
  outboundTotalLb: string;
  /** Outbound total (air + sea) plus the policy's allowance: 1,000 lb before anything was shipped out. */
  returnCapLb: string;

  trips: Record<string, TripView>;
  /** By calendar year of departure. */
  homeLeave: Record<string, HomeLeaveYear>;

  expenses: Record<string, ExpenseView>;
  leases: Record<string, LeaseView>;
  returnAirfreightFund: FundTally;
  /** By period `YYYY-MM`. */
  salaries: Record<string, SalaryView>;
  /** Host holidays by date (value: eventId). */
  holidays: Record<BusinessDate, string>;
  /** By calendar year. */
  daysOff: Record<string, DaysOffYear>;
  /** Travellers flown home, by normalized name (value: eventId). */
  repatriated: Record<string, string>;
  /** Exceptions to a cap by exceptionId, and the approved ones in the order approved (balances/exceptions.ts). */
  exceptions: Record<string, ExceptionView>;
  approvedExceptions: readonly ApprovedException[];
}

export const initialState = (): AssignmentState => ({
  status: 'not-started',
  assignment: null,
  expectedEndDate: null,
  extensions: 0,
  taxHomeStatus: 'temporary',
  taxHomeIndefiniteFrom: null,
  ended: null,
  facts: {},
  shipments: {},
  ...NO_SHIPMENTS,
  outboundTotalLb: '0',
  returnCapLb: '0',
  trips: {},
  homeLeave: {},
  ...(Object.fromEntries(
    ONE_OFF_EVENT_TYPES.map((type) => [ONE_OFF_PAYMENTS[type].term, null]),
  ) as OneOffPayments),
  expenses: {},
  leases: {},
  returnAirfreightFund: emptyFund('USD'),
  salaries: {},
  holidays: {},
  daysOff: {},
  repatriated: {},
  exceptions: {},
  approvedExceptions: [],
});

/** Names compare trimmed and case-insensitively ("Joe Lamoreux" is "joe lamoreux "). */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

type Sign = 1 | -1;

const setOrDrop = <V>(record: Record<string, V>, key: string, value: V, sign: Sign): void => {
  if (sign === 1) record[key] = value;
  else delete record[key];
};

/**
 * A copy whose records may be written: values inside are never mutated, only replaced, so copying
 * each record shallowly is enough to leave the original untouched.
 */
const draftOf = (state: AssignmentState): AssignmentState => ({
  ...state,
  facts: { ...state.facts },
  shipments: { ...state.shipments },
  trips: { ...state.trips },
  homeLeave: { ...state.homeLeave },
  expenses: { ...state.expenses },
  leases: { ...state.leases },
  salaries: { ...state.salaries },
  holidays: { ...state.holidays },
  daysOff: { ...state.daysOff },
  repatriated: { ...state.repatriated },
  exceptions: { ...state.exceptions },
});

/** Before the start there is no policy: nothing is allowed, and the cap is what was shipped out. */
const NO_SHIPMENT_TERMS: ShipmentTerms = {
  outboundAirLimitLb: '0',
  outboundContainerLimit: 0,
  returnAllowanceOverOutboundLb: '0',
};

const shipmentTallyOf = (state: AssignmentState): ShipmentTally => ({
  outboundAirLb: state.outboundAirLb,
  outboundSeaLb: state.outboundSeaLb,
  containersUsed: state.containersUsed,
  returnUsedLb: state.returnUsedLb,
});

/** The policy with the approved exceptions in force (for trips, those of `year`). */
export const policyInForce = (state: AssignmentState, year?: number): AssignmentPolicy | undefined =>
  state.assignment ? termsInForce(state.assignment.policy, state.approvedExceptions, year) : undefined;

/** Clause 4's balances, as the entitlements answer gives them (balances/shipments.ts). */
export const shipmentBalancesOf = (state: AssignmentState) =>
  shipmentBalances(shipmentTallyOf(state), policyInForce(state) ?? NO_SHIPMENT_TERMS);

const updateReturnCap = (draft: AssignmentState): void => {
  const { outboundTotalLb, capLb } = returnCapOf(draft, draft.assignment?.policy ?? NO_SHIPMENT_TERMS);
  draft.outboundTotalLb = outboundTotalLb;
  draft.returnCapLb = capLb;
};

/** Adds (sign 1) or takes away (sign -1) what one fact contributes to the balances of a draft. */
const contributeTo = (draft: AssignmentState, fact: Fact, sign: Sign): void => {
  if (isOneOffFact(fact)) {
    draft[ONE_OFF_PAYMENTS[fact.type].term] =
      sign === 1 ? { eventId: fact.eventId, paidOn: fact.data.paidOn, amount: fact.data.amount } : null;
    return;
  }
  switch (fact.type) {
    case 'AssignmentStarted': {
      const data = fact.data;
      const taxHomeStatus =
        data.taxHomeStatus ?? taxHomeStatusOf(data.effectiveDate, data.expectedEndDate, data.policy);
      draft.status = draft.ended ? 'ended' : 'active';
      draft.assignment = { ...data, policy: policyOf(data.policy) };
      draft.expectedEndDate = data.expectedEndDate;
      draft.taxHomeStatus = taxHomeStatus;
      draft.taxHomeIndefiniteFrom = taxHomeStatus === 'indefinite' ? data.effectiveDate : null;
      updateReturnCap(draft);
      return;
    }
    case 'AssignmentExtended': {
      const data = fact.data;
      draft.extensions += 1;
      draft.expectedEndDate = draft.expectedEndDate
        ? maxDate(draft.expectedEndDate, data.newExpectedEndDate)
        : data.newExpectedEndDate;
      // Indefinite from the earliest decision that says so, whatever order the decisions were recorded in
      // (as the entitlements projection, which sorts extensions by decidedOn).
      if (data.taxHomeStatus === 'indefinite') {
        draft.taxHomeStatus = 'indefinite';
        draft.taxHomeIndefiniteFrom = draft.taxHomeIndefiniteFrom
          ? minDate(draft.taxHomeIndefiniteFrom, data.decidedOn)
          : data.decidedOn;
      }
      return;
    }
    case 'AssignmentEnded':
      draft.status = 'ended';
      draft.ended = { eventId: fact.eventId, reason: fact.data.reason, endedOn: fact.data.endedOn };
      return;
    case 'ShipmentRecorded': {
      const data = fact.data;
      const weightLb = lb(data.weight);
      const view: ShipmentView = {
        eventId: fact.eventId,
        direction: data.direction,
        mode: data.mode,
        shippedOn: data.shippedOn,
        lb: weightLb.toFixed(),
        containers: containersOf(data),
      };
      setOrDrop(draft.shipments, data.shipmentId, view, sign);
      tallyShipment(draft, data, sign);
      updateReturnCap(draft);
      return;
    }
    case 'HomeLeaveTripTaken': {
      const data = fact.data;
      const key = String(poolYearOf(data));
      setOrDrop(
        draft.trips,
        data.tripId,
        {
          eventId: fact.eventId,
          year: data.year,
          traveller: data.traveller,
          destination: data.destination,
          departedOn: data.departedOn,
          reimbursable: data.reimbursable,
        },
        sign,
      );
      draft.homeLeave[key] = tallyTrip(draft.homeLeave[key] ?? NO_TRIPS, data, sign);
      return;
    }
    case 'ExpenseClaimed': {
      const data = fact.data;
      setOrDrop(
        draft.expenses,
        data.expenseId,
        {
          eventId: fact.eventId,
          category: data.category,
          amount: data.amount,
          amountUsd: data.amountUsd,
          reimbursableLimitUsd: data.reimbursableLimitUsd,
          incurredOn: data.incurredOn,
          receipts: data.receipts,
          status: 'claimed',
          reimbursableUsd: null,
        },
        sign,
      );
      return;
    }
    case 'ExpenseApproved':
    case 'ExpenseRejected': {
      const expense = draft.expenses[fact.data.expenseId];
      if (!expense) return;
      draft.expenses[fact.data.expenseId] =
        fact.type === 'ExpenseApproved'
          ? { ...expense, status: 'approved', reimbursableUsd: fact.data.reimbursableUsd }
          : { ...expense, status: 'rejected', reimbursableUsd: null };
      return;
    }
    case 'RepatriationTravelled':
      for (const name of fact.data.travellers) {
        setOrDrop(draft.repatriated, normalizeName(name), fact.eventId, sign);
      }
      return;
    case 'ReturnAirfreightFundDeposited':
      draft.returnAirfreightFund = tallyDeposit(draft.returnAirfreightFund, fact.data.amount, sign);
      return;
    case 'ReturnAirfreightFundDrawn':
      draft.returnAirfreightFund = tallyDraw(draft.returnAirfreightFund, fact.data.amount, sign);
      return;
    case 'SalaryPaid': {
      const data = fact.data;
      setOrDrop(
        draft.salaries,
        data.period,
        { eventId: fact.eventId, daysWorked: data.daysWorked, gross: data.gross, net: data.net },
        sign,
      );
      return;
    }
    case 'HousingLeaseApproved': {
      const data = fact.data;
      setOrDrop(
        draft.leases,
        data.leaseId,
        {
          eventId: fact.eventId,
          approvedOn: data.approvedOn,
          effectiveFrom: data.effectiveFrom,
          approvedMonthlyUsd: data.approvedMonthlyUsd,
        },
        sign,
      );
      return;
    }
    case 'HostHolidayObserved': {
      const key = String(yearOfHoliday(fact.data));
      setOrDrop(draft.holidays, fact.data.date, fact.eventId, sign);
      draft.daysOff[key] = tallyHoliday(draft.daysOff[key] ?? NO_DAYS_OFF, sign);
      return;
    }
    case 'VacationTaken': {
      const key = String(yearOfVacation(fact.data));
      draft.daysOff[key] = tallyVacation(draft.daysOff[key] ?? NO_DAYS_OFF, fact.data, sign);
      return;
    }
    case 'ExceptionRequested': {
      const d = fact.data;
      draft.exceptions[d.exceptionId] = {
        eventId: fact.eventId,
        term: d.term,
        requestedLimit: d.requestedLimit,
        ...(d.year !== undefined ? { year: d.year } : {}),
        requestedBy: d.requestedBy,
        requestedOn: d.requestedOn,
        status: 'requested',
      };
      return;
    }
    case 'ExceptionApproved':
    case 'ExceptionDeclined': {
      const exception = draft.exceptions[fact.data.exceptionId];
      if (!exception) return;
      draft.exceptions[fact.data.exceptionId] = {
        ...exception,
        status: fact.type === 'ExceptionApproved' ? 'approved' : 'declined',
      };
      if (fact.type === 'ExceptionApproved') {
        const { exceptionId, term, grantedLimit, year } = fact.data;
        draft.approvedExceptions = [...draft.approvedExceptions, { exceptionId, term, grantedLimit, year }];
      }
      return;
    }
    // Tax equalization is recorded, not computed (clauses 1, 3): no decision reads a balance of it.
    case 'TaxEqualizationSettled':
    case 'EventCorrected':
    case 'EventVoided':
    // Writes after an erasure are refused before any decision (the application knows the subject's key).
    case 'DataSubjectErased':
      return;
    default: {
      const unknown: never = fact;
      return unknown;
    }
  }
};

/** The state with one fact's contribution added (1) or taken away (-1); the given state is left as it was. */
export const contribute = (state: AssignmentState, fact: Fact, sign: Sign): AssignmentState => {
  const draft = draftOf(state);
  contributeTo(draft, fact, sign);
  return draft;
};

const factOf = (event: Envelope): Fact =>
  ({
    eventId: event.eventId,
    recordedAt: event.recordedAt,
    type: event.type,
    data: event.data,
    correctedBy: [],
    voidedBy: null,
  }) as Fact;

/** Folds one event into a draft. Events already seen (same eventId) change nothing. */
const applyTo = (draft: AssignmentState, event: Envelope<AssignmentEvent>): void => {
  if (draft.facts[event.eventId]) return;
  const fact = factOf(event);
  draft.facts[event.eventId] = fact;
  if (event.type !== 'EventCorrected' && event.type !== 'EventVoided') {
    contributeTo(draft, fact, 1);
    return;
  }
  const target = draft.facts[event.data.correctsEventId];
  if (!target || target.voidedBy !== null) return;
  const previousExpense =
    target.type === 'ExpenseClaimed' ? draft.expenses[target.data.expenseId] : undefined;
  contributeTo(draft, target, -1);
  if (event.type === 'EventVoided') {
    draft.facts[target.eventId] = { ...target, voidedBy: event.eventId };
    return;
  }
  const replaced = {
    ...target,
    data: event.data.replacement,
    correctedBy: [...target.correctedBy, event.eventId],
  } as unknown as Fact;
  draft.facts[target.eventId] = replaced;
  contributeTo(draft, replaced, 1);
  // A corrected claim keeps the approval or rejection it had (the decider only corrects undecided claims).
  if (replaced.type === 'ExpenseClaimed' && previousExpense && previousExpense.status !== 'claimed') {
    const current = draft.expenses[replaced.data.expenseId];
    if (current) {
      draft.expenses[replaced.data.expenseId] = {
        ...current,
        status: previousExpense.status,
        reimbursableUsd: previousExpense.reimbursableUsd,
      };
    }
  }
};

/** Folds one stored event into the state, leaving the given state as it was. */
export const evolve = (state: AssignmentState, event: Envelope<AssignmentEvent>): AssignmentState => {
  if (state.facts[event.eventId]) return state;
  const draft = draftOf(state);
  applyTo(draft, event);
  return draft;
};

/** Folds a stream in one pass (copying the state once, not once per event as a reduce over evolve does). */
export const foldEvents = (
  events: Iterable<Envelope<AssignmentEvent>>,
  state: AssignmentState = initialState(),
): AssignmentState => {
  const draft = draftOf(state);
  for (const event of events) applyTo(draft, event);
  return draft;
};

/**
 * foldEvents without the copy: folds into `state` itself and returns it, so a long history costs
 * nothing per event folded. Only for a state its caller alone holds and never hands on.
 */
export const foldEventsInto = (
  state: AssignmentState,
  events: Iterable<Envelope<AssignmentEvent>>,
): AssignmentState => {
  for (const event of events) applyTo(state, event);
  return state;
};

// Queries the decisions (and callers) ask of the state.

export const homeLeaveYear = (state: AssignmentState, year: number): HomeLeaveYear =>
  state.homeLeave[String(year)] ?? NO_TRIPS;

export const daysOffYear = (state: AssignmentState, year: number): DaysOffYear =>
  state.daysOff[String(year)] ?? NO_DAYS_OFF;

/** US entitlement - host holidays observed - vacation taken, in that calendar year (may go below 0). */
export const vacationDaysLeft = (state: AssignmentState, year: number): number =>
  vacationBalance(daysOffYear(state, year), {
    usHolidaysAndVacationDays: state.assignment?.policy.usHolidaysAndVacationDays ?? 0,
  }).left;

/**
 * Of these leases, the one in force on a date: the latest effective on or before it (then the latest
 * approved, then the last given). The entitlements query picks with it too.
 */
export const latestLeaseInForce = <L extends { effectiveFrom: BusinessDate; approvedOn: BusinessDate }>(
  leases: Iterable<L>,
  date: BusinessDate,
): L | null => {
  let best: L | null = null;
  for (const lease of leases) {
    if (lease.effectiveFrom > date) continue;
    if (
      !best ||
      lease.effectiveFrom > best.effectiveFrom ||
      (lease.effectiveFrom === best.effectiveFrom && lease.approvedOn >= best.approvedOn)
    ) {
      best = lease;
    }
  }
  return best;
};

/** The approved lease in force on a date (clause 8). */
export const leaseInForce = (state: AssignmentState, date: BusinessDate): LeaseView | null =>
  latestLeaseInForce(Object.values(state.leases), date);

export const returnAirfreightFundBalance = (state: AssignmentState): Money =>
  fundBalance(state.returnAirfreightFund).balance;

export const returnRemainingLb = (state: AssignmentState): string =>
  shipmentBalancesOf(state).return.remainingLb;

export const outboundAirRemainingLb = (state: AssignmentState): string =>
  shipmentBalancesOf(state).outboundAir.remainingLb;

/** Every claim as the expense totals count it (balances/expenses.ts). */
export const expenseTotalsOf = (state: AssignmentState) =>
  expenseTotals(Object.values(state.expenses), state.assignment?.policy.reimbursementCurrency ?? 'USD');

/** Reimbursable total of approved expenses, in USD. */
export const approvedExpensesUsd = (state: AssignmentState): Money =>
  expenseTotalsOf(state).totals.reimbursable;

export const isFundOverdrawn = (state: AssignmentState): boolean => isOverdrawn(state.returnAirfreightFund);
