const DAY_MS = 86_400_000;
let day = { starts: 0, ends: 0, date: '' };

/**
 * Today's business date (UTC), for `asOf` when none is given: the one place a clock decides a default.
 * Formatted once per day (every cached read asks for it); a clock set back is noticed too.
 */
export const today = (): string => {
  const now = Date.now();
  if (now < day.starts || now >= day.ends) {
    const starts = now - (now % DAY_MS);
    day = { starts, ends: starts + DAY_MS, date: new Date(starts).toISOString().slice(0, 10) };
  }
  return day.date;
};

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
