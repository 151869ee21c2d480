/** Business dates are plain `YYYY-MM-DD` strings; they compare lexically. No clock is read here. */
export type BusinessDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date (rejects 2005-02-30). */
export const isBusinessDate = (value: unknown): value is BusinessDate => {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;

/** Days since 1970-01-01 (proleptic Gregorian), pure arithmetic: no Date object, no clock. */
export const toDayNumber = (date: BusinessDate): number => {
  let y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

export const fromDayNumber = (days: number): BusinessDate => {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};

export const yearOf = (date: BusinessDate): number => Number(date.slice(0, 4));

export const addDays = (date: BusinessDate, days: number): BusinessDate =>
  fromDayNumber(toDayNumber(date) + days);

/** Whole days from a to b (b - a). */
export const daysBetween = (a: BusinessDate, b: BusinessDate): number => toDayNumber(b) - toDayNumber(a);

export const addYears = (date: BusinessDate, years: number): BusinessDate => {
  const y = yearOf(date) + years;
  const md = date.slice(5);
  return md === '02-29' && daysInMonth(y, 2) === 28 ? `${y}-02-28` : `${y}${date.slice(4)}`;
};

export const minDate = (a: BusinessDate, b: BusinessDate): BusinessDate => (a <= b ? a : b);
export const maxDate = (a: BusinessDate, b: BusinessDate): BusinessDate => (a >= b ? a : b);

/** A pay period `YYYY-MM`. */
export type Period = string;

export const isPeriod = (value: unknown): value is Period =>
  typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** First and last day of a `YYYY-MM` period, and how many days it has. */
export const periodBounds = (period: Period): { first: BusinessDate; last: BusinessDate; days: number } => {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  const days = daysInMonth(year, month);
  return { first: `${period}-01`, last: `${period}-${String(days).padStart(2, '0')}`, days };
};

/** Days common to two inclusive ranges [aFrom, aTo] and [bFrom, bTo] (0 when they do not meet). */
export const overlapDays = (
  aFrom: BusinessDate,
  aTo: BusinessDate,
  bFrom: BusinessDate,
  bTo: BusinessDate,
): number => Math.max(0, daysBetween(maxDate(aFrom, bFrom), minDate(aTo, bTo)) + 1);
