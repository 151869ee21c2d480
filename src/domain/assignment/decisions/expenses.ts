import { minMoney, money, toUsd, type Money } from '../../shared/money.js';
import type { ApproveExpenseData, ClaimExpenseData, RejectExpenseData } from '../commands.js';
import { addDays, periodBounds, type BusinessDate } from '../../shared/calendar.js';
import type {
  EventData,
  ExchangeRate,
  ExpenseApproved,
  ExpenseCategory,
  ExpenseClaimed,
  ExpenseRejected,
} from '../events.js';
import { clauseOfCategory, violation, type Clause } from '../errors.js';
import { rentCapInForce } from '../balances/exceptions.js';
import { leaseInForce, type AssignmentState, type ExpenseView } from '../state.js';
import {
  compact,
  invalid,
  refuseAfterEnd,
  requirePositive,
  requireStarted,
  requireValidRate,
} from './guards.js';

const HOME_LEAVE_CATEGORIES = new Set(['home-leave-lodging', 'home-leave-vehicle', 'home-leave-meals']);
/** Housing is claimed for months up to and including the month of the end ("After the end"). */
const HOUSING_CATEGORIES = new Set(['housing-rent', 'utilities', 'apartment-services']);
/** The repatriation's own travel costs may be incurred this many days after the end. */
export const REPATRIATION_MEALS_DAYS = 30;

/** The last day an expense of this category may be incurred on, once the assignment has ended on `endedOn`. */
export const lastDayIncurred = (category: ExpenseCategory, endedOn: BusinessDate): BusinessDate => {
  if (category === 'travel-meals-incidentals') return addDays(endedOn, REPATRIATION_MEALS_DAYS);
  if (HOUSING_CATEGORIES.has(category)) return periodBounds(endedOn.slice(0, 7)).last;
  return endedOn;
};

/** Converts a claim's amount to USD at the rate recorded with it, so a replay never looks a rate up. */
const inUsd = (amount: Money, rate: ExchangeRate | undefined, field: string, clause: Clause): Money => {
  if (amount.currency === 'USD') return toUsd(amount);
  if (!rate) {
    return violation(
      'EXPENSE.EXCHANGE_RATE_REQUIRED',
      `${field} is in ${amount.currency}: give the exchange rate (units per USD), its source and date`,
      { clause },
    );
  }
  requireValidRate(rate);
  return toUsd(amount, rate.rate);
};

/** Clause 4: another cabin than economy is reimbursed at most the economy fare. */
const outboundAirfareLimit = (command: ClaimExpenseData, amountUsd: Money): Money => {
  if ((command.cabin ?? 'economy') === 'economy') return amountUsd;
  if (!command.economyFare) {
    return violation(
      'EXPENSE.ECONOMY_FARE_REQUIRED',
      `A ${command.cabin} airfare is reimbursed at most the economy fare: give economyFare`,
      { clause: '4' },
    );
  }
  if (command.economyFare.currency !== 'USD' && command.economyFare.currency !== command.amount.currency) {
    violation(
      'MONEY.CURRENCY_MISMATCH',
      `economyFare must be in USD or in the claim's currency ${command.amount.currency}`,
      { clause: '4' },
    );
  }
  requirePositive(command.economyFare, 'economyFare');
  return minMoney(amountUsd, inUsd(command.economyFare, command.exchangeRate, 'economyFare', '4'));
};

/** Clause 8: rent above the approved monthly amount of the lease in force is not reimbursed. */
const housingRentLimit = (command: ClaimExpenseData, amountUsd: Money, state: AssignmentState): Money => {
  const lease = leaseInForce(state, command.incurredOn);
  if (!lease) {
    return violation('HOUSING.NO_APPROVED_LEASE', `No housing lease is approved for ${command.incurredOn}`);
  }
  return minMoney(amountUsd, rentCapInForce(state.approvedExceptions) ?? lease.approvedMonthlyUsd);
};

