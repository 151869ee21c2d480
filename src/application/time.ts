/** Today's business date (UTC), for `asOf` when none is given: the one place a clock decides a default. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * An instant as the ledger stamps `recordedAt` (UTC, milliseconds), or undefined when `value` names no
 * instant `Date` can place: ISO 8601 week and ordinal dates (2005-W01-1, 2005-123) are such values, and
 * so is an instant whose UTC year is not four digits (9999-12-31T23:59-14:00 is +010000-01-01 in UTC,
 * which `recordedAt` never is and the projections' instant reader refuses).
 */
export const toInstant = (value: string): string | undefined => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
};

/** What the ledger knew at `knownAt`: keeps the events recorded at or before it (every event without it). */
export const knownAtFilter = (
  knownAt: string | undefined,
): ((event: { metadata: { recordedAt: string } }) => boolean) => {
  if (!knownAt) return () => true;
  const limit = Date.parse(knownAt);
  return (event) => Date.parse(event.metadata.recordedAt) <= limit;
};
