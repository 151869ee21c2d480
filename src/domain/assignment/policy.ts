import type { Money } from '../shared/money.js';
import type { OtherFareRule, TaxHomeStatus } from './events.js';
import { daysBetween, type BusinessDate } from '../shared/calendar.js';

/**
 * The policy terms of one assignment, captured in AssignmentStarted. Defaults are the Valence letter's;
 * changing a default later never changes an assignment already started.
 */
export interface AssignmentPolicy {
  /** Clause 4: outbound airfreight of household goods, pounds. */
  outboundAirLimitLb: string;
  /** Clause 4: outbound sea containers (any size counts as one). */
  outboundContainerLimit: number;
  /** Clause 4: return shipments may weigh this much more than everything shipped outbound, pounds. */
  returnAllowanceOverOutboundLb: string;
  /** Clause 10: home-leave trips per calendar year, one pool shared by employee and spouse. */
  homeLeaveTripsPerYear: number;
  /** Clause 10: trips per year that may go to a destination other than home. */
  otherDestinationTripsPerYear: number;
  /** Clause 10: a fare for `other` above the home fare is capped (reimbursed up to it) or rejected. */
  otherDestinationFareRule: OtherFareRule;
  /** Clause 9: the miscellaneous allowance, paid once. */
  miscellaneousAllowance: Money;
  /** Clause 7: US holidays + vacation days per calendar year (the letter is silent: 10 holidays + 15 days). */
  usHolidaysAndVacationDays: number;
  /** Intro: an expected total length beyond this many days makes the tax home indefinite (Rev. Rul. 93-86). */
  taxHomeLimitDays: number;
  /** Currency reimbursements are reckoned in. */
  reimbursementCurrency: 'USD';
}

export const LETTER_POLICY: AssignmentPolicy = {
  outboundAirLimitLb: '500',
  outboundContainerLimit: 1,
  returnAllowanceOverOutboundLb: '1000',
  homeLeaveTripsPerYear: 3,
  otherDestinationTripsPerYear: 1,
  otherDestinationFareRule: 'cap',
  miscellaneousAllowance: { amount: '2500.00', currency: 'USD' },
  usHolidaysAndVacationDays: 25,
  taxHomeLimitDays: 365,
  reimbursementCurrency: 'USD',
};

/** The letter's terms with this assignment's overrides: captured once, in AssignmentStarted. */
export const resolvePolicy = (overrides: Partial<AssignmentPolicy> = {}): AssignmentPolicy => ({
  ...LETTER_POLICY,
  ...overrides,
});

/**
 * US one-year rule (Rev. Rul. 93-86): an assignment realistically expected to last longer than the
 * limit makes the tax home indefinite. Length is counted as days from the effective date to the expected end.
 */
export const taxHomeStatusOf = (
  effectiveDate: BusinessDate,
  expectedEndDate: BusinessDate,
  policy: Pick<AssignmentPolicy, 'taxHomeLimitDays'>,
): TaxHomeStatus =>
  daysBetween(effectiveDate, expectedEndDate) > policy.taxHomeLimitDays ? 'indefinite' : 'temporary';
