import { dec, minMoney, money, subtractMoney, type Money } from '../../shared/money.js';
import { poolYearOfDeparture } from '../balances/home-leave.js';
import type { TakeHomeLeaveTripData } from '../commands.js';
import type { EventData, HomeLeaveTripTaken, OtherFareRule } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentPolicy } from '../policy.js';
import { homeLeaveBalance } from '../balances/home-leave.js';
import { otherFareCapInForce } from '../balances/exceptions.js';
import { homeLeaveYear, policyInForce, type AssignmentState, type HomeLeaveYear } from '../state.js';
import {
  compact,
  invalid,
  requireCurrency,
  requireDuringAssignment,
  requireNotEnded,
  requireNotNegative,
  requireStarted,
} from './guards.js';

/** A clause-10 trip: one shared pool per calendar year of departure, no proration, no cash in lieu. */
export const tripData = (
  command: TakeHomeLeaveTripData,
  state: AssignmentState,
): EventData<'HomeLeaveTripTaken'> => {
  requireStarted(state);
  if (command.returnedOn !== undefined && command.returnedOn < command.departedOn) {
    invalid(`The return ${command.returnedOn} precedes the departure ${command.departedOn}`);
  }
  requireNotNegative(command.fare, 'fare');
  if (state.trips[command.tripId]) {
    violation('HOME_LEAVE.DUPLICATE_ID', `Trip ${command.tripId} is already recorded`);
  }
  requireDuringAssignment(state, command.departedOn, 'A home-leave trip', '10');

  const allowed =
    command.traveller === 'employee'
      ? command.destination === 'home' || command.destination === 'other'
      : command.destination === 'host';
  if (!allowed) {
    violation(
      'HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER',
      command.traveller === 'employee'
        ? 'The employee travels home (or to one other destination), not to the host country'
        : 'The spouse travels to the host country',
      { details: { traveller: command.traveller, destination: command.destination } },
    );
  }

  const year = poolYearOfDeparture(command.departedOn);
  const used = homeLeaveYear(state, year);
  const policy = policyInForce(state, year)!;
  if (homeLeaveBalance(used, policy, false).remaining <= 0) {
    violation(
      'HOME_LEAVE.NO_TRIPS_LEFT',
      `All ${policy.homeLeaveTripsPerYear} home-leave trips of ${year} are taken`,
      { details: { year, allowed: policy.homeLeaveTripsPerYear, taken: used.taken } },
    );
  }

  const fare = money(command.fare.amount, command.fare.currency);
  const other =
    command.destination === 'other'
      ? otherDestinationTerms(
          command,
          fare,
          year,
          used,
          policy,
          otherFareCapInForce(state.approvedExceptions),
        )
      : undefined;
  const homeFare =
    other?.homeFare ?? (command.homeFare && money(command.homeFare.amount, command.homeFare.currency));
  const reimbursable = other?.reimbursable ?? fare;
  return compact({
    tripId: command.tripId,
    traveller: command.traveller,
    destination: command.destination,
    departedOn: command.departedOn,
    returnedOn: command.returnedOn,
    fare,
    homeFare,
    year,
    reimbursable,
    notReimbursed: subtractMoney(fare, reimbursable),
    fareRuleApplied: other?.rule,
  });
};

/** Clause 10: one trip a year may go elsewhere, reimbursed up to the home fare (or refused above it). */
const otherDestinationTerms = (
  command: TakeHomeLeaveTripData,
  fare: Money,
  year: number,
  used: HomeLeaveYear,
  policy: AssignmentPolicy,
  exceptionCap: Money | undefined,
): { homeFare: Money; reimbursable: Money; rule: OtherFareRule } => {
  if (used.otherDestination >= policy.otherDestinationTripsPerYear) {
    violation(
      'HOME_LEAVE.OTHER_DESTINATION_USED',
      `The trip to another destination of ${year} is already used`,
      { details: { year, allowed: policy.otherDestinationTripsPerYear, used: used.otherDestination } },
    );
  }
  if (!command.homeFare) {
    return violation(
      'HOME_LEAVE.HOME_FARE_REQUIRED',
      'A trip to another destination needs the economy fare of the trip home',
    );
  }
  requireCurrency(command.homeFare, fare.currency, 'homeFare', '10');
  requireNotNegative(command.homeFare, 'homeFare');
  const homeFare = money(command.homeFare.amount, command.homeFare.currency);
  // An approved other-destination-fare exception (a USD amount) replaces the home fare as the cap.
  if (exceptionCap) requireCurrency(fare, exceptionCap.currency, 'fare', '10');
  const cap = exceptionCap ?? homeFare;
  const rule = policy.otherDestinationFareRule;
  if (rule === 'reject' && dec(fare).gt(dec(cap))) {
    violation(
      'HOME_LEAVE.FARE_ABOVE_HOME_FARE',
      `The fare ${fare.amount} ${fare.currency} exceeds the ${exceptionCap ? 'fare limit in force' : 'home fare'} ${cap.amount} ${cap.currency}`,
      { details: { fare, homeFare, cap, rule } },
    );
  }
  return { homeFare, reimbursable: minMoney(fare, cap), rule };
};

export const takeHomeLeaveTrip = (
  command: TakeHomeLeaveTripData,
  state: AssignmentState,
): HomeLeaveTripTaken => {
  requireNotEnded(state, 'A home-leave trip', '10');
  return { type: 'HomeLeaveTripTaken', data: tripData(command, state) };
};
