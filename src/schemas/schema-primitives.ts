/**
 * Building blocks of the published JSON Schemas (draft-07). Each event schema inlines them rather than
 * `$ref`-ing shared definitions, so one schema fetched alone (or embedded in the AsyncAPI document)
 * is complete.
 */
export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** A non-negative decimal string: amounts and weights never travel as floats. */
export const decimalString = (description?: string): JsonSchema => ({
  type: 'string',
  pattern: '^\\d{1,15}(\\.\\d{1,10})?$',
  ...(description ? { description } : {}),
  examples: ['19166.67'],
});

export const businessDate = (description?: string): JsonSchema => ({
  type: 'string',
  format: 'date',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  ...(description ? { description } : {}),
  examples: ['2005-01-18'],
});

/** Calendar year as a number, e.g. the year whose home-leave pool a trip uses. */
export const year = (description?: string): JsonSchema => ({
  type: 'integer',
  minimum: 1900,
  maximum: 9999,
  ...(description ? { description } : {}),
});

export const text = (description?: string, maxLength = 2000): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  ...(description ? { description } : {}),
});

export const oneOfValues = (values: readonly string[], description?: string): JsonSchema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});

export const money = (description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: ['amount', 'currency'],
  additionalProperties: false,
  properties: {
    amount: decimalString('decimal string in the currency, e.g. "19166.67"'),
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
  },
  examples: [{ amount: '19166.67', currency: 'USD' }],
});

/** A weight in pounds (the letter's unit) with the value as it was given. */
export const weight = (description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
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
        unit: { type: 'string', enum: ['lb', 'kg'] },
      },
    },
  },
  examples: [{ lb: '440.924524', original: { value: '200', unit: 'kg' } }],
});

export const exchangeRate = (): JsonSchema => ({
  type: 'object',
  description:
    'Units of the claim currency per 1 USD, its source and date: a replay never looks a rate up again',
  required: ['rate', 'source', 'asOf'],
  additionalProperties: false,
  properties: {
    rate: { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,10})?$', examples: ['8.2765'] },
    source: text(),
    asOf: businessDate(),
  },
});

/** An object schema whose listed properties are all required unless named in `optional`. */
export const record = (
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
  extra: JsonSchema = {},
): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  additionalProperties: false,
  properties,
  ...extra,
});
