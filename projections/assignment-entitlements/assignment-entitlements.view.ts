/**
 * The entitlements answer (http-contract.md, "Entitlements answer"): every field the contract names is
 * here under its name; the rest are additions. Money amounts and pound weights are decimal strings.
 */
import type {
  EndReason,
  ExpenseCategory,
  Relationship,
  TaxHomeStatus,
} from '../../src/domain/assignment/events.js';
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

export interface HomeLeaveYear {
  year: number;
  allowed: number;
  taken: number;
  takenByEmployee: number;
  takenBySpouse: number;
  otherDestinationUsed: number;
  otherDestinationAllowed: number;
  /** 0 once the year is closed: what was left then is in `forfeited`. */
  remaining: number;
  forfeited: number;
  /** The as-of date is past 31 December of the year, or the assignment ended on or before it. */
  closed: boolean;
}

export interface VacationYear {
  year: number;
  /** US holidays + vacation days (clause 7), not prorated for a partial year. */
  entitlement: number;
  holidaysObserved: number;
  vacationTaken: number;
  /** entitlement - holidays - vacation; negative when more was taken than the US entitlement. */
  left: number;
}

export interface ExpenseCategoryView {
  category: ExpenseCategory;
  claims: number;
  /** USD amounts of the claims (converted at the rate recorded on each claim). */
  claimed: Money;
  approved: Money;
  rejected: Money;
  /** Claims with no decision on or before the as-of date. */
  pending: Money;
  /** What the approvals reimburse (capped at the economy fare, approved rent...). */
  reimbursable: Money;
}

export interface LeaseView {
  leaseId: string;
  approvedOn: BusinessDate;
  effectiveFrom: BusinessDate;
  monthlyRent: Money;
  comparableUsCap: Money;
  approvedMonthlyUsd: Money;
}

export interface TaxSettlementView {
  taxYear: number;
  settledOn: BusinessDate;
  amount: Money;
  direction: 'company-to-employee' | 'employee-to-company';
  provider?: string;
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
  shipments: {
    outboundAir: { limitLb: string; usedLb: string; remainingLb: string };
    outboundSea: { containerLimit: number; containersUsed: number; weightLb: string };
    outboundTotalLb: string;
    return: { capLb: string; usedLb: string; remainingLb: string };
  };
  allowances: {
    miscellaneous: { amount: Money; paid: boolean; paidOn?: BusinessDate; paidAmount?: Money };
  };
  funds: { returnAirfreight: { deposited: Money; drawn: Money; balance: Money } };
  expenses: {
    byCategory: ExpenseCategoryView[];
    totals: { claimed: Money; approved: Money; rejected: Money; pending: Money; reimbursable: Money };
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
