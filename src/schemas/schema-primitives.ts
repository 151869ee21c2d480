/** What the published JSON Schemas are, as plain data (the building blocks are in src/domain/shared/schema.ts). */
export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
