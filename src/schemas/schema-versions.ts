import {
  ASSIGNMENT_EVENT_TYPES,
  currentVersionOf,
  type AssignmentEventType,
} from '../domain/assignment/events.js';

/**
 * The version of each event type's data that the ledger writes today (metadata.schemaVersion) and that
 * the feed delivers: anything older is upcast on read (upcasters.ts). An event without a version is 1.
 * Derived from the declarations in events.ts (a type's older shapes, plus one).
 */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<AssignmentEventType, number>> = Object.fromEntries(
  ASSIGNMENT_EVENT_TYPES.map((type) => [type, currentVersionOf(type)]),
) as Record<AssignmentEventType, number>;

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
