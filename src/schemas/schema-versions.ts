import type { AssignmentEventType } from '../domain/assignment/events.js';

/**
 * The version of each event type's data that the ledger writes today (metadata.schemaVersion) and that
 * the feed delivers: anything older is upcast on read (upcasters.ts). An event without a version is 1.
 */
export const CURRENT_SCHEMA_VERSIONS = {
  AssignmentStarted: 1,
  AssignmentExtended: 1,
  // v1 carried `weightLb: string`; v2 carries `weight: { lb, original: { value, unit } }`.
  ShipmentRecorded: 2,
  HomeLeaveTripTaken: 1,
  ExpenseClaimed: 1,
  ExpenseApproved: 1,
  ExpenseRejected: 1,
  MiscellaneousAllowancePaid: 1,
  AssignmentEnded: 1,
  RepatriationTravelled: 1,
  ReturnAirfreightFundDeposited: 1,
  ReturnAirfreightFundDrawn: 1,
  SalaryPaid: 1,
  TaxEqualizationSettled: 1,
  HousingLeaseApproved: 1,
  HostHolidayObserved: 1,
  VacationTaken: 1,
  EventCorrected: 1,
  EventVoided: 1,
} as const satisfies Record<AssignmentEventType, number>;

export const DEFAULT_SCHEMA_VERSION = 1;

/** The version stored in an event's metadata; absent or malformed means 1. */
export const storedSchemaVersion = (metadata: { schemaVersion?: unknown } | undefined): number => {
  const version = metadata?.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1
    ? version
    : DEFAULT_SCHEMA_VERSION;
};

/** The current version for a type, or undefined for a type this ledger does not publish. */
export const currentSchemaVersion = (type: string): number | undefined =>
  (CURRENT_SCHEMA_VERSIONS as Record<string, number>)[type];
