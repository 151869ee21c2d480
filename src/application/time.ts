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
