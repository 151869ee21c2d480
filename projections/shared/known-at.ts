/**
 * "What did the ledger know at T": a fact counts when it was recorded at or before `knownAt`
 * (an ISO 8601 instant) and, if given, at or before global position `knownAtPosition`.
 */
import { toDayNumber } from '../../src/domain/shared/calendar.js';

const INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch (fractions kept), by arithmetic: no Date, so neither the clock nor the
 * machine's time zone can change an answer. A time without a zone is read as UTC.
 */
export const instantMs = (iso: string): number => {
  const m = INSTANT.exec(iso.trim());
  if (!m) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
  const [, date, hh = '0', mi = '0', ss = '0', frac = '', zone = 'Z'] = m;
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  // Whole milliseconds as an integer, so equal instants written differently compare equal.
  const fracMs = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) + Number(`0.${frac.slice(3) || '0'}`) : 0;
  return (
    ((toDayNumber(date!) * 24 + Number(hh)) * 60 + Number(mi) - offsetMin) * 60_000 +
    Number(ss) * 1000 +
    fracMs
  );
};

export const isInstant = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    return Number.isFinite(instantMs(value));
  } catch {
    return false;
  }
};

export interface KnownAtOptions {
  knownAt?: string;
  knownAtPosition?: number;
}

/** A predicate on envelope facts; `undefined` options mean "everything recorded so far". */
export const knownFilter = (
  options: KnownAtOptions,
): ((fact: { recordedAt: string; position: number }) => boolean) => {
  const limitMs = options.knownAt === undefined ? undefined : instantMs(options.knownAt);
  const limitPos = options.knownAtPosition;
  if (limitMs === undefined && limitPos === undefined) return () => true;
  return (fact) =>
    (limitPos === undefined || fact.position <= limitPos) &&
    (limitMs === undefined || instantMs(fact.recordedAt) <= limitMs);
};
