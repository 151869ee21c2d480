/**
 * Request bodies of the letter (Valence Technology, 13 January 2005: a COO sent from the US to
 * Shanghai) and small HTTP helpers shared by the test/e2e/http-*.test.ts files.
 *
 * Every builder answers a body the real API accepts on an assignment in the right state; pass
 * `overrides` to change a field. The catalogue `WRITE_ROUTES` lists every write route with its
 * fields, so the error and fuzz tests can break each field on purpose.
 */
import { expect } from '@jest/globals';
import {
  cny,
  DEMO_EMPLOYEE as EMPLOYEE,
  DEMO_SPOUSE as SPOUSE,
  letterStart,
  PEG,
  usd,
} from '../../../src/demo/letter-story.js';
import type { LedgerUnderTest } from './ledger-app.js';

type Body = Record<string, unknown>;
type Reply = Awaited<ReturnType<LedgerUnderTest['call']>>;

/** The letter's money helpers, employee, spouse and yuan peg: the demo story's own. */
export { cny, EMPLOYEE, PEG, SPOUSE, usd };

/** Intro of the letter (the demo story's start): COO in Shanghai from 2005-01-18 for about six months. */
export const startBody = (assignmentId?: string, overrides: Body = {}): Body => ({
  ...(assignmentId === undefined ? {} : { assignmentId }),
  ...letterStart(),
  ...overrides,
});

/** Intro: the assignment is open to an extension (here past one year in all). */
export const extensionBody = (overrides: Body = {}): Body => ({
  decidedOn: '2005-06-15',
  newExpectedEndDate: '2006-03-31',
  reason: 'Plant transition not finished',
  ...overrides,
});

/** Clause 4: shipments of household goods, in pounds (`weightLb`) unless overridden with `weight`. */
export const shipmentBody = (
  direction: 'outbound' | 'return',
  mode: 'air' | 'sea',
  weightLb: string | undefined,
  overrides: Body = {},
): Body => ({
  direction,
  mode,
  shippedOn: direction === 'outbound' ? '2005-01-20' : '2006-03-28',
  ...(weightLb === undefined ? {} : { weightLb }),
  ...(mode === 'sea' ? { containers: 1, containerSize: '40ft' } : {}),
  ...overrides,
});

/** Clause 10: a home-leave trip; the employee goes home, the spouse comes to the host country. */
export const tripBody = (
  traveller: 'employee' | 'spouse',
  destination: 'home' | 'host' | 'other',
  departedOn: string,
  overrides: Body = {},
): Body => ({
  traveller,
  destination,
  departedOn,
  fare: usd('1380.00'),
  ...overrides,
});

/** Clause 4: the economy flight to Shanghai. */
export const expenseBody = (overrides: Body = {}): Body => ({
  category: 'outbound-airfare',
  amount: usd('1450.00'),
  incurredOn: '2005-01-17',
  receipts: ['UA-2005-0117'],
  description: 'Economy SFO-PVG, employee and spouse',
  ...overrides,
});

export const approvalBody = (overrides: Body = {}): Body => ({
  approvedBy: 'Bob Borron',
  approvedOn: '2005-01-24',
  ...overrides,
});

export const rejectionBody = (overrides: Body = {}): Body => ({
  rejectedBy: 'Bob Borron',
  reason: 'Not on the list of reimbursable items',
  rejectedOn: '2005-02-20',
  ...overrides,
});

/** Clause 9: USD 2,500 miscellaneous allowance (the amount defaults to the policy's). */
export const allowanceBody = (overrides: Body = {}): Body => ({ paidOn: '2005-01-31', ...overrides });

export const endBody = (overrides: Body = {}): Body => ({
  reason: 'completed',
  endedOn: '2006-03-31',
  ...overrides,
});

/** Intro and close: economy airfare home for the employee and the accompanying family. */
export const repatriationBody = (overrides: Body = {}): Body => ({
  travelledOn: '2006-04-02',
  travellers: [EMPLOYEE.name, SPOUSE],
  fare: usd('2900.00'),
  ...overrides,
});

