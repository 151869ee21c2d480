/**
 * Where each event type's facts are filed in a document that keeps facts (the entitlements, the
 * deadlines): one table, so a projection reads an event by what it is a fact of, not by its type name.
 * The start has its own place; an erasure changes no balance and has none.
 */
import type { AssignmentEventType } from '../../src/domain/assignment/events.js';
import {
  ONE_OFF_EVENT_TYPES,
  ONE_OFF_PAYMENTS,
  type OneOffEventType,
  type OneOffTerm,
} from '../../src/domain/assignment/one-off-payments.js';
import type { DataOf, Fact } from '../projection.js';

export type FiledEventType = Exclude<AssignmentEventType, 'AssignmentStarted' | 'DataSubjectErased'>;

const NAMED_LISTS = {
  AssignmentExtended: 'extensions',
  AssignmentEnded: 'ends',
  ShipmentRecorded: 'shipments',
  HomeLeaveTripTaken: 'trips',
  ExpenseClaimed: 'expenseClaims',
  ExpenseApproved: 'expenseApprovals',
  ExpenseRejected: 'expenseRejections',
  RepatriationTravelled: 'repatriations',
  ReturnAirfreightFundDeposited: 'fundDeposits',
  ReturnAirfreightFundDrawn: 'fundDraws',
  SalaryPaid: 'salaryPayments',
  TaxEqualizationSettled: 'taxSettlements',
  HousingLeaseApproved: 'leases',
  HostHolidayObserved: 'holidays',
  VacationTaken: 'vacations',
  ExceptionRequested: 'exceptionRequests',
  ExceptionApproved: 'exceptionApprovals',
  ExceptionDeclined: 'exceptionDeclines',
  EventCorrected: 'corrections',
  EventVoided: 'voids',
} as const satisfies Record<Exclude<FiledEventType, OneOffEventType>, string>;

type NamedType = keyof typeof NAMED_LISTS;
export type FactList = (typeof NAMED_LISTS)[NamedType] | OneOffTerm;

/** The event type filed in a list (a one-off payment's list is named after its policy term). */
type TypeFiledIn<L extends FactList> = L extends OneOffTerm
  ? { [T in OneOffEventType]: (typeof ONE_OFF_PAYMENTS)[T]['term'] extends L ? T : never }[OneOffEventType]
  : { [T in NamedType]: (typeof NAMED_LISTS)[T] extends L ? T : never }[NamedType];

/** The data of the events filed in a list. */
export type FactData<L extends FactList> = DataOf<TypeFiledIn<L>>;

/** One array of facts per list. */
export type FactLists = { [L in FactList]: Fact<FactData<L>>[] };

/** A type missing here fails to compile. */
export const FACT_LIST_OF: Readonly<Record<FiledEventType, FactList>> = {
  ...(Object.fromEntries(ONE_OFF_EVENT_TYPES.map((type) => [type, ONE_OFF_PAYMENTS[type].term])) as Record<
    OneOffEventType,
    OneOffTerm
  >),
  ...NAMED_LISTS,
};

const LISTS = new Map<string, FactList>(Object.entries(FACT_LIST_OF));

/** The list an event of this type is filed in, if any (a Map: this runs once per event on a rebuild). */
export const factListOf = (type: string): FactList | undefined => LISTS.get(type);

/** The event types filed in any of these lists, for a projection's `canHandle`. */
export const typesFiledIn = (lists: readonly FactList[]): FiledEventType[] =>
  (Object.keys(FACT_LIST_OF) as FiledEventType[]).filter((type) => lists.includes(FACT_LIST_OF[type]));
