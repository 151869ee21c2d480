/**
 * Entitlements of one assignment as of a business date, as the ledger knew them at an instant.
 * All decimal arithmetic happens here, never in evolve.
 *
 * - asOf: only facts whose business date is on or before it count (shipments by shippedOn, trips by
 *   departedOn, claims by incurredOn, approvals by approvedOn, rejections by rejectedOn or, lacking one,
 *   the UTC date they were recorded...).
 * - knownAt / knownAtPosition: facts recorded later are left out, corrections and voids included, so an
 *   original counts as it was until its correction was recorded.
 * - A correction's replacement is the fact's whole new data (events.ts); the latest correction known
 *   wins. A void cancels the fact for good, whatever is recorded after it.
 */
import { Decimal } from 'decimal.js';
import {
  ONE_OFF_EVENT_TYPES,
  ONE_OFF_PAYMENTS,
  type OneOffTerm,
} from '../../src/domain/assignment/one-off-payments.js';
import {
  POLICY_TERMS,
  policyOf,
  taxHomeStatusOf,
  type AssignmentPolicy,
} from '../../src/domain/assignment/policy.js';
import { expenseTotals, type CountedClaim } from '../../src/domain/assignment/balances/expenses.js';
import { fundBalance, tallyFund } from '../../src/domain/assignment/balances/funds.js';
import {
  homeLeaveBalance,
  NO_TRIPS,
  poolYearOf,
  tallyTrip,
  type TripTally,
} from '../../src/domain/assignment/balances/home-leave.js';
import { shipmentBalances, tallyShipments } from '../../src/domain/assignment/balances/shipments.js';
import { NO_DAYS_OFF, tallyDaysOff, vacationBalance } from '../../src/domain/assignment/balances/time-off.js';
import {
  exceptionInForce,
  termsInForce,
  UNIT_OF_TERM,
  type ApprovedException,
} from '../../src/domain/assignment/balances/exceptions.js';
import type { ExceptionTerm } from '../../src/domain/assignment/events.js';
import { latestLeaseInForce } from '../../src/domain/assignment/state.js';
import { maxDate, yearOf, type BusinessDate } from '../../src/domain/shared/calendar.js';
import { isDecimalString, roundMoney, type Money } from '../../src/domain/shared/money.js';
import type { DataOf, Fact } from '../projection.js';
import { knownFilter, type KnownAtOptions } from '../shared/known-at.js';
import { factListsOf, type EntitlementsDoc, type OneOffFacts } from './assignment-entitlements.projection.js';
import type {
  Entitlements,
  ExceptionView,
  ExtensionView,
  LimitView,
  HomeLeaveYear,
  OneOffAllowance,
  LeaseView,
  VacationYear,
} from './assignment-entitlements.view.js';

export interface EntitlementsQuery extends KnownAtOptions {
  asOf: BusinessDate;
}

interface Live<D> {
  eventId: string;
  position: number;
  recordedAt: string;
  data: D;
}

interface Mends {
  known: (fact: { recordedAt: string; position: number }) => boolean;
  voided: Set<string>;
  /** Corrected eventId -> the latest known replacement (corrections are kept in position order). */
  replacements: Map<string, Record<string, unknown>>;
}

const mendsOf = (doc: EntitlementsDoc, options: KnownAtOptions): Mends => {
  const known = knownFilter(options);
  const voided = new Set<string>();
  const replacements = new Map<string, Record<string, unknown>>();
  for (const v of doc.voids) if (known(v)) voided.add(v.data.correctsEventId);
  for (const c of doc.corrections) if (known(c)) replacements.set(c.data.correctsEventId, c.data.replacement);
  return { known, voided, replacements };
};

