/**
 * The assignment's write-side state: every fact keyed by its eventId (so a correction or a void can
 * replace or cancel the one it references) and the balances the decisions need, kept up to date by
 * adding a fact's contribution when it is recorded and taking it away when it is corrected or voided.
 */
import { Decimal } from 'decimal.js';
import { addMoney, dec, money, subtractMoney, zero, type Money } from '../shared/money.js';
import { lb } from '../shared/weight.js';
import { maxDate, minDate, yearOf, type BusinessDate } from '../shared/calendar.js';
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
import { CORRECTABLE_EVENT_TYPES } from './events.js';
import { taxHomeStatusOf } from './policy.js';

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

export interface HomeLeaveYear {
  taken: number;
  byEmployee: number;
  bySpouse: number;
  otherDestination: number;
}

export type ExpenseStatus = 'claimed' | 'approved' | 'rejected';

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

export interface DaysOffYear {
  holidays: number;
  vacation: number;
}

export type AssignmentStatus = 'not-started' | 'active' | 'ended';

/** Plain data; treat it as read-only: evolve, foldEvents and contribute never change a state they are given. */
export interface AssignmentState {
  status: AssignmentStatus;
  assignment: AssignmentStarted['data'] | null;
  expectedEndDate: BusinessDate | null;
  extensions: number;
  taxHomeStatus: TaxHomeStatus;
  taxHomeIndefiniteFrom: BusinessDate | null;
  ended: { eventId: string; reason: EndReason; endedOn: BusinessDate } | null;

  facts: Record<string, Fact>;

  shipments: Record<string, ShipmentView>;
  outboundAirLb: string;
  outboundSeaLb: string;
  outboundTotalLb: string;
  containersUsed: number;
  returnUsedLb: string;
  /** Outbound total (air + sea) plus the policy's allowance: 1,000 lb before anything was shipped out. */
  returnCapLb: string;

  trips: Record<string, TripView>;
  /** By calendar year of departure. */
  homeLeave: Record<string, HomeLeaveYear>;

  miscellaneousAllowance: { eventId: string; paidOn: BusinessDate; amount: Money } | null;
  expenses: Record<string, ExpenseView>;
  leases: Record<string, LeaseView>;
  returnAirfreightFund: { deposited: Money; drawn: Money };
  /** By period `YYYY-MM`. */
  salaries: Record<string, SalaryView>;
  /** Host holidays by date (value: eventId). */
  holidays: Record<BusinessDate, string>;
  /** By calendar year. */
  daysOff: Record<string, DaysOffYear>;
  /** Travellers flown home, by normalized name (value: eventId). */
  repatriated: Record<string, string>;
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
  outboundAirLb: '0',
  outboundSeaLb: '0',
  outboundTotalLb: '0',
  containersUsed: 0,
  returnUsedLb: '0',
  returnCapLb: '0',
  trips: {},
  homeLeave: {},
  miscellaneousAllowance: null,
  expenses: {},
  leases: {},
  returnAirfreightFund: { deposited: zero('USD'), drawn: zero('USD') },
  salaries: {},
  holidays: {},
  daysOff: {},
  repatriated: {},
});

/** Names compare trimmed and case-insensitively ("Joe Lamoreux" is "joe lamoreux "). */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

type Sign = 1 | -1;

const adjustLb = (total: string, weightLb: Decimal.Value, sign: Sign): string =>
  new Decimal(total).plus(new Decimal(weightLb).times(sign)).toFixed();

const adjustMoney = (total: Money, amount: Money, sign: Sign): Money =>
  sign === 1 ? addMoney(total, amount) : subtractMoney(total, amount);

const setOrDrop = <V>(record: Record<string, V>, key: string, value: V, sign: Sign): void => {
  if (sign === 1) record[key] = value;
  else delete record[key];
};

/** Any size of container counts as one, and a sea shipment uses at least one. */
export const countedContainers = (containers: number | undefined): number => Math.max(containers ?? 1, 1);

const EMPTY_YEAR: HomeLeaveYear = { taken: 0, byEmployee: 0, bySpouse: 0, otherDestination: 0 };
const NO_DAYS_OFF: DaysOffYear = { holidays: 0, vacation: 0 };

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
});

const updateReturnCap = (draft: AssignmentState): void => {
  const allowance = draft.assignment?.policy.returnAllowanceOverOutboundLb ?? '0';
  draft.outboundTotalLb = new Decimal(draft.outboundAirLb).plus(draft.outboundSeaLb).toFixed();
  draft.returnCapLb = new Decimal(draft.outboundTotalLb).plus(allowance).toFixed();
};

