/**
 * The public schema of the ledger: one JSON Schema (draft-07) per event type and version, taken from the
 * declarations in src/domain/assignment/events.ts. A version is never edited once published: a change
 * of shape moves the old schema, with its upcaster, to the declaration's `older`.
 */
import {
  ASSIGNMENT_EVENT_TYPES,
  EVENTS,
  isEventType,
  olderVersionsOf,
  type AssignmentEventType,
} from '../domain/assignment/events.js';
import { isPersonal } from '../domain/shared/schema.js';
import { ERASED, REDACTED } from '../personal-data/sealed-value.js';
import { JSON_SCHEMA_DIALECT, type JsonSchema } from './schema-primitives.js';
import { CURRENT_SCHEMA_VERSIONS } from './schema-versions.js';

/** Every published version of each type's data, from 1 to the current one. */
const versionsOf = (type: AssignmentEventType): readonly JsonSchema[] =>
  [...olderVersionsOf(type).map((older) => older.schema), EVENTS[type].schema] as unknown as JsonSchema[];

export interface EventSchemaRef {
  type: AssignmentEventType;
  version: number;
  current: boolean;
}

export { isEventType };

/** A stable identifier for the schema of one event type's data at one version. */
export const schemaIdOf = (type: string, version: number): string =>
  `urn:assignment-ledger:schema:event:${type}:v${version}`;

const published = new Map<string, JsonSchema>();

/** Marks a value that is personal data: it reads as declared, or `[redacted]`, or `[erased]`. */
export const PERSONAL_ANNOTATION = 'x-personal';

const personalAlternatives = [
  {
    const: REDACTED,
    description: 'personal data the reader may not see (a subscriber without the personal-data scope)',
  },
  { const: ERASED, description: 'personal data of a data subject who was erased (every reader)' },
];

/** A copy of a declared schema in which every personal value says so and allows its two stand-ins. */
const withPersonalMarks = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withPersonalMarks);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withPersonalMarks(v)]));
  return isPersonal(node) ? { [PERSONAL_ANNOTATION]: true, anyOf: [copy, ...personalAlternatives] } : copy;
};

/** The JSON Schema of `data` for this type and version, or undefined when none is published. */
export const eventDataSchema = (type: string, version: number): JsonSchema | undefined => {
  if (!isEventType(type) || !Number.isInteger(version) || version < 1) return undefined;
  const key = `${type}:${version}`;
  let schema = published.get(key);
  if (schema) return schema;
  const declared = versionsOf(type)[version - 1];
  if (!declared) return undefined;
  // A plain copy: the declarations carry non-enumerable TypeBox markers a JSON Schema has no use for.
  schema = {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaIdOf(type, version),
    title: `${type} v${version}`,
    ...(JSON.parse(JSON.stringify(withPersonalMarks(declared))) as JsonSchema),
  };
  published.set(key, schema);
  return schema;
};

/** Every published (type, version), in the order of ASSIGNMENT_EVENT_TYPES then version. */
export const publishedEventSchemas = (): EventSchemaRef[] =>
  ASSIGNMENT_EVENT_TYPES.flatMap((type) =>
    versionsOf(type).map((_schema, index) => ({
      type,
      version: index + 1,
      current: index + 1 === CURRENT_SCHEMA_VERSIONS[type],
    })),
  );