/** The facts known and not voided, each with its latest known correction swapped in, in position order. */
const live = <D>(facts: readonly Fact<D>[], mends: Mends): Live<D>[] => {
  const out: Live<D>[] = [];
  for (const f of facts) {
    if (!mends.known(f) || mends.voided.has(f.eventId)) continue;
    const data = (mends.replacements.get(f.eventId) as D | undefined) ?? f.data;
    out.push({ eventId: f.eventId, position: f.position, recordedAt: f.recordedAt, data });
  }
  return out;
};

/** The facts whose amount is in `currency`; any other is left out and named in `warnings`. */
const inCurrency = <F extends { eventId: string; data: { amount: Money } }>(
  facts: readonly F[],
  currency: string,
  what: string,
  warnings: string[],
): F[] =>
  facts.filter((f) => {
    if (f.data.amount.currency === currency) return true;
    warnings.push(
      `${what} ${f.eventId} is in ${f.data.amount.currency}, not ${currency}: left out of the total`,
    );
    return false;
  });

/** Sums the amounts in `currency`; any other currency is left out and named in `warnings`. */
const total = (
  items: readonly { eventId: string; money: Money }[],
  currency: string,
  what: string,
  warnings: string[],
): Decimal => {
  let t = new Decimal(0);
  for (const { eventId, money } of items) {
    if (money.currency === currency) t = t.plus(money.amount);
    else warnings.push(`${what} ${eventId} is in ${money.currency}, not ${currency}: left out of the total`);
  }
  return t;
};

const lastKnown = (doc: EntitlementsDoc, mends: Mends): { revision: number; lastPosition: number } => {
  let revision = -1;
  let lastPosition = 0;
  for (const list of factListsOf(doc))
    for (const f of list)
      if (f.position > lastPosition && mends.known(f)) {
        lastPosition = f.position;
        revision = f.revision;
      }
  return { revision, lastPosition };
};

/** What every section below reads: the document, what was known, the as-of date and the terms. */
interface Reading {
  doc: EntitlementsDoc;
  mends: Mends;
  asOf: BusinessDate;
  start: DataOf<'AssignmentStarted'>;
  policy: AssignmentPolicy;
  /** Exceptions approved on or before the as-of date, in the order approved (balances/exceptions.ts). */
  approved: readonly ApprovedException[];
  /** The reimbursement currency. */
  usd: string;
  /** Facts left out of a total, and why. */
  warnings: string[];
}

const onOrBefore = (r: Reading, date: BusinessDate | undefined): boolean =>
  date !== undefined && date <= r.asOf;

/** The live facts dated on or before the as-of date. */
const dated = <D>(r: Reading, facts: readonly Fact<D>[], dateOf: (data: D) => BusinessDate | undefined) =>
  live(facts, r.mends).filter((f) => onOrBefore(r, dateOf(f.data)));

const byDate =
  <T>(dateOf: (t: T) => BusinessDate) =>
  (a: T, b: T): number =>
    dateOf(a) < dateOf(b) ? -1 : dateOf(a) > dateOf(b) ? 1 : 0;

/** Status, dates and extensions (intro): each extension ends later than the one recorded before it. */
const lifecycleOf = (r: Reading) => {
  const { start, asOf } = r;
  const end = dated(r, r.doc.ends, (d) => d.endedOn)[0]?.data;
  const status: Entitlements['status'] = end
    ? 'ended'
    : asOf < start.effectiveDate
      ? 'not-started'
      : 'active';
  const extensions: ExtensionView[] = dated(r, r.doc.extensions, (d) => d.decidedOn)
    .sort(byDate((e) => e.data.decidedOn))
    .map(({ eventId, recordedAt, data }) => ({
      eventId,
      recordedAt,
      decidedOn: data.decidedOn,
      previousExpectedEndDate: data.previousExpectedEndDate,
      newExpectedEndDate: data.newExpectedEndDate,
      ...(data.reason !== undefined ? { reason: data.reason } : {}),
      taxHomeStatus: data.taxHomeStatus,
    }));
  const expectedEndDate = extensions.reduce(
    (latest, e) => maxDate(latest, e.newExpectedEndDate),
    start.expectedEndDate,
  );
  // Calendar years of the assignment so far: from the effective year to the as-of (or end) year.
  const years: number[] = [];
  if (status !== 'not-started') {
    const last = end ? Math.min(yearOf(asOf), yearOf(end.endedOn)) : yearOf(asOf);
    for (let y = yearOf(start.effectiveDate); y <= last; y++) years.push(y);
  }
  const yearClosed = (year: number): boolean => asOf > `${year}-12-31` || end !== undefined;
  return { end, status, extensions, expectedEndDate, years, yearClosed };
};

