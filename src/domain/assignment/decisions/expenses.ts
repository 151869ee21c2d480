import { minMoney, money, toUsd, type Money } from '../../shared/money.js';
import type { ApproveExpenseData, ClaimExpenseData, RejectExpenseData } from '../commands.js';
import type { EventData, ExchangeRate, ExpenseApproved, ExpenseClaimed, ExpenseRejected } from '../events.js';
import { clauseOfCategory, violation, type Clause } from '../errors.js';
import { leaseInForce, type AssignmentState, type ExpenseView } from '../state.js';
import {
  compact,
  invalid,
  requireNotEnded,
  requirePositive,
  requireStarted,
  requireValidRate,
} from './guards.js';

const HOME_LEAVE_CATEGORIES = new Set(['home-leave-lodging', 'home-leave-vehicle', 'home-leave-meals']);

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
  return minMoney(amountUsd, lease.approvedMonthlyUsd);
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
  requireNotEnded(state, 'An expense claim');
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
  requireNotEnded(state, 'An expense approval');
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
  requireNotEnded(state, 'An expense rejection');
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
