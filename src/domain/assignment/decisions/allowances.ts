import { dec, money } from '../../shared/money.js';
import type { PayMiscellaneousAllowanceData } from '../commands.js';
import type { EventData, MiscellaneousAllowancePaid } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import { requireCurrency, requireNotEnded, requirePositive, requireStarted } from './guards.js';

/** Clause 9: the miscellaneous allowance, once per assignment, at most the policy's amount. */
export const allowanceData = (
  command: PayMiscellaneousAllowanceData,
  state: AssignmentState,
): EventData<'MiscellaneousAllowancePaid'> => {
  const { policy } = requireStarted(state);
  const paid = state.miscellaneousAllowance;
  if (paid) {
    violation('ALLOWANCE.ALREADY_PAID', `The miscellaneous allowance was already paid on ${paid.paidOn}`, {
      details: { paidOn: paid.paidOn, amount: paid.amount },
    });
  }
  const granted = policy.miscellaneousAllowance;
  const requested = command.amount ?? granted;
  requireCurrency(requested, granted.currency, 'amount', '9');
  requirePositive(requested, 'amount');
  if (dec(requested).gt(dec(granted))) {
    violation(
      'ALLOWANCE.ABOVE_POLICY',
      `The miscellaneous allowance is ${granted.amount} ${granted.currency}; ${requested.amount} asked`,
      { details: { policyAmount: granted } },
    );
  }
  return { paidOn: command.paidOn, amount: money(requested.amount, requested.currency) };
};

export const payMiscellaneousAllowance = (
  command: PayMiscellaneousAllowanceData,
  state: AssignmentState,
): MiscellaneousAllowancePaid => {
  requireNotEnded(state, 'The miscellaneous allowance');
  return { type: 'MiscellaneousAllowancePaid', data: allowanceData(command, state) };
};
