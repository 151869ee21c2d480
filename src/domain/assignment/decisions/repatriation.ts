import { dec, money, subtractMoney } from '../../shared/money.js';
import type {
  DepositReturnAirfreightFundData,
  DrawReturnAirfreightFundData,
  RecordRepatriationTravelData,
} from '../commands.js';
import type {
  EventData,
  RepatriationTravelled,
  ReturnAirfreightFundDeposited,
  ReturnAirfreightFundDrawn,
} from '../events.js';
import { violation } from '../errors.js';
import { normalizeName, returnAirfreightFundBalance, type AssignmentState } from '../state.js';
import { invalid, requireCurrency, requireNotNegative, requirePositive, requireStarted } from './guards.js';

/** Intro: economy airfare home for the employee and the accompanying family, whatever the end reason. */
export const repatriationData = (
  command: RecordRepatriationTravelData,
  state: AssignmentState,
): EventData<'RepatriationTravelled'> => {
  const assignment = requireStarted(state);
  if (command.travellers.length === 0) invalid('Name at least one traveller');
  const names = command.travellers.map(normalizeName);
  if (new Set(names).size !== names.length) invalid('A traveller is named twice');
  if (command.travelledOn < assignment.effectiveDate) {
    violation(
      'ASSIGNMENT.NOT_ACTIVE',
      `Repatriation on ${command.travelledOn} precedes the effective date ${assignment.effectiveDate}`,
    );
  }
  const known = [assignment.employee.name, ...assignment.accompanyingFamily.map((member) => member.name)];
  const knownNames = new Set(known.map(normalizeName));
  const unknown = command.travellers.filter((name) => !knownNames.has(normalizeName(name)));
  if (unknown.length > 0) {
    violation(
      'REPATRIATION.UNKNOWN_TRAVELLER',
      `Only the employee and the accompanying family are flown home; not: ${unknown.join(', ')}`,
      { details: { unknown, eligible: known } },
    );
  }
  const already = command.travellers.filter((name) => state.repatriated[normalizeName(name)] !== undefined);
  if (already.length > 0) {
    violation('REPATRIATION.ALREADY_TRAVELLED', `Already flown home: ${already.join(', ')}`, {
      details: { travellers: already },
    });
  }
  requireNotNegative(command.fare, 'fare');
  return {
    travelledOn: command.travelledOn,
    travellers: command.travellers,
    fare: money(command.fare.amount, command.fare.currency),
  };
};

export const recordRepatriationTravel = (
  command: RecordRepatriationTravelData,
  state: AssignmentState,
): RepatriationTravelled => ({ type: 'RepatriationTravelled', data: repatriationData(command, state) });

export const depositData = (
  command: DepositReturnAirfreightFundData,
  state: AssignmentState,
): EventData<'ReturnAirfreightFundDeposited'> => {
  const { policy } = requireStarted(state);
  requireCurrency(command.amount, policy.reimbursementCurrency, 'amount', 'intro');
  requirePositive(command.amount, 'amount');
  return { depositedOn: command.depositedOn, amount: money(command.amount.amount, command.amount.currency) };
};

export const depositReturnAirfreightFund = (
  command: DepositReturnAirfreightFundData,
  state: AssignmentState,
): ReturnAirfreightFundDeposited => ({
  type: 'ReturnAirfreightFundDeposited',
  data: depositData(command, state),
});

export const drawData = (
  command: DrawReturnAirfreightFundData,
  state: AssignmentState,
): EventData<'ReturnAirfreightFundDrawn'> => {
  const { policy } = requireStarted(state);
  requireCurrency(command.amount, policy.reimbursementCurrency, 'amount', 'intro');
  requirePositive(command.amount, 'amount');
  const balance = returnAirfreightFundBalance(state);
  if (dec(command.amount).gt(dec(balance))) {
    violation(
      'FUND.INSUFFICIENT',
      `The return airfreight fund holds ${balance.amount} ${balance.currency}; ${command.amount.amount} asked`,
      {
        details: {
          balance,
          shortfall: subtractMoney(money(command.amount.amount, balance.currency), balance),
        },
      },
    );
  }
  return {
    drawnOn: command.drawnOn,
    amount: money(command.amount.amount, command.amount.currency),
    description: command.description,
  };
};

export const drawReturnAirfreightFund = (
  command: DrawReturnAirfreightFundData,
  state: AssignmentState,
): ReturnAirfreightFundDrawn => ({ type: 'ReturnAirfreightFundDrawn', data: drawData(command, state) });
