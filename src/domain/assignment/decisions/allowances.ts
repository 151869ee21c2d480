import { dec, money } from '../../shared/money.js';
import type { AssignmentCommandType, CommandData } from '../commands.js';
import { EVENTS, type AssignmentEvent, type CommandOfEvent, type EventData } from '../events.js';
import { violation } from '../errors.js';
import { ONE_OFF_EVENT_TYPES, ONE_OFF_PAYMENTS, type OneOffEventType } from '../one-off-payments.js';
import type { AssignmentState } from '../state.js';
import { requireCurrency, requireNotEnded, requirePositive, requireStarted } from './guards.js';

type OneOffInput = { paidOn: string; amount?: EventData<OneOffEventType>['amount'] | undefined };

const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A one-off payment (clause 9's allowance...): once per assignment, at most the policy's amount. */
export const oneOffData =
  (type: OneOffEventType) =>
  (command: OneOffInput, state: AssignmentState): EventData<OneOffEventType> => {
    const { term, name } = ONE_OFF_PAYMENTS[type];
    const { clause } = EVENTS[type];
    const { policy } = requireStarted(state);
    const paid = state[term];
    if (paid) {
      violation('ALLOWANCE.ALREADY_PAID', `The ${name} was already paid on ${paid.paidOn}`, {
        clause,
        details: { paidOn: paid.paidOn, amount: paid.amount },
      });
    }
    const granted = policy[term];
    if (dec(granted).isZero()) {
      violation('ALLOWANCE.ABOVE_POLICY', `This assignment's policy grants no ${name}`, {
        clause,
        details: { policyAmount: granted },
      });
    }
    const requested = command.amount ?? granted;
    requireCurrency(requested, granted.currency, 'amount', clause);
    requirePositive(requested, 'amount');
    if (dec(requested).gt(dec(granted))) {
      violation(
        'ALLOWANCE.ABOVE_POLICY',
        `The ${name} is ${granted.amount} ${granted.currency}; ${requested.amount} asked`,
        { clause, details: { policyAmount: granted } },
      );
    }
    return { paidOn: command.paidOn, amount: money(requested.amount, requested.currency) };
  };

type OneOffCommand = CommandOfEvent[OneOffEventType];
type Decision<C extends AssignmentCommandType> = (
  data: CommandData<C>,
  state: AssignmentState,
) => AssignmentEvent;

/** The decision of each one-off payment's command. */
export const ONE_OFF_DECISIONS = Object.fromEntries(
  ONE_OFF_EVENT_TYPES.map((type) => [
    EVENTS[type].command,
    (command: OneOffInput, state: AssignmentState) => {
      requireNotEnded(state, capitalized(`the ${ONE_OFF_PAYMENTS[type].name}`), EVENTS[type].clause);
      return { type, data: oneOffData(type)(command, state) };
    },
  ]),
) as { [C in OneOffCommand]: Decision<C> };

/** How a correction of a one-off payment is decided again. */
export const ONE_OFF_CORRECTIONS = Object.fromEntries(
  ONE_OFF_EVENT_TYPES.map((type) => [
    type,
    {
      inputOf: (d: EventData<OneOffEventType>) => ({ paidOn: d.paidOn, amount: d.amount }),
      build: oneOffData(type),
    },
  ]),
) as {
  [T in OneOffEventType]: {
    inputOf(data: EventData<T>): OneOffInput;
    build(input: OneOffInput, state: AssignmentState): EventData<T>;
  };
};
