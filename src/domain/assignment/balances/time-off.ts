/** Clause 7: US holidays and vacation days per calendar year, less the host holidays observed. */
import { yearOf, type BusinessDate } from '../../shared/calendar.js';
import type { AssignmentPolicy } from '../policy.js';

export interface DaysOffTally {
  holidays: number;
  vacation: number;
}

export const NO_DAYS_OFF: DaysOffTally = { holidays: 0, vacation: 0 };

/** A host holiday counts in the year of its date, a vacation in the year it starts. */
export const yearOfHoliday = (holiday: { date: BusinessDate }): number => yearOf(holiday.date);
export const yearOfVacation = (vacation: { from: BusinessDate }): number => yearOf(vacation.from);

export const tallyHoliday = (t: DaysOffTally, sign: 1 | -1): DaysOffTally => ({
  ...t,
  holidays: t.holidays + sign,
});

export const tallyVacation = (t: DaysOffTally, vacation: { days: number }, sign: 1 | -1): DaysOffTally => ({
  ...t,
  vacation: t.vacation + sign * vacation.days,
});

/** The tallies of these holidays and vacations at once, by calendar year (the entitlements query's way). */
export const tallyDaysOff = (
  holidays: Iterable<{ date: BusinessDate }>,
  vacations: Iterable<{ from: BusinessDate; days: number }>,
): Map<number, DaysOffTally> => {
  const byYear = new Map<number, DaysOffTally>();
  const of = (year: number): DaysOffTally => {
    let t = byYear.get(year);
    if (!t) byYear.set(year, (t = { ...NO_DAYS_OFF }));
    return t;
  };
  for (const h of holidays) of(yearOfHoliday(h)).holidays += 1;
  for (const v of vacations) of(yearOfVacation(v)).vacation += v.days;
  return byYear;
};

export interface VacationBalance {
  /** US holidays + vacation days, not prorated for a partial year. */
  entitlement: number;
  holidaysObserved: number;
  vacationTaken: number;
  /** entitlement - holidays - vacation; negative when more was taken than the US entitlement. */
  left: number;
}

export const vacationBalance = (
  t: DaysOffTally,
  policy: Pick<AssignmentPolicy, 'usHolidaysAndVacationDays'>,
): VacationBalance => ({
  entitlement: policy.usHolidaysAndVacationDays,
  holidaysObserved: t.holidays,
  vacationTaken: t.vacation,
  left: policy.usHolidaysAndVacationDays - t.holidays - t.vacation,
});