/** Close: money for the return airfreight placed in a separate account, then drawn. */
export const depositBody = (depositedOn: string, amount: string, overrides: Body = {}): Body => ({
  depositedOn,
  amount: usd(amount),
  ...overrides,
});

export const drawBody = (
  drawnOn: string,
  amount: string,
  description = 'Airfreight of clothing',
  overrides: Body = {},
): Body => ({ drawnOn, amount: usd(amount), description, ...overrides });

/** Clause 2: a month's salary, prorated by the ledger, with the hypothetical tax withheld. */
export const salaryBody = (overrides: Body = {}): Body => ({
  period: '2005-01',
  paidOn: '2005-01-31',
  hypotheticalTax: usd('2596.77'),
  ...overrides,
});

/** Clauses 1 and 3: the outside provider's tax equalization, recorded not computed. */
export const taxEqualizationBody = (overrides: Body = {}): Body => ({
  taxYear: 2005,
  amount: usd('4210.55'),
  direction: 'company-to-employee',
  settledOn: '2006-04-15',
  provider: 'Deloitte & Touche',
  ...overrides,
});

/** Clause 8: a lease in yuan, capped by comparable US housing. */
export const leaseBody = (overrides: Body = {}): Body => ({
  leaseId: 'lease-pudong',
  approvedOn: '2005-01-25',
  effectiveFrom: '2005-02-01',
  monthlyRent: cny('24000.00'),
  comparableUsCap: usd('3200.00'),
  exchangeRate: PEG,
  ...overrides,
});

/** Clause 7: host holidays and vacation share the US entitlement. */
export const holidayBody = (overrides: Body = {}): Body => ({
  date: '2005-02-09',
  name: 'Spring Festival',
  ...overrides,
});

export const vacationBody = (overrides: Body = {}): Body => ({
  from: '2005-05-02',
  to: '2005-05-06',
  days: 5,
  ...overrides,
});

export const correctionBody = (
  correctsEventId: string,
  replacement: Body,
  reason = 'Figure mistyped',
): Body => ({ correctsEventId, reason, replacement });

export const voidBody = (correctsEventId: string, reason = 'Recorded by mistake'): Body => ({
  correctsEventId,
  reason,
  void: true,
});

export const exceptionBody = (overrides: Body = {}): Body => ({
  term: 'outbound-air-weight',
  requestedLimit: '650',
  reason: 'School books for the children',
  requestedBy: 'Carl Berg',
  requestedOn: '2005-01-12',
  ...overrides,
});

export const exceptionApprovalBody = (overrides: Body = {}): Body => ({
  approvedBy: 'Bob Borron',
  approvedOn: '2005-01-14',
  ...overrides,
});

export const exceptionDeclineBody = (overrides: Body = {}): Body => ({
  declinedBy: 'Bob Borron',
  declinedOn: '2005-01-14',
  reason: 'Within the letter',
  ...overrides,
});

// ---------------------------------------------------------------------------------------------
// The catalogue of write routes, for the tests that break bodies on purpose.
// ---------------------------------------------------------------------------------------------

/** How a field is validated, so a test knows which values are of the wrong type. */
export type FieldKind =
  | 'text' // a bounded string
  | 'id' // a ledger id (letters, digits, _ . : -)
  | 'uuid'
  | 'date' // YYYY-MM-DD
  | 'period' // YYYY-MM
  | 'decimal' // a decimal string
  | 'enum'
  | 'country'
  | 'integer'
  | 'boolean'
  | 'money'
  | 'weight'
  | 'exchangeRate'
  | 'employee'
  | 'family'
  | 'policy'
  | 'texts' // an array of strings
  | 'replacement'; // any object, decided by the domain

export interface FieldSpec {
  kind: FieldKind;
  required: boolean;
}

/** What a write route needs from the assignment it writes to. */
export interface WriteTarget {
  assignmentId: string;
  /** An expense claimed and not yet decided, for the approval and rejection routes. */
  expenseId: string;
  /** A correctable event of the assignment, for the corrections route. */
  correctableEventId: string;
  /** An exception requested and not yet decided, for its approval and decline routes. */
  exceptionId: string;
}

