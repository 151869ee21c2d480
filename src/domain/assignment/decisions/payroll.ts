import { dec, money, prorate, subtractMoney } from '../../shared/money.js';
import { isPeriod, overlapDays, periodBounds } from '../../shared/calendar.js';
import type { PaySalaryData, SettleTaxEqualizationData } from '../commands.js';
import type { EventData, SalaryPaid, TaxEqualizationSettled } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import {
  compact,
  invalid,
  requireCurrency,
  requireNotEnded,
  requireNotNegative,
  requirePositive,
  requireStarted,
} from './guards.js';

/**
 * Clause 2: the month's gross is the base salary prorated by calendar days on assignment (the effective
 * date and the last day both count), rounded half-up to the cent once. Until the end is recorded the
 * expected end date bounds the last month.
 */
export const salaryData = (command: PaySalaryData, state: AssignmentState): EventData<'SalaryPaid'> => {
  const assignment = requireStarted(state);
  if (!isPeriod(command.period)) invalid(`period must be YYYY-MM, not ${command.period}`);
  const paid = state.salaries[command.period];
  if (paid) {
    violation('SALARY.ALREADY_PAID', `The salary of ${command.period} is already paid`, {
      details: { period: command.period },
    });
  }
  const lastDay = state.ended?.endedOn ?? state.expectedEndDate ?? assignment.expectedEndDate;
  const month = periodBounds(command.period);
  const daysWorked = overlapDays(month.first, month.last, assignment.effectiveDate, lastDay);
  if (daysWorked === 0) {
    violation(
      'SALARY.OUTSIDE_ASSIGNMENT',
      `${command.period} has no day between ${assignment.effectiveDate} and ${lastDay}`,
      { details: { effectiveDate: assignment.effectiveDate, lastDay } },
    );
  }
  const base = assignment.baseSalaryMonthly;
  const gross = prorate(base, daysWorked, month.days);
  requireCurrency(command.hypotheticalTax, base.currency, 'hypotheticalTax', '2');
  requireNotNegative(command.hypotheticalTax, 'hypotheticalTax');
  const hypotheticalTax = money(command.hypotheticalTax.amount, command.hypotheticalTax.currency);
  if (dec(hypotheticalTax).gt(dec(gross))) {
    violation(
      'SALARY.TAX_ABOVE_GROSS',
      `The hypothetical tax ${hypotheticalTax.amount} exceeds the gross ${gross.amount}`,
      { details: { gross, hypotheticalTax } },
    );
  }
  return {
    period: command.period,
    paidOn: command.paidOn,
    daysWorked,
    daysInMonth: month.days,
    gross,
    hypotheticalTax,
    net: subtractMoney(gross, hypotheticalTax),
  };
};

export const paySalary = (command: PaySalaryData, state: AssignmentState): SalaryPaid => {
  requireNotEnded(state, 'A salary payment');
  return { type: 'SalaryPaid', data: salaryData(command, state) };
};

/** Clauses 1 and 3: the outside provider's settlement is recorded as given, not computed. */
export const taxEqualizationData = (
  command: SettleTaxEqualizationData,
  state: AssignmentState,
): EventData<'TaxEqualizationSettled'> => {
  requireStarted(state);
  if (!Number.isInteger(command.taxYear)) invalid('taxYear must be a year');
  requirePositive(command.amount, 'amount');
  return compact({
    taxYear: command.taxYear,
    amount: money(command.amount.amount, command.amount.currency),
    direction: command.direction,
    settledOn: command.settledOn,
    provider: command.provider,
  });
};

export const settleTaxEqualization = (
  command: SettleTaxEqualizationData,
  state: AssignmentState,
): TaxEqualizationSettled => {
  requireNotEnded(state, 'A tax equalization settlement');
  return { type: 'TaxEqualizationSettled', data: taxEqualizationData(command, state) };
};
