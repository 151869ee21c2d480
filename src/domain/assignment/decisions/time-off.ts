import { daysBetween, yearOf } from '../../shared/calendar.js';
import type { ObserveHostHolidayData, TakeVacationData } from '../commands.js';
import type { EventData, HostHolidayObserved, VacationTaken } from '../events.js';
import { violation } from '../errors.js';
import { vacationDaysLeft, type AssignmentState } from '../state.js';
import { invalid, requireDuringAssignment, requireNotEnded, requireStarted } from './guards.js';

/** Clause 7: host holidays are observed as they come; they reduce the vacation left in their year. */
export const holidayData = (
  command: ObserveHostHolidayData,
  state: AssignmentState,
): EventData<'HostHolidayObserved'> => {
  requireStarted(state);
  requireDuringAssignment(state, command.date, 'A host holiday', '7');
  if (state.holidays[command.date] !== undefined) {
    violation('HOLIDAY.ALREADY_OBSERVED', `A host holiday is already recorded on ${command.date}`);
  }
  return { date: command.date, name: command.name };
};

export const observeHostHoliday = (
  command: ObserveHostHolidayData,
  state: AssignmentState,
): HostHolidayObserved => {
  requireNotEnded(state, 'A host holiday', '7');
  return { type: 'HostHolidayObserved', data: holidayData(command, state) };
};

/**
 * Clause 7: holidays and vacation together equal the US entitlement per calendar year; a vacation
 * counts in the year it starts and may not take more days than are left.
 */
export const vacationData = (
  command: TakeVacationData,
  state: AssignmentState,
): EventData<'VacationTaken'> => {
  requireStarted(state);
  if (command.to < command.from) invalid(`The vacation ends ${command.to} before it starts ${command.from}`);
  const span = daysBetween(command.from, command.to) + 1;
  if (!Number.isInteger(command.days) || command.days < 1 || command.days > span) {
    invalid(`days must be a whole number from 1 to ${span}, the days from ${command.from} to ${command.to}`);
  }
  requireDuringAssignment(state, command.from, 'A vacation', '7');
  const year = yearOf(command.from);
  const left = vacationDaysLeft(state, year);
  if (command.days > left) {
    violation(
      'VACATION.NOT_ENOUGH_DAYS',
      `${command.days} vacation days asked, ${Math.max(left, 0)} left in ${year}`,
      { details: { year, left: Math.max(left, 0), requested: command.days } },
    );
  }
  return { from: command.from, to: command.to, days: command.days };
};

export const takeVacation = (command: TakeVacationData, state: AssignmentState): VacationTaken => {
  requireNotEnded(state, 'A vacation', '7');
  return { type: 'VacationTaken', data: vacationData(command, state) };
};
