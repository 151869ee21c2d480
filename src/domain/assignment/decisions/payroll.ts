import { dec, money, prorate, subtractMoney } from '../../shared/money.js';
import { isPeriod, overlapDays, periodBounds, yearOf } from '../../shared/calendar.js';
import type { PaySalaryData, SettleTaxEqualizationData } from '../commands.js';
import type { EventData, SalaryPaid, TaxEqualizationSettled } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import {
  compact,
  invalid,
  requireCurrency,
  refuseAfterEnd,
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
  if (state.ended && command.period > state.ended.endedOn.slice(0, 7)) {
    refuseAfterEnd(state, `The salary of ${command.period}`, '2', { period: command.period });
  }
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
  return { type: 'SalaryPaid', data: salaryData(command, state) };
};

/** Clauses 1 and 3: the outside provider's settlement is recorded as given, not computed. */
export const taxEqualizationData = (
  command: SettleTaxEqualizationData,
  state: AssignmentState,
): EventData<'TaxEqualizationSettled'> => {
  const assignment = requireStarted(state);
  if (!Number.isInteger(command.taxYear)) invalid('taxYear must be a year');
  const firstYear = yearOf(assignment.effectiveDate);
  if (command.taxYear < firstYear) {
    violation(
      'ASSIGNMENT.NOT_ACTIVE',
      `Tax year ${command.taxYear} precedes the assignment, which began in ${firstYear}`,
      { clause: '1', details: { taxYear: command.taxYear, firstTaxYear: firstYear } },
    );
  }
  if (state.ended && command.taxYear > yearOf(state.ended.endedOn)) {
    refuseAfterEnd(state, `A tax equalization settlement of tax year ${command.taxYear}`, '1', {
      taxYear: command.taxYear,
      lastTaxYear: yearOf(state.ended.endedOn),
    });
  }
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
  return { type: 'TaxEqualizationSettled', data: taxEqualizationData(command, state) };
};
