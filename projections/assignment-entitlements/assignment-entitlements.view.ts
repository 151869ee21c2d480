/**
 * The entitlements answer (http-contract.md, "Entitlements answer"): every field the contract names is
 * here under its name; the rest are additions. Money amounts and pound weights are decimal strings.
 */
import type {
  EndReason,
  ExceptionTerm,
  Relationship,
  TaxHomeStatus,
} from '../../src/domain/assignment/events.js';
import type { ExpenseCategoryTotals, ExpenseSums } from '../../src/domain/assignment/balances/expenses.js';
import type { FundBalance } from '../../src/domain/assignment/balances/funds.js';
import type { HomeLeaveBalance } from '../../src/domain/assignment/balances/home-leave.js';
import type { ShipmentBalances } from '../../src/domain/assignment/balances/shipments.js';
import type { VacationBalance } from '../../src/domain/assignment/balances/time-off.js';
import type { OneOffAnswer } from '../../src/domain/assignment/one-off-payments.js';
import type { BusinessDate } from '../../src/domain/shared/calendar.js';
import type { Money } from '../../src/domain/shared/money.js';

export type AssignmentStatus = 'not-started' | 'active' | 'ended';

export interface ExtensionView {
  eventId: string;
  recordedAt: string;
  decidedOn: BusinessDate;
  previousExpectedEndDate: BusinessDate;
  newExpectedEndDate: BusinessDate;
  reason?: string;
  taxHomeStatus: TaxHomeStatus;
}

/** One calendar year's pool (clause 10): `remaining` is 0 once the year is closed, what was left `forfeited`. */
export type HomeLeaveYear = { year: number } & HomeLeaveBalance & {
    /** The as-of date is past 31 December of the year, or the assignment ended on or before it. */
    closed: boolean;
  };

/** One calendar year of clause 7: the US entitlement (not prorated) less host holidays and vacation. */
export type VacationYear = { year: number } & VacationBalance;

/** USD amounts of the claims of one category (converted at the rate recorded on each claim). */
export type ExpenseCategoryView = ExpenseCategoryTotals;

export interface LeaseView {
  leaseId: string;
  approvedOn: BusinessDate;
  effectiveFrom: BusinessDate;
  monthlyRent: Money;
  comparableUsCap: Money;
  approvedMonthlyUsd: Money;
}

export interface OneOffAllowance {
  /** The policy's amount. */
  amount: Money;
  paid: boolean;
  paidOn?: BusinessDate;
  paidAmount?: Money;
}

export interface TaxSettlementView {
  taxYear: number;
  settledOn: BusinessDate;
  amount: Money;
  direction: 'company-to-employee' | 'employee-to-company';
  provider?: string;
}

/** An exception to a cap as known on the as-of date (domain.md "Exceptions to a cap"). */
export interface ExceptionView {
  exceptionId: string;
  term: ExceptionTerm;
  year?: number;
  requestedLimit: string;
  reason: string;
  requestedBy: string;
  requestedOn: BusinessDate;
  status: 'requested' | 'approved' | 'declined';
  grantedLimit?: string;
  approvedBy?: string;
  approvedOn?: BusinessDate;
  declinedBy?: string;
  declinedOn?: BusinessDate;
}

/** One capped term: the policy's limit, the limit in force (the latest approved exception's) and the exceptions behind it. */
export interface LimitView {
  term: ExceptionTerm;
  /** home-leave-trips: the calendar year of the pool. */
  year?: number;
  unit: 'lb' | 'containers' | 'trips' | 'USD';
  /** Null where the policy caps per trip (the home fare) or the lease in force sets it and there is none. */
  policyLimit: string | null;
  limit: string | null;
  /** The approved exception the limit in force comes from. */
  exceptionId?: string;
  exceptions: ExceptionView[];
}

export interface Entitlements {
  assignmentId: string;
  asOf: BusinessDate;
  knownAt?: string;
  knownAtPosition?: number;
  /** Stream revision and global position of the last event taken into account (by knownAt). */
  revision: number;
  lastPosition: number;
  employee: { id: string; name: string };
  position: string;
  homeCountry: string;
  hostCountry: string;
  hostCity: string;
  status: AssignmentStatus;
  dates: {
    effectiveDate: BusinessDate;
    originalExpectedEndDate: BusinessDate;
    /** After the extensions decided on or before the as-of date. */
    expectedEndDate: BusinessDate;
    endedOn?: BusinessDate;
    endReason?: EndReason;
  };
  extensions: ExtensionView[];
  taxHomeStatus: TaxHomeStatus;
  /** Business date the tax home became indefinite, when it has. */
  taxHomeIndefiniteFrom?: BusinessDate;
  homeLeave: { years: HomeLeaveYear[] };
  shipments: ShipmentBalances;
  exceptions: ExceptionView[];
  limits: LimitView[];
  /** Each one-off payment (one-off-payments.ts) by its answer key; a term added later once granted or paid. */
  allowances: Record<'miscellaneous', OneOffAllowance> & Partial<Record<OneOffAnswer, OneOffAllowance>>;
  funds: { returnAirfreight: FundBalance };
  expenses: {
    byCategory: ExpenseCategoryView[];
    totals: ExpenseSums;
    totalReimbursable: Money;
  };
  vacation: { years: VacationYear[] };
  housing: { approvedMonthlyUsd: Money | null; current: LeaseView | null; leases: LeaseView[] };
  repatriation: {
    /** The airfare home is an entitlement once the assignment has ended, whatever the reason; it stays true after the travel. */
    owed: boolean;
    travelled: boolean;
    travelledOn?: BusinessDate;
    travellers: string[];
    /** The employee and the accompanying family, who may travel on it. */
    eligibleTravellers: { name: string; relationship: 'employee' | Relationship }[];
    fares: Money[];
  };
  salary: {
    baseMonthly: Money;
    postings: number;
    gross: Money;
    hypotheticalTax: Money;
    net: Money;
  };
  taxEqualization: { settlements: TaxSettlementView[] };
  /** Facts left out of a total, and why (e.g. a fund movement in another currency than the fund's). */
  warnings: string[];
}