/**
 * Tax home (Rev. Rul. 93-86): indefinite from the day the expected total length exceeds the limit, or
 * from the event (start or extension) that says so; an initial expectation beyond it counts from the
 * effective date. Extensions only lengthen the assignment, so it never turns temporary again.
 */
const taxHomeIndefiniteFromOf = (
  r: Reading,
  extensions: readonly ExtensionView[],
): BusinessDate | undefined => {
  const { start, policy } = r;
  const beyondLimit = (endDate: BusinessDate): boolean =>
    taxHomeStatusOf(start.effectiveDate, endDate, policy) === 'indefinite';
  if (start.taxHomeStatus === 'indefinite' || beyondLimit(start.expectedEndDate)) return start.effectiveDate;
  return extensions.find((e) => e.taxHomeStatus === 'indefinite' || beyondLimit(e.newExpectedEndDate))
    ?.decidedOn;
};

/** Home leave (clause 10, balances/home-leave.ts): a closed year reports what was left as forfeited. */
const homeLeaveOf = (r: Reading, years: readonly number[], yearClosed: (year: number) => boolean) => {
  const tripsByYear = new Map<number, TripTally>();
  for (const t of dated(r, r.doc.trips, (d) => d.departedOn)) {
    const year = poolYearOf(t.data);
    tripsByYear.set(year, tallyTrip(tripsByYear.get(year) ?? NO_TRIPS, t.data, 1));
  }
  return years.map((year): HomeLeaveYear => {
    const closed = yearClosed(year);
    const terms = termsInForce(r.policy, r.approved, year);
    return { year, ...homeLeaveBalance(tripsByYear.get(year) ?? NO_TRIPS, terms, closed), closed };
  });
};

/** Shipments (clause 4, balances/shipments.ts): return cap = outbound air + sea + the allowance. */
const shipmentsOf = (r: Reading) =>
  shipmentBalances(
    tallyShipments(dated(r, r.doc.shipments, (d) => d.shippedOn).map((s) => s.data)),
    termsInForce(r.policy, r.approved),
  );

/** Exceptions to a cap: requested, approved or declined on or before the as-of date. */
const exceptionsOf = (r: Reading): ExceptionView[] => {
  const approvals = dated(r, r.doc.exceptionApprovals, (d) => d.approvedOn);
  const declines = dated(r, r.doc.exceptionDeclines, (d) => d.declinedOn);
  return dated(r, r.doc.exceptionRequests, (d) => d.requestedOn).map(({ data }) => {
    const approval = approvals.find((a) => a.data.exceptionId === data.exceptionId)?.data;
    const decline = declines.find((d) => d.data.exceptionId === data.exceptionId)?.data;
    return {
      exceptionId: data.exceptionId,
      term: data.term,
      ...(data.year !== undefined ? { year: data.year } : {}),
      requestedLimit: data.requestedLimit,
      reason: data.reason,
      requestedBy: data.requestedBy,
      requestedOn: data.requestedOn,
      status: approval ? 'approved' : decline ? 'declined' : 'requested',
      ...(approval
        ? {
            grantedLimit: approval.grantedLimit,
            approvedBy: approval.approvedBy,
            approvedOn: approval.approvedOn,
          }
        : {}),
      ...(decline ? { declinedBy: decline.declinedBy, declinedOn: decline.declinedOn } : {}),
    };
  });
};

