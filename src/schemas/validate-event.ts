/**
 * Validation of event data against the published schemas. Uses ajv (a development dependency): import
 * it from tests and tools, not from code the server loads.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { eventDataSchema, PERSONAL_ANNOTATION } from './event-schemas.js';
import { feedEventSchema } from './feed-event.schema.js';
import type { JsonSchema } from './schema-primitives.js';

export interface SchemaValidation {
  valid: boolean;
  /** `instancePath message` per failure; empty when valid. */
  errors: string[];
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
ajv.addKeyword({ keyword: PERSONAL_ANNOTATION, schemaType: 'boolean' });
const compiled = new Map<string, ValidateFunction>();

const compile = (key: string, schema: JsonSchema): ValidateFunction => {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
};

const run = (validate: ValidateFunction, value: unknown): SchemaValidation => {
  const valid = validate(value) as boolean;
  return {
    valid,
    errors: valid
      ? []
      : (validate.errors ?? []).map(
          (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
        ),
  };
};

/** Checks an event's `data` against the JSON Schema published for its type and version. */
export const validateEvent = (type: string, version: number, data: unknown): SchemaValidation => {
  const schema = eventDataSchema(type, version);
  if (!schema) return { valid: false, errors: [`no schema is published for ${type} version ${version}`] };
  return run(compile(`data:${type}:${version}`, schema), data);
};

/** Checks a whole feed item (GET /events, SSE, webhook body) against the envelope of its type. */
export const validateFeedEvent = (event: object): SchemaValidation => {
  const type = (event as { type?: unknown }).type;
  const name = typeof type === 'string' ? type : undefined;
  return run(compile(`feed:${name ?? '*'}`, feedEventSchema(name)), event);
};
