import { describe, expect, it } from '@jest/globals';
import { vacationDaysLeft, type AssignmentCommand } from '../../../src/domain/assignment/index.js';
import { started } from './fixtures.js';
import { given } from './specification.js';

const holiday = (date: string, name = 'host holiday') => ({
  type: 'HostHolidayObserved' as const,
  data: { date, name },
});
const tenHolidays = [
  '2005-02-09',
  '2005-02-10',
  '2005-02-11',
  '2005-05-01',
  '2005-05-02',
  '2005-05-03',
  '2005-10-01',
  '2005-10-02',
  '2005-10-03',
  '2005-10-04',
].map((date) => holiday(date));
const vacation = (from: string, to: string, days: number): AssignmentCommand => ({
  type: 'TakeVacation',
  data: { from, to, days },
});
const longer = started({ expectedEndDate: '2006-06-30' });

describe('holidays and vacation equal to the US entitlement, per calendar year (clause 7)', () => {
  it('observes host holidays and counts them against the year', () => {
    given([longer])
      .when({ type: 'ObserveHostHoliday', data: { date: '2005-02-09', name: 'Spring Festival' } })
      .thenState((s) => expect(vacationDaysLeft(s, 2005)).toBe(24));
  });

  it('leaves 25 - holidays - vacation days: 15 after ten holidays, and refuses the 16th', () => {
    const history = [longer, ...tenHolidays];
    expect(vacationDaysLeft(given(history).state, 2005)).toBe(15);
    given(history)
      .when(vacation('2005-08-01', '2005-08-19', 15))
      .then([{ type: 'VacationTaken', data: { from: '2005-08-01', to: '2005-08-19', days: 15 } }]);
    const violation = given(history)
      .when(vacation('2005-08-01', '2005-08-22', 16))
      .thenThrows('VACATION.NOT_ENOUGH_DAYS', '7');
    expect(violation.details).toEqual({ year: 2005, left: 15, requested: 16 });
  });

  it('starts every calendar year afresh, counting a vacation in the year it starts', () => {
    const history = [
      longer,
      ...tenHolidays,
      { type: 'VacationTaken' as const, data: { from: '2005-12-19', to: '2006-01-06', days: 15 } },
    ];
    given(history)
      .when(vacation('2005-12-30', '2005-12-30', 1))
      .thenThrows('VACATION.NOT_ENOUGH_DAYS');
    given(history)
      .when(vacation('2006-02-01', '2006-03-08', 25))
      .thenState((s) => expect(vacationDaysLeft(s, 2006)).toBe(0));
  });

  it('records a host holiday once per date, during the assignment', () => {
    given([longer, holiday('2005-05-01')])
      .when({ type: 'ObserveHostHoliday', data: { date: '2005-05-01', name: 'Labour Day' } })
      .thenThrows('HOLIDAY.ALREADY_OBSERVED', '7');
    given([longer])
      .when({ type: 'ObserveHostHoliday', data: { date: '2005-01-01', name: 'New Year' } })
      .thenThrows('ASSIGNMENT.NOT_ACTIVE', '7');
  });

  it('takes between 1 and the calendar days of the range', () => {
    given([longer])
      .when(vacation('2005-08-05', '2005-08-01', 1))
      .thenThrows('COMMAND.INVALID');
    given([longer])
      .when(vacation('2005-08-01', '2005-08-03', 4))
      .thenThrows('COMMAND.INVALID');
    given([longer])
      .when(vacation('2005-08-01', '2005-08-03', 0))
      .thenThrows('COMMAND.INVALID');
  });
});