export interface WriteRoute {
  /** The route as the contract writes it. */
  route: string;
  /** The event a valid body records. */
  event: string;
  path(target: WriteTarget): string;
  /** A body the route accepts on an active assignment of the letter (with the target's facts). */
  body(target: WriteTarget): Body;
  fields: Record<string, FieldSpec>;
}

const req = (kind: FieldKind): FieldSpec => ({ kind, required: true });
const opt = (kind: FieldKind): FieldSpec => ({ kind, required: false });
/** Fields every write may carry: the idempotency key in the body and a document reference. */
const ENVELOPE = { commandId: opt('text'), source: opt('text') };
const under = (suffix: string) => (t: WriteTarget) =>
  `/assignments/${encodeURIComponent(t.assignmentId)}${suffix}`;

export const WRITE_ROUTES: WriteRoute[] = [
  {
    route: 'POST /assignments',
    event: 'AssignmentStarted',
    path: () => '/assignments',
    body: (t) => startBody(`${t.assignmentId}-other`),
    fields: {
      ...ENVELOPE,
      assignmentId: opt('id'),
      employee: req('employee'),
      position: req('text'),
      homeCountry: req('country'),
      hostCountry: req('country'),
      hostCity: req('text'),
      effectiveDate: req('date'),
      expectedEndDate: req('date'),
      reportsTo: opt('text'),
      accompanyingFamily: req('family'),
      baseSalaryMonthly: req('money'),
      policy: opt('policy'),
    },
  },
  {
    route: 'POST /assignments/{id}/extensions',
    event: 'AssignmentExtended',
    path: under('/extensions'),
    body: () => extensionBody(),
    fields: { ...ENVELOPE, decidedOn: req('date'), newExpectedEndDate: req('date'), reason: opt('text') },
  },
  {
    route: 'POST /assignments/{id}/shipments',
    event: 'ShipmentRecorded',
    path: under('/shipments'),
    body: () => shipmentBody('outbound', 'sea', '9000', { shipmentId: 'ship-fuzz' }),
    fields: {
      ...ENVELOPE,
      shipmentId: opt('id'),
      direction: req('enum'),
      mode: req('enum'),
      shippedOn: req('date'),
      // one of weightLb and weight is required: the body above gives weightLb
      weightLb: req('decimal'),
      weight: opt('weight'),
      containers: opt('integer'),
      containerSize: opt('enum'),
      exceptionApprovedBy: opt('text'),
    },
  },
  {
    route: 'POST /assignments/{id}/home-leave-trips',
    event: 'HomeLeaveTripTaken',
    path: under('/home-leave-trips'),
    body: () =>
      tripBody('employee', 'other', '2005-03-10', { fare: usd('1650.00'), homeFare: usd('1400.00') }),
    fields: {
      ...ENVELOPE,
      tripId: opt('id'),
      traveller: req('enum'),
      destination: req('enum'),
      departedOn: req('date'),
      returnedOn: opt('date'),
      fare: req('money'),
      // required for a trip elsewhere, which the body above is
      homeFare: req('money'),
    },
  },
  {
    route: 'POST /assignments/{id}/expenses',
    event: 'ExpenseClaimed',
    path: under('/expenses'),
    body: () =>
      expenseBody({
        category: 'language-training',
        amount: cny('3000.00'),
        exchangeRate: PEG,
        incurredOn: '2005-02-15',
        receipts: ['SH-LANG-0215'],
        description: 'Mandarin course, 20 lessons',
      }),
    fields: {
      ...ENVELOPE,
      expenseId: opt('id'),
      category: req('enum'),
      amount: req('money'),
      // required: the amount above is in yuan
      exchangeRate: req('exchangeRate'),
      incurredOn: req('date'),
      receipts: req('texts'),
      description: req('text'),
      cabin: opt('enum'),
      economyFare: opt('money'),
    },
  },
  {
    route: 'POST /assignments/{id}/exceptions',
    event: 'ExceptionRequested',
    path: under('/exceptions'),
    body: () => exceptionBody({ term: 'home-leave-trips', requestedLimit: '4', year: 2005 }),
    fields: {
      ...ENVELOPE,
      exceptionId: opt('id'),
      term: req('enum'),
      requestedLimit: req('decimal'),
      // required: the term above is home-leave-trips
      year: req('integer'),
      reason: req('text'),
      requestedBy: req('text'),
      requestedOn: req('date'),
    },
  },
  {
    route: 'POST /assignments/{id}/exceptions/{exceptionId}/approval',
    event: 'ExceptionApproved',
    path: (t) => under(`/exceptions/${encodeURIComponent(t.exceptionId)}/approval`)(t),
    body: () => exceptionApprovalBody({ grantedLimit: '600' }),
    fields: { ...ENVELOPE, approvedBy: req('text'), approvedOn: req('date'), grantedLimit: opt('decimal') },
  },
  {
    route: 'POST /assignments/{id}/exceptions/{exceptionId}/decline',
    event: 'ExceptionDeclined',
    path: (t) => under(`/exceptions/${encodeURIComponent(t.exceptionId)}/decline`)(t),
    body: () => exceptionDeclineBody(),
    fields: { ...ENVELOPE, declinedBy: req('text'), declinedOn: req('date'), reason: req('text') },
  },
  {
    route: 'POST /assignments/{id}/expenses/{expenseId}/approval',
    event: 'ExpenseApproved',
    path: (t) => `${under('/expenses/')(t)}${encodeURIComponent(t.expenseId)}/approval`,
    body: () => approvalBody(),
    fields: { ...ENVELOPE, approvedBy: req('text'), approvedOn: req('date') },
  },
  {
    route: 'POST /assignments/{id}/expenses/{expenseId}/rejection',
    event: 'ExpenseRejected',
    path: (t) => `${under('/expenses/')(t)}${encodeURIComponent(t.expenseId)}/rejection`,
    body: () => rejectionBody(),
    fields: { ...ENVELOPE, rejectedBy: req('text'), reason: req('text'), rejectedOn: opt('date') },
  },
  {
    route: 'POST /assignments/{id}/allowances/miscellaneous',
    event: 'MiscellaneousAllowancePaid',
    path: under('/allowances/miscellaneous'),
    body: () => allowanceBody({ amount: usd('2500.00') }),
    fields: { ...ENVELOPE, paidOn: req('date'), amount: opt('money') },
  },
  {
    route: 'POST /assignments/{id}/allowances/relocation-bonus',
    event: 'RelocationBonusPaid',
    path: under('/allowances/relocation-bonus'),
    body: () => allowanceBody({ amount: usd('5000.00') }),
    fields: { ...ENVELOPE, paidOn: req('date'), amount: opt('money') },
  },
  {
    route: 'POST /assignments/{id}/end',
    event: 'AssignmentEnded',
    path: under('/end'),
    body: () => endBody({ endedOn: '2005-07-18' }),
    fields: { ...ENVELOPE, reason: req('enum'), endedOn: req('date') },
  },
  {
    route: 'POST /assignments/{id}/repatriation',
    event: 'RepatriationTravelled',
    path: under('/repatriation'),
    body: () => repatriationBody(),
    fields: { ...ENVELOPE, travelledOn: req('date'), travellers: req('texts'), fare: req('money') },
  },
  {
    route: 'POST /assignments/{id}/funds/return-airfreight/deposits',
    event: 'ReturnAirfreightFundDeposited',
    path: under('/funds/return-airfreight/deposits'),
    body: () => depositBody('2005-07-10', '1800.00'),
    fields: { ...ENVELOPE, depositedOn: req('date'), amount: req('money') },
  },
  {
    route: 'POST /assignments/{id}/funds/return-airfreight/draws',
    event: 'ReturnAirfreightFundDrawn',
    path: under('/funds/return-airfreight/draws'),
    body: () => drawBody('2005-07-20', '0.01', 'Return airfreight invoice'),
    fields: { ...ENVELOPE, drawnOn: req('date'), amount: req('money'), description: req('text') },
  },
  {
    route: 'POST /assignments/{id}/salary-payments',
    event: 'SalaryPaid',
    path: under('/salary-payments'),
    body: () => salaryBody(),
    fields: { ...ENVELOPE, period: req('period'), paidOn: req('date'), hypotheticalTax: req('money') },
  },
  {
    route: 'POST /assignments/{id}/tax-equalization-settlements',
    event: 'TaxEqualizationSettled',
    path: under('/tax-equalization-settlements'),
    body: () => taxEqualizationBody(),
    fields: {
      ...ENVELOPE,
      taxYear: req('integer'),
      amount: req('money'),
      direction: req('enum'),
      settledOn: req('date'),
      provider: opt('text'),
    },
  },
  {
    route: 'POST /assignments/{id}/housing-leases',
    event: 'HousingLeaseApproved',
    path: under('/housing-leases'),
    body: () => leaseBody(),
    fields: {
      ...ENVELOPE,
      leaseId: opt('id'),
      approvedOn: req('date'),
      effectiveFrom: req('date'),
      monthlyRent: req('money'),
      comparableUsCap: req('money'),
      // required: the rent above is in yuan
      exchangeRate: req('exchangeRate'),
    },
  },
  {
    route: 'POST /assignments/{id}/host-holidays',
    event: 'HostHolidayObserved',
    path: under('/host-holidays'),
    body: () => holidayBody(),
    fields: { ...ENVELOPE, date: req('date'), name: req('text') },
  },
  {
    route: 'POST /assignments/{id}/vacations',
    event: 'VacationTaken',
    path: under('/vacations'),
    body: () => vacationBody(),
    fields: { ...ENVELOPE, from: req('date'), to: req('date'), days: req('integer') },
  },
  {
    route: 'POST /assignments/{id}/corrections',
    event: 'EventCorrected',
    path: under('/corrections'),
    body: (t) => correctionBody(t.correctableEventId, { weightLb: '470' }, 'Weighed again at the airport'),
    fields: {
      ...ENVELOPE,
      correctsEventId: req('uuid'),
      reason: req('text'),
      void: opt('boolean'),
      replacement: opt('replacement'),
    },
  },
];

