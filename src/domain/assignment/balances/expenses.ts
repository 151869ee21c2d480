/** Reimbursable amounts (clauses 4-11): each claim in USD, counted by its decision. */
import { Decimal } from 'decimal.js';
import { roundMoney, type Money } from '../../shared/money.js';
import { EXPENSE_CATEGORIES, type ExpenseCategory } from '../events.js';

export type ExpenseStatus = 'claimed' | 'approved' | 'rejected';

export interface CountedClaim {
  category: ExpenseCategory;
  /** In the reimbursement currency. */
  amountUsd: Money;
  status: ExpenseStatus;
  /** What the approval granted (the claim's limit then). */
  reimbursableUsd: Money | null;
}

export interface ExpenseSums {
  claimed: Money;
  approved: Money;
  rejected: Money;
  pending: Money;
  reimbursable: Money;
}

export interface ExpenseCategoryTotals extends ExpenseSums {
  category: ExpenseCategory;
  claims: number;
}

export interface ExpenseTotals {
  /** Only the categories claimed, in the order of EXPENSE_CATEGORIES. */
  byCategory: ExpenseCategoryTotals[];
  totals: ExpenseSums;
}

interface Sums {
  claims: number;
  claimed: Decimal;
  approved: Decimal;
  rejected: Decimal;
  pending: Decimal;
  reimbursable: Decimal;
}

const noSums = (): Sums => ({
  claims: 0,
  claimed: new Decimal(0),
  approved: new Decimal(0),
  rejected: new Decimal(0),
  pending: new Decimal(0),
  reimbursable: new Decimal(0),
});

const add = (s: Sums, claim: CountedClaim, amount: Decimal): void => {
  s.claims++;
  s.claimed = s.claimed.plus(amount);
  if (claim.status === 'claimed') s.pending = s.pending.plus(amount);
  else if (claim.status === 'rejected') s.rejected = s.rejected.plus(amount);
  else {
    s.approved = s.approved.plus(amount);
    s.reimbursable = s.reimbursable.plus(claim.reimbursableUsd?.amount ?? '0');
  }
};

const moneyOf = (s: Sums, currency: string): ExpenseSums => ({
  claimed: roundMoney(s.claimed, currency),
  approved: roundMoney(s.approved, currency),
  rejected: roundMoney(s.rejected, currency),
  pending: roundMoney(s.pending, currency),
  reimbursable: roundMoney(s.reimbursable, currency),
});

export const expenseTotals = (claims: Iterable<CountedClaim>, currency: string): ExpenseTotals => {
  const byCategory = new Map<ExpenseCategory, Sums>();
  const totals = noSums();
  for (const claim of claims) {
    let bucket = byCategory.get(claim.category);
    if (!bucket) byCategory.set(claim.category, (bucket = noSums()));
    const amount = new Decimal(claim.amountUsd.amount);
    add(bucket, claim, amount);
    add(totals, claim, amount);
  }
  return {
    byCategory: EXPENSE_CATEGORIES.flatMap((category) => {
      const s = byCategory.get(category);
      return s ? [{ category, claims: s.claims, ...moneyOf(s, currency) }] : [];
    }),
    totals: moneyOf(totals, currency),
  };
};
