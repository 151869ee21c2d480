/**
 * Building blocks of the ledger's shapes, schema-first: each gives the TypeScript type (`Static<>`) and
 * the published JSON Schema (draft-07) from one declaration. Schemas are inlined, never `$ref`-ed, so one
 * event schema fetched alone (or embedded in the AsyncAPI document) is complete.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';
import type { BusinessDate, Period } from './calendar.js';
import type { Money } from './money.js';
import type { Weight, WeightInput } from './weight.js';

export { Type, type Static, type TObject, type TProperties, type TSchema };

/** How a field is checked when a correction replaces it (corrections.ts): read from the field's schema. */
export type FieldKind =
  | 'date'
  | 'period'
  | 'decimal'
  | 'money'
  | 'weight'
  | 'text'
  | 'texts'
  | 'integer'
  | 'exchangeRate'
  | readonly string[];

const KIND = Symbol('field kind');

/** Tags a schema with its field kind; the tag is a symbol, so it never reaches the published JSON. */
const kinded = <S extends TSchema>(schema: S, kind: FieldKind): S => {
  Object.defineProperty(schema, KIND, { value: kind, enumerable: false });
  return schema;
};

/** The field kind a schema was declared with, if any. */
export const kindOf = (schema: TSchema): FieldKind | undefined =>
  (schema as unknown as Record<symbol, FieldKind | undefined>)[KIND];

const PERSONAL = Symbol('personal data');

/**
 * Tags a schema as personal data (domain.md "Personal data"): stored sealed under the data subject's
 * key, shown `[redacted]` to readers without the right and `[erased]` once the subject is erased.
 */
export const personal = <S extends TSchema>(schema: S): S => {
  Object.defineProperty(schema, PERSONAL, { value: true, enumerable: false });
  return schema;
};

const described = (description?: string): { description?: string } => (description ? { description } : {});

const DECIMAL_PATTERN = '^\\d{1,15}(\\.\\d{1,10})?$';

/** A non-negative decimal string: amounts and weights never travel as floats. */
export const decimalString = (description?: string) =>
  kinded(
    Type.Unsafe<string>({
      type: 'string',
      pattern: DECIMAL_PATTERN,
      ...described(description),
      examples: ['19166.67'],
    }),
    'decimal',
  );

export const businessDate = (description?: string) =>
  kinded(
    Type.Unsafe<BusinessDate>({
      type: 'string',
      format: 'date',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      ...described(description),
      examples: ['2005-01-18'],
    }),
    'date',
  );

export const period = () =>
  kinded(
    Type.Unsafe<Period>({ type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }),
    'period',
  );

/** Calendar year as a number, e.g. the year whose home-leave pool a trip uses. */
export const year = (description?: string) =>
  kinded(
    Type.Unsafe<number>({ type: 'integer', minimum: 1900, maximum: 9999, ...described(description) }),
    'integer',
  );

export const count = (minimum = 0, maximum?: number, description?: string) =>
  kinded(
    Type.Unsafe<number>({
      type: 'integer',
      minimum,
      ...(maximum === undefined ? {} : { maximum }),
      ...described(description),
    }),
    'integer',
  );

export const text = (description?: string, maxLength = 2000) =>
  kinded(Type.Unsafe<string>({ type: 'string', minLength: 1, maxLength, ...described(description) }), 'text');

export const texts = (items: TSchema, minItems?: number) =>
  kinded(
    Type.Unsafe<string[]>({ type: 'array', ...(minItems === undefined ? {} : { minItems }), items }),
    'texts',
  );

/** A ledger id: what clients may choose for assignments, shipments, trips... */
export const id = (description?: string) =>
  kinded(
    Type.Unsafe<string>({
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$',
      ...described(description),
    }),
    'text',
  );

export const country = (description: string) =>
  kinded(
    Type.Unsafe<string>({
      type: 'string',
      pattern: '^[A-Z]{2}$',
      description: `${description} (ISO 3166-1 alpha-2)`,
    }),
    'text',
  );

/** One of the values of a const array (the array is the only place the values are written). */
export const oneOf = <const V extends readonly string[]>(values: V, description?: string) =>
  kinded(Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...described(description) }), values);

/** `personal`: the amount is personal data (pay), the currency is not. */
export const money = (description?: string, options: { personal?: boolean } = {}) =>
  kinded(
    Type.Unsafe<Money>({
      type: 'object',
      ...described(description),
      required: ['amount', 'currency'],
      additionalProperties: false,
      properties: {
        amount: (options.personal ? personal : <S>(s: S) => s)(
          decimalString('decimal string in the currency, e.g. "19166.67"'),
        ),
        currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
      },
      examples: [{ amount: '19166.67', currency: 'USD' }],
    }),
    'money',
  );

export const WEIGHT_UNITS = ['lb', 'kg'] as const;

/** A weight in pounds (the letter's unit) with the value as it was given. */
export const weight = (description?: string) =>
  Type.Unsafe<Weight>({
    type: 'object',
    ...described(description),
    required: ['lb', 'original'],
    additionalProperties: false,
    properties: {
      lb: decimalString('pounds, exact (a kilogram value divided by 0.45359237, 6 decimals)'),
      original: {
        type: 'object',
        required: ['value', 'unit'],
        additionalProperties: false,
        properties: {
          value: decimalString('the value as given'),
          unit: { type: 'string', enum: [...WEIGHT_UNITS] },
        },
      },
    },
    examples: [{ lb: '440.924524', original: { value: '200', unit: 'kg' } }],
  });

/** A weight as a client gives it (a value and its unit); commands only, never stored as such. */
export const weightInput = () =>
  kinded(
    Type.Unsafe<WeightInput>({
      type: 'object',
      required: ['value', 'unit'],
      additionalProperties: false,
      properties: { value: decimalString(), unit: { type: 'string', enum: [...WEIGHT_UNITS] } },
    }),
    'weight',
  );

export interface ExchangeRate {
  /** Units of the claim's currency per 1 USD, as a decimal string (e.g. "8.2765"). */
  rate: string;
  source: string;
  asOf: BusinessDate;
}

export const exchangeRate = () =>
  kinded(
    Type.Unsafe<ExchangeRate>({
      type: 'object',
      description:
        'Units of the claim currency per 1 USD, its source and date: a replay never looks a rate up again',
      required: ['rate', 'source', 'asOf'],
      additionalProperties: false,
      properties: {
        rate: { type: 'string', pattern: DECIMAL_PATTERN, examples: ['8.2765'] },
        source: text(),
        asOf: businessDate(),
      },
    }),
    'exchangeRate',
  );

/** A closed object: every property required unless wrapped in `Type.Optional`. */
export const record = <P extends TProperties>(properties: P, options: { description?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const optional = Type.Optional;
export const isPersonal = (schema: unknown): boolean =>
  typeof schema === 'object' && schema !== null && (schema as Record<symbol, unknown>)[PERSONAL] === true;

/**
 * The paths of the personal values a schema declares: property names joined by dots, `[]` after an
 * array whose every element is walked into (`employee.name`, `accompanyingFamily[].name`, `travellers[]`).
 */
export const personalPathsOf = (schema: TSchema, at = ''): string[] => {
  if (isPersonal(schema)) return [at];
  const s = schema as { properties?: Record<string, TSchema>; items?: TSchema };
  if (s.properties)
    return Object.entries(s.properties).flatMap(([key, child]) =>
      personalPathsOf(child, at ? `${at}.${key}` : key),
    );
  if (s.items && !Array.isArray(s.items)) return personalPathsOf(s.items, `${at}[]`);
  return [];
};
