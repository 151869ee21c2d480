import { Decimal } from 'decimal.js';

/** Money as it travels in events and JSON: the amount is a decimal string, never a float. */
export interface Money {
  amount: string;
  currency: string;
}

/** ISO 4217 codes the ledger accepts (the letter's and the usual host currencies). */
export const CURRENCIES = [
  'USD',
  'CNY',
  'EUR',
  'GBP',
  'JPY',
  'HKD',
  'SGD',
  'CHF',
  'CAD',
  'AUD',
  'INR',
  'KRW',
  'TWD',
  'MXN',
  'BRL',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'ZAR',
  'AED',
  'NZD',
  'THB',
  'MYR',
  'IDR',
  'PHP',
  'VND',
] as const;

/** Minor units per ISO 4217 (2 unless listed). */
const MINOR_UNITS: Partial<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, IDR: 2 };
export const minorUnits = (currency: string): number => MINOR_UNITS[currency] ?? 2;

/** Rounds half-up (away from zero on .5) to the currency's minor unit: once per posting. */
export const roundMoney = (amount: Decimal.Value, currency: string): Money => ({
  amount: new Decimal(amount)
    .toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP)
    .toFixed(minorUnits(currency)),
  currency,
});

export const money = (amount: Decimal.Value, currency = 'USD'): Money => roundMoney(amount, currency);
export const zero = (currency = 'USD'): Money => money(0, currency);
export const dec = (m: Money | string): Decimal => new Decimal(typeof m === 'string' ? m : m.amount);

export const addMoney = (a: Money, b: Money): Money => {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} to ${b.currency}`);
  return money(dec(a).plus(dec(b)), a.currency);
};

export const minMoney = (a: Money, b: Money): Money => (dec(a).lte(dec(b)) ? a : b);

/** A decimal string that decimal.js accepts and that is finite. */
export const isDecimalString = (value: unknown): value is string =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);

export const subtractMoney = (a: Money, b: Money): Money => {
  if (a.currency !== b.currency) throw new Error(`cannot subtract ${b.currency} from ${a.currency}`);
  return money(dec(a).minus(dec(b)), a.currency);
};

/** Converts at a rate given as units of the amount's currency per 1 USD, rounded half-up to the cent once. */
export const toUsd = (amount: Money, ratePerUsd?: string): Money => {
  if (amount.currency === 'USD') return money(dec(amount), 'USD');
  if (ratePerUsd === undefined) throw new Error(`a rate is needed to convert ${amount.currency} to USD`);
  return roundMoney(dec(amount).dividedBy(new Decimal(ratePerUsd)), 'USD');
};

/** `amount * numerator / denominator`, rounded half-up to the minor unit once (proration). */
export const prorate = (amount: Money, numerator: number, denominator: number): Money =>
  roundMoney(dec(amount).times(numerator).dividedBy(denominator), amount.currency);