/** For each capped term (trips: each year): the policy's limit, the one in force and the exceptions behind it. */
const limitsOf = (
  r: Reading,
  exceptions: readonly ExceptionView[],
  years: readonly number[],
  housing: Entitlements['housing'],
): LimitView[] => {
  const limitOf = (term: ExceptionTerm, policyLimit: string | null, year?: number): LimitView => {
    const granted = exceptionInForce(r.approved, term, year);
    return {
      term,
      ...(year !== undefined ? { year } : {}),
      unit: UNIT_OF_TERM[term],
      policyLimit,
      limit: granted?.grantedLimit ?? policyLimit,
      ...(granted ? { exceptionId: granted.exceptionId } : {}),
      exceptions: exceptions.filter((e) => e.term === term && (year === undefined || e.year === year)),
    };
  };
  const tripYears = [
    ...new Set([...years, ...exceptions.flatMap((e) => (e.year === undefined ? [] : [e.year]))]),
  ];
  const rent = housing.current?.approvedMonthlyUsd.amount ?? null;
  return [
    limitOf('outbound-air-weight', r.policy.outboundAirLimitLb),
    limitOf('outbound-containers', String(r.policy.outboundContainerLimit)),
    ...tripYears
      .sort((a, b) => a - b)
      .map((y) => limitOf('home-leave-trips', String(r.policy.homeLeaveTripsPerYear), y)),
    // The other-destination fare is capped per trip by its home fare, the rent by the lease in force.
    limitOf('other-destination-fare', null),
    limitOf('housing-rent', rent),
  ];
};

/** One-off payments (one-off-payments.ts): a term added later is listed once granted or paid. */
const allowancesOf = (r: Reading): Entitlements['allowances'] => {
  const allowances: Record<string, OneOffAllowance> = {};
  for (const type of ONE_OFF_EVENT_TYPES) {
    const { term, answer } = ONE_OFF_PAYMENTS[type];
    const amount = r.policy[term];
    // A document built before the term was declared has no list for it.
    const facts = (r.doc[term] as OneOffFacts[OneOffTerm] | undefined) ?? [];
    const paid = dated(r, facts, (d) => d.paidOn)[0]?.data;
    if (POLICY_TERMS[term].later && !paid && new Decimal(amount.amount).isZero()) continue;
    allowances[answer] = {
      amount,
      paid: paid !== undefined,
      ...(paid ? { paidOn: paid.paidOn, paidAmount: paid.amount } : {}),
    };
  }
  return allowances as Entitlements['allowances'];
};

/** The return airfreight fund (close, balances/funds.ts), in the reimbursement currency. */
const fundOf = (r: Reading) => {
  const deposits = dated(r, r.doc.fundDeposits, (d) => d.depositedOn);
  const draws = dated(r, r.doc.fundDraws, (d) => d.drawnOn);
  return fundBalance(
    tallyFund(
      inCurrency(deposits, r.usd, 'Return airfreight fund deposit', r.warnings).map((d) => d.data),
      inCurrency(draws, r.usd, 'Return airfreight fund draw', r.warnings).map((d) => d.data),
      r.usd,
    ),
  );
};

interface ExpenseDecision {
  position: number;
  approved: boolean;
  reimbursableUsd?: Money;
}

