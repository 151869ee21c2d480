import { Decimal } from 'decimal.js';

/** Exact by definition of the international pound (1959). */
export const KG_PER_LB = new Decimal('0.45359237');

export type WeightUnit = 'lb' | 'kg';

/** A weight stored in pounds (the letter's unit) with the value as it was given. */
export interface Weight {
  lb: string;
  original: { value: string; unit: WeightUnit };
}

/** Converts exactly: kilograms are divided by 0.45359237 and kept to 6 decimal places of a pound. */
export const toWeight = (value: Decimal.Value, unit: WeightUnit): Weight => {
  const v = new Decimal(value);
  const lb = unit === 'lb' ? v : v.dividedBy(KG_PER_LB).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  return { lb: lb.toFixed(), original: { value: v.toFixed(), unit } };
};

export const lb = (w: Weight | string): Decimal => new Decimal(typeof w === 'string' ? w : w.lb);

/** A weight as a client may give it: a value and its unit. */
export interface WeightInput {
  value: string;
  unit: WeightUnit;
}