/**
 * Starts an assignment of the letter with what every route of `WRITE_ROUTES` needs: an expense
 * claimed and not decided, an outbound air shipment of 480 lb to correct, USD 1,800 in the return
 * airfreight fund to draw from.
 */
export const prepareTarget = async (ledger: LedgerUnderTest, assignmentId: string): Promise<WriteTarget> => {
  const post = async (path: string, body: Body) => {
    const reply = await ledger.call('POST', `/assignments${path}`, { body });
    if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { events: { eventId: string }[] };
  };
  const id = encodeURIComponent(assignmentId);
  // The letter's terms and a relocation bonus (docs/adding-a-term.md), so that every write route has a use.
  await post('', startBody(assignmentId, { policy: { relocationBonus: usd('5000.00') } }));
  await post(`/${id}/expenses`, expenseBody({ expenseId: 'exp-pending' }));
  const shipment = await post(
    `/${id}/shipments`,
    shipmentBody('outbound', 'air', '480', { shipmentId: 'ship-air' }),
  );
  await post(`/${id}/funds/return-airfreight/deposits`, depositBody('2005-07-01', '1800.00'));
  await post(`/${id}/exceptions`, exceptionBody({ exceptionId: 'exc-pending' }));
  return {
    assignmentId,
    expenseId: 'exp-pending',
    correctableEventId: shipment.events[0]!.eventId,
    exceptionId: 'exc-pending',
  };
};