/** Expenses (balances/expenses.ts): each claim in USD, its latest decision dated on or before the as-of date. */
const expensesOf = (r: Reading): Entitlements['expenses'] => {
  const decisions = new Map<string, ExpenseDecision>();
  const decide = (expenseId: string, d: ExpenseDecision) => {
    const prior = decisions.get(expenseId);
    if (!prior || prior.position < d.position) decisions.set(expenseId, d);
  };
  for (const a of dated(r, r.doc.expenseApprovals, (d) => d.approvedOn))
    decide(a.data.expenseId, {
      position: a.position,
      approved: true,
      reimbursableUsd: a.data.reimbursableUsd,
    });
  for (const j of live(r.doc.expenseRejections, r.mends))
    if (onOrBefore(r, j.data.rejectedOn ?? j.recordedAt.slice(0, 10)))
      decide(j.data.expenseId, { position: j.position, approved: false });
  const counted: CountedClaim[] = [];
  for (const c of dated(r, r.doc.expenseClaims, (d) => d.incurredOn)) {
    const { category, amountUsd } = c.data;
    if (amountUsd.currency !== r.usd) {
      r.warnings.push(`Expense claim ${c.eventId} has its USD amount in ${amountUsd.currency}: left out`);
      continue;
    }
    // Only a decision recorded after this claim is its own: one before it belonged to a claim of the
    // same expenseId that was voided and claimed again (the decider forgets it with the void).
    const latest = decisions.get(c.data.expenseId);
    const decision = latest && latest.position > c.position ? latest : undefined;
    counted.push({
      category,
      amountUsd,
      status: !decision ? 'claimed' : decision.approved ? 'approved' : 'rejected',
      reimbursableUsd: decision?.reimbursableUsd ?? null,
    });
  }
  const expenses = expenseTotals(counted, r.usd);
  return { ...expenses, totalReimbursable: expenses.totals.reimbursable };
};

/** Holidays and vacation (clause 7, balances/time-off.ts): per calendar year. */
const vacationOf = (r: Reading, years: readonly number[]): VacationYear[] => {
  const daysOff = tallyDaysOff(
    dated(r, r.doc.holidays, (d) => d.date).map((h) => h.data),
    dated(r, r.doc.vacations, (d) => d.from).map((v) => v.data),
  );
  return years.map((year) => ({ year, ...vacationBalance(daysOff.get(year) ?? NO_DAYS_OFF, r.policy) }));
};

/** Housing (clause 8): the approved lease in force on the as-of date. */
const housingOf = (r: Reading): Entitlements['housing'] => {
  const leases: LeaseView[] = dated(r, r.doc.leases, (d) => d.approvedOn).map(({ data }) => ({
    leaseId: data.leaseId,
    approvedOn: data.approvedOn,
    effectiveFrom: data.effectiveFrom,
    monthlyRent: data.monthlyRent,
    comparableUsCap: data.comparableUsCap,
    approvedMonthlyUsd: data.approvedMonthlyUsd,
  }));
  const current = latestLeaseInForce(leases, r.asOf);
  return { approvedMonthlyUsd: current?.approvedMonthlyUsd ?? null, current, leases };
};

/** Repatriation (intro, close): owed for every end reason; it stays owed (an entitlement) once travelled. */
const repatriationOf = (r: Reading, ended: boolean): Entitlements['repatriation'] => {
  const repatriations = dated(r, r.doc.repatriations, (d) => d.travelledOn);
  return {
    owed: ended,
    travelled: repatriations.length > 0,
    ...(repatriations.length > 0 ? { travelledOn: repatriations[0]!.data.travelledOn } : {}),
    travellers: [...new Set(repatriations.flatMap((p) => p.data.travellers))],
    eligibleTravellers: [
      { name: r.start.employee.name, relationship: 'employee' as const },
      ...r.start.accompanyingFamily.map((f) => ({ name: f.name, relationship: f.relationship })),
    ],
    fares: repatriations.map((p) => p.data.fare),
  };
};

