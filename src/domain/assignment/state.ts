/**
 * The assignment's write-side state: every fact keyed by its eventId (so a correction or a void can
 * replace or cancel the one it references) and the balances the decisions need, kept up to date by
 * adding a fact's contribution when it is recorded and taking it away when it is corrected or voided.
 */
import { Decimal } from 'decimal.js';
import { addMoney, dec, money, subtractMoney, zero, type Money } from '../shared/money.js';
import { lb } from '../shared/weight.js';
import { maxDate, yearOf, type BusinessDate } from '../shared/calendar.js';
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

export interface AssignmentState {
  status: AssignmentStatus;
  assignment: AssignmentStarted['data'] | null;
  expectedEndDate: BusinessDate | null;
  extensions: number;
  taxHomeStatus: TaxHomeStatus;
  taxHomeIndefiniteFrom: BusinessDate | null;
  ended: { eventId: string; reason: EndReason; endedOn: BusinessDate } | null;

  facts: Readonly<Record<string, Fact>>;

  shipments: Readonly<Record<string, ShipmentView>>;
  outboundAirLb: string;
  outboundSeaLb: string;
  outboundTotalLb: string;
  containersUsed: number;
  returnUsedLb: string;
  /** Outbound total (air + sea) plus the policy's allowance: 1,000 lb before anything was shipped out. */
  returnCapLb: string;

  trips: Readonly<Record<string, TripView>>;
  /** By calendar year of departure. */
  homeLeave: Readonly<Record<string, HomeLeaveYear>>;

