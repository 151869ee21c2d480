/**
 * Exceptions to a cap (domain.md "Exceptions to a cap"): the latest approved exception of a term (for
 * home-leave trips, of that year) replaces the policy's limit. The decisions and the entitlements both
 * ask these functions which limit is in force, so they cannot disagree about it.
 */
import { money, type Money } from '../../shared/money.js';
import type { ExceptionTerm } from '../events.js';
import type { AssignmentPolicy } from '../policy.js';

export interface ApprovedException {
  exceptionId: string;
  term: ExceptionTerm;
  grantedLimit: string;
  year?: number | undefined;
}

/** The exception in force for a term (and year): the last approved, in the order approvals were recorded. */
export const exceptionInForce = <E extends ApprovedException>(
  approved: readonly E[],
  term: ExceptionTerm,
  year?: number,
): E | undefined => {
  for (let i = approved.length - 1; i >= 0; i--) {
    const e = approved[i]!;
    if (e.term === term && (term !== 'home-leave-trips' || e.year === year)) return e;
  }
  return undefined;
};

/** The terms a write (or the entitlements) must check against: the policy's, with approved exceptions swapped in. */
export const termsInForce = (
  policy: AssignmentPolicy,
  approved: readonly ApprovedException[],
  year?: number,
): AssignmentPolicy => {
  const air = exceptionInForce(approved, 'outbound-air-weight');
  const containers = exceptionInForce(approved, 'outbound-containers');
  const trips = year === undefined ? undefined : exceptionInForce(approved, 'home-leave-trips', year);
  return {
    ...policy,
    outboundAirLimitLb: air?.grantedLimit ?? policy.outboundAirLimitLb,
    outboundContainerLimit: containers ? Number(containers.grantedLimit) : policy.outboundContainerLimit,
    homeLeaveTripsPerYear: trips ? Number(trips.grantedLimit) : policy.homeLeaveTripsPerYear,
  };
};

/** Clause 10: the most an `other` trip is reimbursed, when an exception replaced the home fare as its cap. */
export const otherFareCapInForce = (approved: readonly ApprovedException[]): Money | undefined => {
  const e = exceptionInForce(approved, 'other-destination-fare');
  return e && money(e.grantedLimit, 'USD');
};

/** Clause 8: the monthly rent reimbursed, when an exception replaced the approved lease amount. */
export const rentCapInForce = (approved: readonly ApprovedException[]): Money | undefined => {
  const e = exceptionInForce(approved, 'housing-rent');
  return e && money(e.grantedLimit, 'USD');
};

/** Terms counted in whole units: containers and trips. */
export const isWholeUnitTerm = (term: ExceptionTerm): boolean =>
  term === 'outbound-containers' || term === 'home-leave-trips';

/** The unit of a term's limit, as the entitlements name it. */
export const UNIT_OF_TERM: Record<ExceptionTerm, 'lb' | 'containers' | 'trips' | 'USD'> = {
  'outbound-air-weight': 'lb',
  'outbound-containers': 'containers',
  'home-leave-trips': 'trips',
  'other-destination-fare': 'USD',
  'housing-rent': 'USD',
};
