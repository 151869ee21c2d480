import { minMoney, money, toUsd } from '../../shared/money.js';
import type { ApproveHousingLeaseData } from '../commands.js';
import type { EventData, HousingLeaseApproved } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import {
  compact,
  requireCurrency,
  requireNotEnded,
  requirePositive,
  requireStarted,
  requireValidRate,
} from './guards.js';

/** Clause 8: the approved monthly rent is the rent in USD, capped at comparable US housing. */
export const leaseData = (
  command: ApproveHousingLeaseData,
  state: AssignmentState,
): EventData<'HousingLeaseApproved'> => {
  requireStarted(state);
  if (state.leases[command.leaseId]) {
    violation('HOUSING.DUPLICATE_ID', `Lease ${command.leaseId} is already approved`);
  }
  requirePositive(command.monthlyRent, 'monthlyRent');
  requirePositive(command.comparableUsCap, 'comparableUsCap');
  requireCurrency(command.comparableUsCap, 'USD', 'comparableUsCap', '8');
  const isUsd = command.monthlyRent.currency === 'USD';
  if (!isUsd) {
    if (!command.exchangeRate) {
      violation(
        'HOUSING.EXCHANGE_RATE_REQUIRED',
        `The rent is in ${command.monthlyRent.currency}: give the exchange rate (units per USD), its source and date`,
      );
    } else requireValidRate(command.exchangeRate);
  }
  const rentUsd = toUsd(command.monthlyRent, command.exchangeRate?.rate);
  const comparableUsCap = money(command.comparableUsCap.amount, 'USD');
  return compact({
    leaseId: command.leaseId,
    approvedOn: command.approvedOn,
    effectiveFrom: command.effectiveFrom,
    monthlyRent: money(command.monthlyRent.amount, command.monthlyRent.currency),
    comparableUsCap,
    approvedMonthlyUsd: minMoney(rentUsd, comparableUsCap),
    exchangeRate: isUsd ? undefined : command.exchangeRate,
  });
};

export const approveHousingLease = (
  command: ApproveHousingLeaseData,
  state: AssignmentState,
): HousingLeaseApproved => {
  requireNotEnded(state, 'A housing lease', '8');
  return { type: 'HousingLeaseApproved', data: leaseData(command, state) };
};
