/** The close of the letter: the return airfreight fund, deposits less draws. */
import { Decimal } from 'decimal.js';
import { addMoney, dec, roundMoney, subtractMoney, zero, type Money } from '../../shared/money.js';

export interface FundTally {
  deposited: Money;
  drawn: Money;
}

export const emptyFund = (currency: string): FundTally => ({
  deposited: zero(currency),
  drawn: zero(currency),
});

const moved = (total: Money, amount: Money, sign: 1 | -1): Money =>
  sign === 1 ? addMoney(total, amount) : subtractMoney(total, amount);

export const tallyDeposit = (t: FundTally, amount: Money, sign: 1 | -1): FundTally => ({
  ...t,
  deposited: moved(t.deposited, amount, sign),
});

export const tallyDraw = (t: FundTally, amount: Money, sign: 1 | -1): FundTally => ({
  ...t,
  drawn: moved(t.drawn, amount, sign),
});

/** The tally of these movements at once, all in `currency` (the entitlements query's way: one sum each). */
export const tallyFund = (
  deposits: Iterable<{ amount: Money }>,
  draws: Iterable<{ amount: Money }>,
  currency: string,
): FundTally => {
  const sum = (movements: Iterable<{ amount: Money }>): Money => {
    let total = new Decimal(0);
    for (const m of movements) total = total.plus(m.amount.amount);
    return roundMoney(total, currency);
  };
  return { deposited: sum(deposits), drawn: sum(draws) };
};

export interface FundBalance {
  deposited: Money;
  drawn: Money;
  balance: Money;
}

export const fundBalance = (t: FundTally): FundBalance => ({
  deposited: t.deposited,
  drawn: t.drawn,
  balance: subtractMoney(t.deposited, t.drawn),
});

export const isOverdrawn = (t: FundTally): boolean => dec(t.drawn).gt(dec(t.deposited));