/** Adds (sign 1) or takes away (sign -1) what one fact contributes to the balances of a draft. */
const contributeTo = (draft: AssignmentState, fact: Fact, sign: Sign): void => {
  switch (fact.type) {
    case 'AssignmentStarted': {
      const data = fact.data;
      const taxHomeStatus =
        data.taxHomeStatus ?? taxHomeStatusOf(data.effectiveDate, data.expectedEndDate, data.policy);
      draft.status = draft.ended ? 'ended' : 'active';
      draft.assignment = data;
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
        containers:
          data.direction === 'outbound' && data.mode === 'sea' ? countedContainers(data.containers) : 0,
      };
      setOrDrop(draft.shipments, data.shipmentId, view, sign);
      if (data.direction === 'return') {
        draft.returnUsedLb = adjustLb(draft.returnUsedLb, weightLb, sign);
        return;
      }
      if (data.mode === 'air') draft.outboundAirLb = adjustLb(draft.outboundAirLb, weightLb, sign);
      else {
        draft.outboundSeaLb = adjustLb(draft.outboundSeaLb, weightLb, sign);
        draft.containersUsed += sign * view.containers;
      }
      updateReturnCap(draft);
      return;
    }
    case 'HomeLeaveTripTaken': {
      const data = fact.data;
      const key = String(data.year);
      const year = draft.homeLeave[key] ?? EMPTY_YEAR;
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
      draft.homeLeave[key] = {
        taken: year.taken + sign,
        byEmployee: year.byEmployee + (data.traveller === 'employee' ? sign : 0),
        bySpouse: year.bySpouse + (data.traveller === 'spouse' ? sign : 0),
        otherDestination: year.otherDestination + (data.destination === 'other' ? sign : 0),
      };
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
    case 'MiscellaneousAllowancePaid':
      draft.miscellaneousAllowance =
        sign === 1 ? { eventId: fact.eventId, paidOn: fact.data.paidOn, amount: fact.data.amount } : null;
      return;
    case 'RepatriationTravelled':
      for (const name of fact.data.travellers) {
        setOrDrop(draft.repatriated, normalizeName(name), fact.eventId, sign);
      }
      return;
    case 'ReturnAirfreightFundDeposited': {
      const fund = draft.returnAirfreightFund;
      draft.returnAirfreightFund = {
        ...fund,
        deposited: adjustMoney(fund.deposited, fact.data.amount, sign),
      };
      return;
    }
    case 'ReturnAirfreightFundDrawn': {
      const fund = draft.returnAirfreightFund;
      draft.returnAirfreightFund = { ...fund, drawn: adjustMoney(fund.drawn, fact.data.amount, sign) };
      return;
    }
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
      const key = String(yearOf(fact.data.date));
      const year = draft.daysOff[key] ?? NO_DAYS_OFF;
      setOrDrop(draft.holidays, fact.data.date, fact.eventId, sign);
      draft.daysOff[key] = { ...year, holidays: year.holidays + sign };
      return;
    }
    case 'VacationTaken': {
      const key = String(yearOf(fact.data.from));
      const year = draft.daysOff[key] ?? NO_DAYS_OFF;
      draft.daysOff[key] = { ...year, vacation: year.vacation + sign * fact.data.days };
      return;
    }
    // Tax equalization is recorded, not computed (clauses 1, 3): no decision reads a balance of it.
    case 'TaxEqualizationSettled':
    case 'EventCorrected':
    case 'EventVoided':
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

// Queries the decisions (and callers) ask of the state.

export const homeLeaveYear = (state: AssignmentState, year: number): HomeLeaveYear =>
  state.homeLeave[String(year)] ?? EMPTY_YEAR;

export const daysOffYear = (state: AssignmentState, year: number): DaysOffYear =>
  state.daysOff[String(year)] ?? NO_DAYS_OFF;

/** US entitlement - host holidays observed - vacation taken, in that calendar year (may go below 0). */
export const vacationDaysLeft = (state: AssignmentState, year: number): number => {
  const entitlement = state.assignment?.policy.usHolidaysAndVacationDays ?? 0;
  const used = daysOffYear(state, year);
  return entitlement - used.holidays - used.vacation;
};

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
  subtractMoney(state.returnAirfreightFund.deposited, state.returnAirfreightFund.drawn);

export const returnRemainingLb = (state: AssignmentState): string =>
  Decimal.max(0, new Decimal(state.returnCapLb).minus(state.returnUsedLb)).toFixed();

export const outboundAirRemainingLb = (state: AssignmentState): string =>
  Decimal.max(
    0,
    new Decimal(state.assignment?.policy.outboundAirLimitLb ?? '0').minus(state.outboundAirLb),
  ).toFixed();

/** Reimbursable total of approved expenses, in USD. */
export const approvedExpensesUsd = (state: AssignmentState): Money =>
  Object.values(state.expenses).reduce(
    (total, e) => (e.reimbursableUsd ? addMoney(total, e.reimbursableUsd) : total),
    money(0, 'USD'),
  );

export const isFundOverdrawn = (state: AssignmentState): boolean =>
  dec(state.returnAirfreightFund.drawn).gt(dec(state.returnAirfreightFund.deposited));
