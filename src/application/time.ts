/** Today's business date (UTC), for `asOf` when none is given: the one place a clock decides a default. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * An instant as the ledger stamps `recordedAt` (UTC, milliseconds), or undefined when `value` names no
 * instant `Date` can place: ISO 8601 week and ordinal dates (2005-W01-1, 2005-123) are such values.
 */
export const toInstant = (value: string): string | undefined => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** What the ledger knew at `knownAt`: keeps the events recorded at or before it (every event without it). */
export const knownAtFilter = (
  knownAt: string | undefined,
): ((event: { metadata: { recordedAt: string } }) => boolean) => {
  if (!knownAt) return () => true;
  const limit = Date.parse(knownAt);
  return (event) => Date.parse(event.metadata.recordedAt) <= limit;
};