  miscellaneousAllowance: { eventId: string; paidOn: BusinessDate; amount: Money } | null;
  expenses: Readonly<Record<string, ExpenseView>>;
  leases: Readonly<Record<string, LeaseView>>;
  returnAirfreightFund: { deposited: Money; drawn: Money };
  /** By period `YYYY-MM`. */
  salaries: Readonly<Record<string, SalaryView>>;
  taxEqualizations: number;
  /** Host holidays by date (value: eventId). */
  holidays: Readonly<Record<BusinessDate, string>>;
  /** By calendar year. */
  daysOff: Readonly<Record<string, DaysOffYear>>;
  /** Travellers flown home, by normalized name (value: eventId). */
  repatriated: Readonly<Record<string, string>>;
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
  taxEqualizations: 0,
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

const put = <V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> => ({
  ...record,
  [key]: value,
});

const drop = <V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> => {
  const { [key]: _removed, ...rest } = record;
  return rest;
};

const setOrDrop = <V>(record: Readonly<Record<string, V>>, key: string, value: V, sign: Sign) =>
  sign === 1 ? put(record, key, value) : drop(record, key);

const withReturnCap = (state: AssignmentState): AssignmentState => {
  const allowance = state.assignment?.policy.returnAllowanceOverOutboundLb ?? '0';
  const outboundTotalLb = new Decimal(state.outboundAirLb).plus(state.outboundSeaLb).toFixed();
  return { ...state, outboundTotalLb, returnCapLb: new Decimal(outboundTotalLb).plus(allowance).toFixed() };
};

/** Any size of container counts as one, and a sea shipment uses at least one. */
export const countedContainers = (containers: number | undefined): number => Math.max(containers ?? 1, 1);

const EMPTY_YEAR: HomeLeaveYear = { taken: 0, byEmployee: 0, bySpouse: 0, otherDestination: 0 };
const NO_DAYS_OFF: DaysOffYear = { holidays: 0, vacation: 0 };

/** Adds (sign 1) or takes away (sign -1) what one fact contributes to the balances. */
export const contribute = (state: AssignmentState, fact: Fact, sign: Sign): AssignmentState => {
  switch (fact.type) {
    case 'AssignmentStarted': {
      const data = fact.data;
      const taxHomeStatus =
        data.taxHomeStatus ?? taxHomeStatusOf(data.effectiveDate, data.expectedEndDate, data.policy);
      return withReturnCap({
        ...state,
        status: state.ended ? 'ended' : 'active',
        assignment: data,
        expectedEndDate: data.expectedEndDate,
        taxHomeStatus,
        taxHomeIndefiniteFrom: taxHomeStatus === 'indefinite' ? data.effectiveDate : null,
      });
    }
    case 'AssignmentExtended': {
      const data = fact.data;
      const becomesIndefinite = data.taxHomeStatus === 'indefinite' && state.taxHomeStatus === 'temporary';
      return {
        ...state,
        extensions: state.extensions + 1,
        expectedEndDate: state.expectedEndDate
          ? maxDate(state.expectedEndDate, data.newExpectedEndDate)
          : data.newExpectedEndDate,
        taxHomeStatus: becomesIndefinite ? 'indefinite' : state.taxHomeStatus,
        taxHomeIndefiniteFrom: becomesIndefinite ? data.decidedOn : state.taxHomeIndefiniteFrom,
      };
    }
    case 'AssignmentEnded':
      return {
        ...state,
        status: 'ended',
        ended: { eventId: fact.eventId, reason: fact.data.reason, endedOn: fact.data.endedOn },
      };
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
      const next: AssignmentState = {
        ...state,
        shipments: setOrDrop(state.shipments, data.shipmentId, view, sign),
      };
      if (data.direction === 'return')
        return { ...next, returnUsedLb: adjustLb(state.returnUsedLb, weightLb, sign) };
      return withReturnCap(
        data.mode === 'air'
          ? { ...next, outboundAirLb: adjustLb(state.outboundAirLb, weightLb, sign) }
          : {
              ...next,
              outboundSeaLb: adjustLb(state.outboundSeaLb, weightLb, sign),
              containersUsed: state.containersUsed + sign * view.containers,
            },
      );
    }
    case 'HomeLeaveTripTaken': {
      const data = fact.data;
      const key = String(data.year);
      const year = state.homeLeave[key] ?? EMPTY_YEAR;
      const view: TripView = {
        eventId: fact.eventId,
        year: data.year,
        traveller: data.traveller,
        destination: data.destination,
        departedOn: data.departedOn,
        reimbursable: data.reimbursable,
      };
      return {
        ...state,
        trips: setOrDrop(state.trips, data.tripId, view, sign),
        homeLeave: put(state.homeLeave, key, {
          taken: year.taken + sign,
          byEmployee: year.byEmployee + (data.traveller === 'employee' ? sign : 0),
          bySpouse: year.bySpouse + (data.traveller === 'spouse' ? sign : 0),
          otherDestination: year.otherDestination + (data.destination === 'other' ? sign : 0),
        }),
      };
    }
    case 'ExpenseClaimed': {
      const data = fact.data;
      const view: ExpenseView = {
        eventId: fact.eventId,
        category: data.category,
        amount: data.amount,
        amountUsd: data.amountUsd,
        reimbursableLimitUsd: data.reimbursableLimitUsd,
        incurredOn: data.incurredOn,
        receipts: data.receipts,
        status: 'claimed',
        reimbursableUsd: null,
      };
      return { ...state, expenses: setOrDrop(state.expenses, data.expenseId, view, sign) };
    }
    case 'ExpenseApproved':
    case 'ExpenseRejected': {
      const expense = state.expenses[fact.data.expenseId];
      if (!expense) return state;
      const decided: ExpenseView =
        fact.type === 'ExpenseApproved'
          ? { ...expense, status: 'approved', reimbursableUsd: fact.data.reimbursableUsd }
          : { ...expense, status: 'rejected', reimbursableUsd: null };
      return { ...state, expenses: put(state.expenses, fact.data.expenseId, decided) };
    }
    case 'MiscellaneousAllowancePaid':
      return {
        ...state,
        miscellaneousAllowance:
          sign === 1 ? { eventId: fact.eventId, paidOn: fact.data.paidOn, amount: fact.data.amount } : null,
      };
    case 'RepatriationTravelled': {
      let repatriated = state.repatriated;
      for (const name of fact.data.travellers) {
        repatriated = setOrDrop(repatriated, normalizeName(name), fact.eventId, sign);
      }
      return { ...state, repatriated };
    }
    case 'ReturnAirfreightFundDeposited':
    case 'ReturnAirfreightFundDrawn': {
      const fund = state.returnAirfreightFund;
      return {
        ...state,
        returnAirfreightFund:
          fact.type === 'ReturnAirfreightFundDeposited'
            ? { ...fund, deposited: adjustMoney(fund.deposited, fact.data.amount, sign) }
            : { ...fund, drawn: adjustMoney(fund.drawn, fact.data.amount, sign) },
      };
    }
    case 'SalaryPaid': {
      const data = fact.data;
      const view: SalaryView = {
        eventId: fact.eventId,
        daysWorked: data.daysWorked,
        gross: data.gross,
        net: data.net,
      };
      return { ...state, salaries: setOrDrop(state.salaries, data.period, view, sign) };
    }
    case 'TaxEqualizationSettled':
      return { ...state, taxEqualizations: state.taxEqualizations + sign };
    case 'HousingLeaseApproved': {
      const data = fact.data;
      const view: LeaseView = {
        eventId: fact.eventId,
        approvedOn: data.approvedOn,
        effectiveFrom: data.effectiveFrom,
        approvedMonthlyUsd: data.approvedMonthlyUsd,
      };
      return { ...state, leases: setOrDrop(state.leases, data.leaseId, view, sign) };
    }
    case 'HostHolidayObserved': {
      const key = String(yearOf(fact.data.date));
      const year = state.daysOff[key] ?? NO_DAYS_OFF;
      return {
        ...state,
        holidays: setOrDrop(state.holidays, fact.data.date, fact.eventId, sign),
        daysOff: put(state.daysOff, key, { ...year, holidays: year.holidays + sign }),
      };
    }
    case 'VacationTaken': {
      const key = String(yearOf(fact.data.from));
      const year = state.daysOff[key] ?? NO_DAYS_OFF;
      return {
        ...state,
        daysOff: put(state.daysOff, key, { ...year, vacation: year.vacation + sign * fact.data.days }),
      };
    }
    case 'EventCorrected':
    case 'EventVoided':
      return state;
    default: {
      const unknown: never = fact;
      return unknown;
    }
  }
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

const remember = (state: AssignmentState, ...facts: Fact[]): AssignmentState => {
  const next: Record<string, Fact> = { ...state.facts };
  for (const fact of facts) next[fact.eventId] = fact;
  return { ...state, facts: next };
};

/** Folds one stored event into the state. Events already seen (same eventId) change nothing. */
export const evolve = (state: AssignmentState, event: Envelope<AssignmentEvent>): AssignmentState => {
  if (state.facts[event.eventId]) return state;
  const fact = factOf(event);
  switch (event.type) {
    case 'EventCorrected': {
      const target = state.facts[event.data.correctsEventId];
      if (!target || target.voidedBy !== null) return remember(state, fact);
      const replaced = {
        ...target,
        data: event.data.replacement,
        correctedBy: [...target.correctedBy, event.eventId],
      } as unknown as Fact;
      let next = contribute(contribute(state, target, -1), replaced, 1);
      next = keepExpenseDecision(state, next, replaced);
      return remember(next, replaced, fact);
    }
    case 'EventVoided': {
      const target = state.facts[event.data.correctsEventId];
      if (!target || target.voidedBy !== null) return remember(state, fact);
      return remember(contribute(state, target, -1), { ...target, voidedBy: event.eventId }, fact);
    }
    default:
      return remember(contribute(state, fact, 1), fact);
  }
};

/** A corrected claim keeps the approval or rejection it had (the decider only corrects undecided claims). */
const keepExpenseDecision = (
  before: AssignmentState,
  after: AssignmentState,
  fact: Fact,
): AssignmentState => {
  if (fact.type !== 'ExpenseClaimed') return after;
  const previous = Object.values(before.expenses).find((e) => e.eventId === fact.eventId);
  const current = after.expenses[fact.data.expenseId];
  if (!previous || !current || previous.status === 'claimed') return after;
  return {
    ...after,
    expenses: put(after.expenses, fact.data.expenseId, {
      ...current,
      status: previous.status,
      reimbursableUsd: previous.reimbursableUsd,
    }),
  };
};

export const foldEvents = (
  events: Iterable<Envelope<AssignmentEvent>>,
  state: AssignmentState = initialState(),
): AssignmentState => {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
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

/** The approved lease in force on a date: the latest effective on or before it (then the latest approved). */
export const leaseInForce = (state: AssignmentState, date: BusinessDate): LeaseView | null => {
  let best: LeaseView | null = null;
  for (const lease of Object.values(state.leases)) {
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