/** Salary postings (clause 2), as recorded, summed in the base salary's currency. */
const salaryOf = (r: Reading): Entitlements['salary'] => {
  const currency = r.start.baseSalaryMonthly.currency;
  const payments = dated(r, r.doc.salaryPayments, (d) => d.paidOn);
  const sum = (pick: (d: DataOf<'SalaryPaid'>) => Money): Money => {
    // An erased subject's pay reads "[erased]": so does its sum, no other balance depends on it.
    const hidden = payments.map((p) => pick(p.data).amount).find((amount) => !isDecimalString(amount));
    if (hidden !== undefined) return { amount: hidden, currency };
    return roundMoney(
      total(
        payments.map((p) => ({ eventId: p.eventId, money: pick(p.data) })),
        currency,
        'Salary posting',
        r.warnings,
      ),
      currency,
    );
  };
  return {
    baseMonthly: r.start.baseSalaryMonthly,
    postings: payments.length,
    gross: sum((d) => d.gross),
    hypotheticalTax: sum((d) => d.hypotheticalTax),
    net: sum((d) => d.net),
  };
};

/** Tax equalization settlements (clause 1), as recorded, by settlement date. */
const settlementsOf = (r: Reading) =>
  dated(r, r.doc.taxSettlements, (d) => d.settledOn)
    .map(({ data }) => ({
      taxYear: data.taxYear,
      settledOn: data.settledOn,
      amount: data.amount,
      direction: data.direction,
      ...(data.provider !== undefined ? { provider: data.provider } : {}),
    }))
    .sort(byDate((s) => s.settledOn));

/** The assignment's entitlements, or null when its start is not known (at knownAt). */
export const entitlementsOf = (doc: EntitlementsDoc, query: EntitlementsQuery): Entitlements | null => {
  const mends = mendsOf(doc, query);
  if (!doc.start || !mends.known(doc.start)) return null;
  const start = doc.start.data;
  const policy = policyOf(start.policy);
  const r: Reading = {
    doc,
    mends,
    asOf: query.asOf,
    start,
    policy,
    approved: live(doc.exceptionApprovals, mends)
      .filter((a) => a.data.approvedOn <= query.asOf)
      .map((a) => a.data),
    usd: policy.reimbursementCurrency,
    warnings: [],
  };
  const exceptions = exceptionsOf(r);
  const housing = housingOf(r);
  const { end, status, extensions, expectedEndDate, years, yearClosed } = lifecycleOf(r);
  const taxHomeIndefiniteFrom = taxHomeIndefiniteFromOf(r, extensions);
  const known =
    query.knownAt === undefined && query.knownAtPosition === undefined
      ? { revision: doc.revision, lastPosition: doc.lastPosition }
      : lastKnown(doc, mends);
  // The order of the fields is the answer's: the sections that warn run in it.
  return {
    assignmentId: doc.assignmentId,
    asOf: query.asOf,
    ...(query.knownAt !== undefined ? { knownAt: query.knownAt } : {}),
    ...(query.knownAtPosition !== undefined ? { knownAtPosition: query.knownAtPosition } : {}),
    revision: known.revision,
    lastPosition: known.lastPosition,
    employee: { id: start.employee.id, name: start.employee.name },
    position: start.position,
    homeCountry: start.homeCountry,
    hostCountry: start.hostCountry,
    hostCity: start.hostCity,
    status,
    dates: {
      effectiveDate: start.effectiveDate,
      originalExpectedEndDate: start.expectedEndDate,
      expectedEndDate,
      ...(end ? { endedOn: end.endedOn, endReason: end.reason } : {}),
    },
    extensions,
    taxHomeStatus: taxHomeIndefiniteFrom !== undefined ? 'indefinite' : 'temporary',
    ...(taxHomeIndefiniteFrom !== undefined ? { taxHomeIndefiniteFrom } : {}),
    homeLeave: { years: homeLeaveOf(r, years, yearClosed) },
    shipments: shipmentsOf(r),
    exceptions,
    limits: limitsOf(r, exceptions, years, housing),
    allowances: allowancesOf(r),
    funds: { returnAirfreight: fundOf(r) },
    expenses: expensesOf(r),
    vacation: { years: vacationOf(r, years) },
    housing,
    repatriation: repatriationOf(r, end !== undefined),
    salary: salaryOf(r),
    taxEqualization: { settlements: settlementsOf(r) },
    warnings: r.warnings,
  };
};
