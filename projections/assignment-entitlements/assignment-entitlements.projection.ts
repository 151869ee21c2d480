/**
 * The facts of one assignment that its entitlements are derived from, each with its envelope
 * (eventId, recordedAt, position, revision), so that `entitlementsOf` can answer for any business
 * date and for what the ledger knew at any past instant. Evolve only files facts: no arithmetic,
 * no copies; all the figures are derived at query time.
 */
import { ASSIGNMENT_EVENT_TYPES, type AssignmentEventType } from '../../src/domain/assignment/events.js';
import {
  ONE_OFF_EVENT_TYPES,
  ONE_OFF_PAYMENTS,
  type OneOffEventType,
  type OneOffTerm,
} from '../../src/domain/assignment/one-off-payments.js';
import {
  assignmentKeyOf,
  factOf,
  type DataOf,
  type Fact,
  type ProjectedEvent,
  type Projection,
} from '../projection.js';

/** Each one-off payment's facts, under its policy term's name (one-off-payments.ts). */
export type OneOffFacts = { [K in OneOffTerm]: Fact<DataOf<OneOffEventType>>[] };

export interface EntitlementsDoc extends OneOffFacts {
  assignmentId: string;
  /** Global position of the last event applied (0 before any). */
  lastPosition: number;
  /** Stream revision of the last event applied (-1 before any). */
  revision: number;
  start: Fact<DataOf<'AssignmentStarted'>> | null;
  extensions: Fact<DataOf<'AssignmentExtended'>>[];
  ends: Fact<DataOf<'AssignmentEnded'>>[];
  shipments: Fact<DataOf<'ShipmentRecorded'>>[];
  trips: Fact<DataOf<'HomeLeaveTripTaken'>>[];
  expenseClaims: Fact<DataOf<'ExpenseClaimed'>>[];
  expenseApprovals: Fact<DataOf<'ExpenseApproved'>>[];
  expenseRejections: Fact<DataOf<'ExpenseRejected'>>[];
  repatriations: Fact<DataOf<'RepatriationTravelled'>>[];
  fundDeposits: Fact<DataOf<'ReturnAirfreightFundDeposited'>>[];
  fundDraws: Fact<DataOf<'ReturnAirfreightFundDrawn'>>[];
  salaryPayments: Fact<DataOf<'SalaryPaid'>>[];
  taxSettlements: Fact<DataOf<'TaxEqualizationSettled'>>[];
  leases: Fact<DataOf<'HousingLeaseApproved'>>[];
  holidays: Fact<DataOf<'HostHolidayObserved'>>[];
  vacations: Fact<DataOf<'VacationTaken'>>[];
  exceptionRequests: Fact<DataOf<'ExceptionRequested'>>[];
  exceptionApprovals: Fact<DataOf<'ExceptionApproved'>>[];
  exceptionDeclines: Fact<DataOf<'ExceptionDeclined'>>[];
  corrections: Fact<DataOf<'EventCorrected'>>[];
  voids: Fact<DataOf<'EventVoided'>>[];
}

export type FactList = {
  [K in keyof EntitlementsDoc]: EntitlementsDoc[K] extends Fact<unknown>[] ? K : never;
}[keyof EntitlementsDoc];

/**
 * Where each event type is filed (the start has its own place): a type missing here fails to compile.
 * An erasure changes no balance: the document has no place for it.
 */
const LIST_OF: Record<Exclude<AssignmentEventType, 'AssignmentStarted' | 'DataSubjectErased'>, FactList> = {
  ...(Object.fromEntries(ONE_OFF_EVENT_TYPES.map((type) => [type, ONE_OFF_PAYMENTS[type].term])) as Record<
    OneOffEventType,
    OneOffTerm
  >),
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
};

/** Every fact of the document, list by list, the start first. */
export const factListsOf = (doc: EntitlementsDoc): readonly Fact<unknown>[][] => [
  doc.start ? [doc.start] : [],
  // A document built before a one-off payment was declared has no list for it.
  ...Object.values(LIST_OF).map((list) => (doc[list] as Fact<unknown>[] | undefined) ?? []),
];

export const initEntitlementsDoc = (assignmentId: string): EntitlementsDoc => ({
  assignmentId,
  lastPosition: 0,
  revision: -1,
  start: null,
  extensions: [],
  ends: [],
  shipments: [],
  trips: [],
  expenseClaims: [],
  expenseApprovals: [],
  expenseRejections: [],
  ...(Object.fromEntries(
    ONE_OFF_EVENT_TYPES.map((type) => [ONE_OFF_PAYMENTS[type].term, [] as Fact<unknown>[]]),
  ) as unknown as OneOffFacts),
  repatriations: [],
  fundDeposits: [],
  fundDraws: [],
  salaryPayments: [],
  taxSettlements: [],
  leases: [],
  holidays: [],
  vacations: [],
  exceptionRequests: [],
  exceptionApprovals: [],
  exceptionDeclines: [],
  corrections: [],
  voids: [],
});

/**
 * Mutates and returns `doc` (the runner owns it); an event at or before the last position is a no-op.
 * Every handled event lands in exactly one place, so the facts also tell which revision was known when.
 */
export const evolveEntitlements = (doc: EntitlementsDoc, event: ProjectedEvent): EntitlementsDoc => {
  if (event.position <= doc.lastPosition) return doc;
  doc.lastPosition = event.position;
  doc.revision = event.revision;
  if (event.type === 'AssignmentStarted') {
    doc.start ??= factOf(event);
    return doc;
  }
  const list = LIST_OF[event.type as keyof typeof LIST_OF] as FactList | undefined;
  if (list !== undefined)
    ((doc[list] as Fact<unknown>[] | undefined) ?? (doc[list] = [])).push(factOf(event));
  return doc;
};

export const assignmentEntitlementsProjection: Projection<EntitlementsDoc> = {
  name: 'assignment-entitlements',
  version: 2,
  canHandle: ASSIGNMENT_EVENT_TYPES,
  keyOf: assignmentKeyOf,
  init: initEntitlementsDoc,
  evolve: evolveEntitlements,
};