/** What the auditor tests record: two home-leave trips, the first one voided afterwards. */
export interface VoidedTripStory {
  firstTripId: string;
  /** An instant after the first trip was recorded and before the second one. */
  knownAfterFirstTrip: string;
  /** The answer to the void (its `position` and its event). */
  voided: Reply['body'];
}

/**
 * Starts an assignment of the letter; the employee's trip home (2005-03-10) and the spouse's trip to
 * the host country (2005-05-01) are recorded, then the first trip is voided: it was never taken.
 */
export const recordVoidedTripStory = async (
  ledger: LedgerUnderTest,
  assignmentId: string,
): Promise<VoidedTripStory> => {
  const id = encodeURIComponent(assignmentId);
  await ledger.call('POST', '/assignments', { body: startBody(assignmentId) });
  const first = await ledger.call('POST', `/assignments/${id}/home-leave-trips`, {
    body: tripBody('employee', 'home', '2005-03-10'),
  });
  const firstTripId: string = first.body.events[0].eventId;
  await sleep(5);
  const knownAfterFirstTrip = new Date().toISOString();
  await sleep(5);
  await ledger.call('POST', `/assignments/${id}/home-leave-trips`, {
    body: tripBody('spouse', 'host', '2005-05-01'),
  });
  const voided = await ledger.call('POST', `/assignments/${id}/corrections`, {
    body: voidBody(firstTripId, 'Trip was booked but never taken'),
  });
  expect(voided.status).toBe(201);
  return { firstTripId, knownAfterFirstTrip, voided: voided.body };
};

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The contract's answer to a write: 201 with exactly assignmentId, revision, position and events. */
export const expectWritten = (reply: Reply, types: string[]): void => {
  if (reply.status !== 201)
    throw new Error(`expected 201, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  expect(Object.keys(reply.body).sort()).toEqual(['assignmentId', 'events', 'position', 'revision']);
  expect(typeof reply.body.assignmentId).toBe('string');
  expect(Number.isInteger(reply.body.revision)).toBe(true);
  expect(Number.isInteger(reply.body.position)).toBe(true);
  expect(reply.body.events.map((e: { type: string }) => e.type)).toEqual(types);
  for (const event of reply.body.events) {
    expect(Object.keys(event).sort()).toEqual(['eventId', 'type']);
    expect(event.eventId).toMatch(UUID);
  }
};

/** An error answer: RFC 9457 problem+json with the contract's fields, never a 5xx. */
export const expectProblem = (
  reply: Reply,
  status: number,
  code?: string,
  clause?: string,
): Record<string, any> => {
  if (reply.status !== status) {
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = reply.body;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: expect.any(String),
    }),
  );
  if (code !== undefined) expect(body.code).toBe(code);
  if (clause !== undefined) expect(body.clause).toBe(clause);
  if (status === 422) expect(typeof body.clause).toBe('string');
  return body;
};

/** The fields a 400 names in `errors`. */
export const fieldsNamed = (problem: Record<string, any>): string[] =>
  (problem.errors ?? []).map((e: { field: string }) => e.field);

export interface StreamSnapshot {
  count: number;
  revision: number | null;
  eventIds: string[];
}

/** What GET /assignments/{id}/events shows, reduced to what a refused write must leave as it is. */
export const streamOf = async (ledger: LedgerUnderTest, assignmentId: string): Promise<StreamSnapshot> => {
  const reply = await ledger.call('GET', `/assignments/${encodeURIComponent(assignmentId)}/events`, {
    role: 'auditor',
  });
  if (reply.status === 404) return { count: 0, revision: null, eventIds: [] };
  if (reply.status !== 200) throw new Error(`events: ${reply.status} ${JSON.stringify(reply.body)}`);
  const events = reply.body.events as { eventId: string; revision: number }[];
  return {
    count: reply.body.count,
    revision: events.length > 0 ? events[events.length - 1]!.revision : null,
    eventIds: events.map((e) => e.eventId),
  };
};

/** The global position of the last event in the store, from GET /health (no key needed). */
export const headPosition = async (ledger: LedgerUnderTest): Promise<number> => {
  const reply = await ledger.call('GET', '/health', { role: null });
  const head = reply.body?.info?.eventStore?.headPosition ?? reply.body?.details?.eventStore?.headPosition;
  if (typeof head !== 'number') throw new Error(`health: ${reply.status} ${JSON.stringify(reply.body)}`);
  return head;
};

/** The entitlements view, read after the write at `minPosition`. */
export const entitlementsOf = async (
  ledger: LedgerUnderTest,
  assignmentId: string,
  query: { asOf: string; minPosition?: number; knownAt?: string },
): Promise<Record<string, any>> => {
  const params = new URLSearchParams({ asOf: query.asOf });
  if (query.minPosition !== undefined) params.set('minPosition', String(query.minPosition));
  if (query.knownAt !== undefined) params.set('knownAt', query.knownAt);
  const reply = await ledger.call(
    'GET',
    `/assignments/${encodeURIComponent(assignmentId)}/entitlements?${params}`,
  );
  if (reply.status !== 200) throw new Error(`entitlements: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
