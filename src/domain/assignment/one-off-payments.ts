/**
 * Terms paid once per assignment, up to an amount that is itself a policy term (clause 9's miscellaneous
 * allowance; a signing or relocation bonus of another letter). A line here is all the decider, the
 * corrections, the entitlements and the audit timeline need: the event is declared in events.ts (data
 * `{paidOn, amount}`, input `{paidOn, amount?}`) and the amount as a policy term in policy.ts.
 */
import type { Money } from '../shared/money.js';
import type { CorrectableEventType } from './events.js';
import type { AssignmentPolicy, PolicyTerm } from './policy.js';

type MoneyTerm = { [K in PolicyTerm]: AssignmentPolicy[K] extends Money ? K : never }[PolicyTerm];

interface OneOffPayment {
  /** The policy term holding the most that may be paid; also the state's and the read model's name for it. */
  term: MoneyTerm;
  /** Its key under `allowances` in the entitlements answer. */
  answer: string;
  /** How a sentence names it: "the miscellaneous allowance was already paid". */
  name: string;
}

export const ONE_OFF_PAYMENTS = {
  MiscellaneousAllowancePaid: {
    term: 'miscellaneousAllowance',
    answer: 'miscellaneous',
    name: 'miscellaneous allowance',
  },
  RelocationBonusPaid: { term: 'relocationBonus', answer: 'relocationBonus', name: 'relocation bonus' },
} as const satisfies Partial<Record<CorrectableEventType, OneOffPayment>>;

export type OneOffEventType = keyof typeof ONE_OFF_PAYMENTS;
export type OneOffTerm = (typeof ONE_OFF_PAYMENTS)[OneOffEventType]['term'];
export type OneOffAnswer = (typeof ONE_OFF_PAYMENTS)[OneOffEventType]['answer'];

export const ONE_OFF_EVENT_TYPES = Object.keys(ONE_OFF_PAYMENTS) as OneOffEventType[];

const ONE_OFF_TYPES = new Set<string>(ONE_OFF_EVENT_TYPES);
export const isOneOffType = (type: string): type is OneOffEventType => ONE_OFF_TYPES.has(type);

/** What the state and the entitlements know of a one-off payment: the one in force, or none. */
export interface PaidOnce {
  eventId: string;
  paidOn: string;
  amount: Money;
}