export const expenseData = (
  command: ClaimExpenseData,
  state: AssignmentState,
): EventData<'ExpenseClaimed'> => {
  requireStarted(state);
  const clause = clauseOfCategory(command.category);
  if (HOME_LEAVE_CATEGORIES.has(command.category)) {
    violation(
      'HOME_LEAVE.NOT_REIMBURSABLE',
      'Lodging, vehicle rental and meals are not reimbursed during home leave',
      { clause: '10', details: { category: command.category } },
    );
  }
  if (state.ended && command.incurredOn > lastDayIncurred(command.category, state.ended.endedOn)) {
    refuseAfterEnd(state, `An expense incurred on ${command.incurredOn}`, clause, {
      incurredOn: command.incurredOn,
      lastDayIncurred: lastDayIncurred(command.category, state.ended.endedOn),
    });
  }
  if (state.expenses[command.expenseId]) {
    violation('EXPENSE.DUPLICATE_ID', `Expense ${command.expenseId} is already claimed`, { clause });
  }
  requirePositive(command.amount, 'amount');
  const isAirfare = command.category === 'outbound-airfare';
  if (!isAirfare && (command.cabin !== undefined || command.economyFare !== undefined)) {
    invalid('cabin and economyFare apply to outbound-airfare claims only');
  }
  const amountUsd = inUsd(command.amount, command.exchangeRate, 'amount', clause);
  const reimbursableLimitUsd = isAirfare
    ? outboundAirfareLimit(command, amountUsd)
    : command.category === 'housing-rent'
      ? housingRentLimit(command, amountUsd, state)
      : amountUsd;
  return compact({
    expenseId: command.expenseId,
    category: command.category,
    amount: money(command.amount.amount, command.amount.currency),
    exchangeRate: command.amount.currency === 'USD' ? undefined : command.exchangeRate,
    amountUsd,
    incurredOn: command.incurredOn,
    receipts: command.receipts,
    description: command.description,
    cabin: command.cabin,
    economyFare: command.economyFare && money(command.economyFare.amount, command.economyFare.currency),
    reimbursableLimitUsd,
  });
};

export const claimExpense = (command: ClaimExpenseData, state: AssignmentState): ExpenseClaimed => {
  return { type: 'ExpenseClaimed', data: expenseData(command, state) };
};

const undecidedExpense = (state: AssignmentState, expenseId: string): ExpenseView => {
  const expense =
    state.expenses[expenseId] ??
    violation('EXPENSE.UNKNOWN', `No expense ${expenseId} is claimed in this assignment`, {
      details: { expenseId },
    });
  if (expense.status !== 'claimed') {
    violation('EXPENSE.ALREADY_DECIDED', `Expense ${expenseId} is already ${expense.status}`, {
      clause: clauseOfCategory(expense.category),
      details: { expenseId, status: expense.status },
    });
  }
  return expense;
};

export const approveExpense = (command: ApproveExpenseData, state: AssignmentState): ExpenseApproved => {
  requireStarted(state);
  const expense = undecidedExpense(state, command.expenseId);
  if (expense.receipts.length === 0) {
    violation('EXPENSE.RECEIPT_REQUIRED', `Expense ${command.expenseId} has no receipt: approval needs one`, {
      clause: '4',
    });
  }
  return {
    type: 'ExpenseApproved',
    data: {
      expenseId: command.expenseId,
      approvedBy: command.approvedBy,
      approvedOn: command.approvedOn,
      reimbursableUsd: expense.reimbursableLimitUsd,
    },
  };
};

export const rejectExpense = (command: RejectExpenseData, state: AssignmentState): ExpenseRejected => {
  requireStarted(state);
  undecidedExpense(state, command.expenseId);
  return {
    type: 'ExpenseRejected',
    data: compact({
      expenseId: command.expenseId,
      rejectedBy: command.rejectedBy,
      rejectedOn: command.rejectedOn,
      reason: command.reason,
    }),
  };
};
