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
import { POLICY_TERMS, policyOf, taxHomeStatusOf } from '../../src/domain/assignment/policy.js';
import { expenseTotals, type CountedClaim } from '../../src/domain/assignment/balances/expenses.js';
import {
  emptyFund,
  fundBalance,
  tallyDeposit,
  tallyDraw,
} from '../../src/domain/assignment/balances/funds.js';
import {
  homeLeaveBalance,
  NO_TRIPS,
  poolYearOf,
  tallyTrip,
  type TripTally,
} from '../../src/domain/assignment/balances/home-leave.js';
import {
  NO_SHIPMENTS,
  shipmentBalances,
  tallyShipment,
} from '../../src/domain/assignment/balances/shipments.js';
import {
  NO_DAYS_OFF,
  tallyHoliday,
  tallyVacation,
  vacationBalance,
  yearOfHoliday,
  yearOfVacation,
  type DaysOffTally,
} from '../../src/domain/assignment/balances/time-off.js';
import { latestLeaseInForce } from '../../src/domain/assignment/state.js';
import { maxDate, yearOf, type BusinessDate } from '../../src/domain/shared/calendar.js';
import { roundMoney, type Money } from '../../src/domain/shared/money.js';
import type { Fact } from '../projection.js';
import { knownFilter, type KnownAtOptions } from '../shared/known-at.js';
import { factListsOf, type EntitlementsDoc, type OneOffFacts } from './assignment-entitlements.projection.js';
import type {
  Entitlements,
  ExtensionView,
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

/** The assignment's entitlements, or null when its start is not known (at knownAt). */
export const entitlementsOf = (doc: EntitlementsDoc, query: EntitlementsQuery): Entitlements | null => {
  const { asOf } = query;
  const mends = mendsOf(doc, query);
  if (!doc.start || !mends.known(doc.start)) return null;
  const start = doc.start.data;
  const policy = policyOf(start.policy);
  const usd = policy.reimbursementCurrency;
  const warnings: string[] = [];
  const onOrBefore = (date: BusinessDate | undefined): boolean => date !== undefined && date <= asOf;

  // Status and dates.
  const end = live(doc.ends, mends).find((e) => onOrBefore(e.data.endedOn))?.data;
  const status = end ? 'ended' : asOf < start.effectiveDate ? 'not-started' : 'active';
  const extensionFacts = live(doc.extensions, mends)
    .filter((e) => onOrBefore(e.data.decidedOn))
    .sort((a, b) => (a.data.decidedOn < b.data.decidedOn ? -1 : a.data.decidedOn > b.data.decidedOn ? 1 : 0));
  const extensions: ExtensionView[] = extensionFacts.map(({ eventId, recordedAt, data }) => ({
    eventId,
    recordedAt,
    decidedOn: data.decidedOn,
    previousExpectedEndDate: data.previousExpectedEndDate,
    newExpectedEndDate: data.newExpectedEndDate,
    ...(data.reason !== undefined ? { reason: data.reason } : {}),
    taxHomeStatus: data.taxHomeStatus,
  }));
  // Each extension ends later than the one recorded before it, whatever the order of their decidedOn.
  const expectedEndDate = extensions.reduce(
    (latest, e) => maxDate(latest, e.newExpectedEndDate),
    start.expectedEndDate,
  );

  // Tax home (Rev. Rul. 93-86): indefinite from the day the expected total length exceeds the limit,
  // or from the event (start or extension) that says so; an initial expectation beyond it counts from
  // the effective date. Extensions only lengthen the assignment, so it never turns temporary again.
  const beyondLimit = (endDate: BusinessDate): boolean =>
    taxHomeStatusOf(start.effectiveDate, endDate, policy) === 'indefinite';
  let taxHomeIndefiniteFrom: BusinessDate | undefined =
    start.taxHomeStatus === 'indefinite' || beyondLimit(start.expectedEndDate)
      ? start.effectiveDate
      : undefined;
  for (const e of extensions) {
    if (taxHomeIndefiniteFrom !== undefined) break;
    if (e.taxHomeStatus === 'indefinite' || beyondLimit(e.newExpectedEndDate))
      taxHomeIndefiniteFrom = e.decidedOn;
  }

  // Calendar years of the assignment so far: from the effective year to the as-of (or end) year.
  const years: number[] = [];
  if (status !== 'not-started') {
    const last = end ? Math.min(yearOf(asOf), yearOf(end.endedOn)) : yearOf(asOf);
    for (let y = yearOf(start.effectiveDate); y <= last; y++) years.push(y);
  }
  const yearClosed = (year: number): boolean => asOf > `${year}-12-31` || end !== undefined;

  // Home leave (clause 10, balances/home-leave.ts): a closed year reports what was left as forfeited.
  const tripsByYear = new Map<number, TripTally>();
  for (const t of live(doc.trips, mends)) {
    if (!onOrBefore(t.data.departedOn)) continue;
    const year = poolYearOf(t.data);
    tripsByYear.set(year, tallyTrip(tripsByYear.get(year) ?? NO_TRIPS, t.data, 1));
  }
  const homeLeaveYears: HomeLeaveYear[] = years.map((year) => {
    const closed = yearClosed(year);
    return { year, ...homeLeaveBalance(tripsByYear.get(year) ?? NO_TRIPS, policy, closed), closed };
  });

  // Shipments (clause 4, balances/shipments.ts): return cap = outbound air + sea + the allowance.
  let shipmentTally = NO_SHIPMENTS;
  for (const s of live(doc.shipments, mends))
    if (onOrBefore(s.data.shippedOn)) shipmentTally = tallyShipment(shipmentTally, s.data, 1);

  // Miscellaneous allowance (clause 9) and the return airfreight fund (close).
  // One-off payments (one-off-payments.ts): a term added later is listed once granted or paid.
  const allowances: Record<string, OneOffAllowance> = {};
  for (const type of ONE_OFF_EVENT_TYPES) {
    const { term, answer } = ONE_OFF_PAYMENTS[type];
    const amount = policy[term];
    // A document built before the term was declared has no list for it.
    const facts = (doc[term] as OneOffFacts[OneOffTerm] | undefined) ?? [];
    const paid = live(facts, mends).find((p) => onOrBefore(p.data.paidOn))?.data;
    if (POLICY_TERMS[term].later && !paid && new Decimal(amount.amount).isZero()) continue;
    allowances[answer] = {
      amount,
      paid: paid !== undefined,
      ...(paid ? { paidOn: paid.paidOn, paidAmount: paid.amount } : {}),
    };
  }
  let fund = emptyFund(usd);
  for (const d of inCurrency(
    live(doc.fundDeposits, mends).filter((d) => onOrBefore(d.data.depositedOn)),
    usd,
    'Return airfreight fund deposit',
    warnings,
  ))
    fund = tallyDeposit(fund, d.data.amount, 1);
  for (const d of inCurrency(
    live(doc.fundDraws, mends).filter((d) => onOrBefore(d.data.drawnOn)),
    usd,
    'Return airfreight fund draw',
    warnings,
  ))
    fund = tallyDraw(fund, d.data.amount, 1);

  // Expenses: each claim in USD, its latest decision dated on or before the as-of date.
  const claims = live(doc.expenseClaims, mends).filter((c) => onOrBefore(c.data.incurredOn));
  const decisions = new Map<string, { position: number; approved: boolean; reimbursableUsd?: Money }>();
  const decide = (expenseId: string, d: { position: number; approved: boolean; reimbursableUsd?: Money }) => {
    const prior = decisions.get(expenseId);
    if (!prior || prior.position < d.position) decisions.set(expenseId, d);
  };
  for (const a of live(doc.expenseApprovals, mends))
    if (onOrBefore(a.data.approvedOn))
      decide(a.data.expenseId, {
        position: a.position,
        approved: true,
        reimbursableUsd: a.data.reimbursableUsd,
      });
  for (const r of live(doc.expenseRejections, mends))
    if (onOrBefore(r.data.rejectedOn ?? r.recordedAt.slice(0, 10)))
      decide(r.data.expenseId, { position: r.position, approved: false });
  const counted: CountedClaim[] = [];
  for (const c of claims) {
    const { category, amountUsd } = c.data;
    if (amountUsd.currency !== usd) {
      warnings.push(`Expense claim ${c.eventId} has its USD amount in ${amountUsd.currency}: left out`);
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
  const expenses = expenseTotals(counted, usd);
  const m = (d: Decimal.Value, currency: string = usd): Money => roundMoney(d, currency);

  // Holidays and vacation (clause 7, balances/time-off.ts): per calendar year.
  const daysOff = new Map<number, DaysOffTally>();
  for (const h of live(doc.holidays, mends)) {
    if (!onOrBefore(h.data.date)) continue;
    const year = yearOfHoliday(h.data);
    daysOff.set(year, tallyHoliday(daysOff.get(year) ?? NO_DAYS_OFF, 1));
  }
  for (const v of live(doc.vacations, mends)) {
    if (!onOrBefore(v.data.from)) continue;
    const year = yearOfVacation(v.data);
    daysOff.set(year, tallyVacation(daysOff.get(year) ?? NO_DAYS_OFF, v.data, 1));
  }
  const vacationYears: VacationYear[] = years.map((year) => ({
    year,
    ...vacationBalance(daysOff.get(year) ?? NO_DAYS_OFF, policy),
  }));

  // Housing (clause 8): the approved lease in force on the as-of date.
  const leases: LeaseView[] = live(doc.leases, mends)
    .filter((l) => onOrBefore(l.data.approvedOn))
    .map(({ data }) => ({
      leaseId: data.leaseId,
      approvedOn: data.approvedOn,
      effectiveFrom: data.effectiveFrom,
      monthlyRent: data.monthlyRent,
      comparableUsCap: data.comparableUsCap,
      approvedMonthlyUsd: data.approvedMonthlyUsd,
    }));
  const current = latestLeaseInForce(leases, asOf);

  // Repatriation (intro, close): owed for every end reason; it stays owed (an entitlement) once travelled.
  const repatriations = live(doc.repatriations, mends).filter((r) => onOrBefore(r.data.travelledOn));
  const travellers = [...new Set(repatriations.flatMap((r) => r.data.travellers))];

  // Salary postings (clause 2) and tax equalization (clause 1), as recorded.
  const salaryCurrency = start.baseSalaryMonthly.currency;
  const payments = live(doc.salaryPayments, mends).filter((p) => onOrBefore(p.data.paidOn));
  const salarySum = (pick: (d: (typeof payments)[number]['data']) => Money, what: string): Money =>
    m(
      total(
        payments.map((p) => ({ eventId: p.eventId, money: pick(p.data) })),
        salaryCurrency,
        what,
        warnings,
      ),
      salaryCurrency,
    );
  const settlements = live(doc.taxSettlements, mends)
    .filter((s) => onOrBefore(s.data.settledOn))
    .map(({ data }) => ({
      taxYear: data.taxYear,
      settledOn: data.settledOn,
      amount: data.amount,
      direction: data.direction,
      ...(data.provider !== undefined ? { provider: data.provider } : {}),
    }))
    .sort((a, b) => (a.settledOn < b.settledOn ? -1 : a.settledOn > b.settledOn ? 1 : 0));

  const known =
    query.knownAt === undefined && query.knownAtPosition === undefined
      ? { revision: doc.revision, lastPosition: doc.lastPosition }
      : lastKnown(doc, mends);

  return {
    assignmentId: doc.assignmentId,
    asOf,
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
    homeLeave: { years: homeLeaveYears },
    shipments: shipmentBalances(shipmentTally, policy),
    allowances: allowances as Entitlements['allowances'],
    funds: {
      returnAirfreight: fundBalance(fund),
    },
    expenses: { ...expenses, totalReimbursable: expenses.totals.reimbursable },
    vacation: { years: vacationYears },
    housing: { approvedMonthlyUsd: current?.approvedMonthlyUsd ?? null, current, leases },
    repatriation: {
      owed: end !== undefined,
      travelled: repatriations.length > 0,
      ...(repatriations.length > 0 ? { travelledOn: repatriations[0]!.data.travelledOn } : {}),
      travellers,
      eligibleTravellers: [
        { name: start.employee.name, relationship: 'employee' as const },
        ...start.accompanyingFamily.map((f) => ({ name: f.name, relationship: f.relationship })),
      ],
      fares: repatriations.map((r) => r.data.fare),
    },
    salary: {
      baseMonthly: start.baseSalaryMonthly,
      postings: payments.length,
      gross: salarySum((d) => d.gross, 'Salary posting'),
      hypotheticalTax: salarySum((d) => d.hypotheticalTax, 'Salary posting'),
      net: salarySum((d) => d.net, 'Salary posting'),
    },
    taxEqualization: { settlements },
    warnings,
  };
};
