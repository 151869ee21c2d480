/**
 * The envelope every consumer receives (GET /events items, SSE `data:`, webhook bodies): the event's
 * place in the log, its identity, its data in the current version of its type, and its metadata.
 */
import { eventDataSchema, schemaIdOf } from './event-schemas.js';
import { JSON_SCHEMA_DIALECT, type JsonSchema } from './schema-primitives.js';
import { currentSchemaVersion } from './schema-versions.js';

export const FEED_EVENT_METADATA_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['recordedAt', 'actor', 'commandId', 'correlationId'],
  properties: {
    recordedAt: {
      type: 'string',
      format: 'date-time',
      description: 'system time of the append, ISO 8601 UTC',
    },
    actor: { type: 'string', description: 'who recorded it: role and named actor or key fingerprint' },
    commandId: { type: 'string', description: 'idempotency key of the command that produced the event' },
    correlationId: { type: 'string' },
    causationId: { type: 'string' },
    source: { type: 'string', description: 'document reference, e.g. an invoice or the letter' },
    schemaVersion: { type: 'integer', minimum: 1, description: 'version of `data` as delivered' },
  },
  additionalProperties: true,
};

/** The envelope with `data` left open, or typed for one event type (its current version). */
export const feedEventSchema = (type?: string): JsonSchema => {
  const version = type === undefined ? undefined : currentSchemaVersion(type);
  const data = type !== undefined && version !== undefined ? eventDataSchema(type, version) : undefined;
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: type ? `urn:assignment-ledger:schema:feed-event:${type}` : 'urn:assignment-ledger:schema:feed-event',
    title: type ? `Feed event ${type}` : 'Feed event',
    type: 'object',
    required: [
      'position',
      'streamId',
      'assignmentId',
      'revision',
      'eventId',
      'type',
      'schemaVersion',
      'data',
      'metadata',
    ],
    additionalProperties: false,
    properties: {
      position: {
        type: 'integer',
        minimum: 1,
        description: 'global position, strictly increasing; the SSE id',
      },
      streamId: { type: 'string', pattern: '^assignment-', examples: ['assignment-valence-coo-2005'] },
      assignmentId: { type: 'string' },
      revision: { type: 'integer', minimum: 0, description: '0-based revision of the event in its stream' },
      eventId: {
        type: 'string',
        format: 'uuid',
        description: 'stable across redeliveries: deduplicate on it',
      },
      type: type ? { type: 'string', const: type } : { type: 'string' },
      schemaVersion: version ? { type: 'integer', const: version } : { type: 'integer', minimum: 1 },
      data: data ? stripDialect(data) : { type: 'object', description: `see ${schemaIdOf('<type>', 1)}` },
      metadata: FEED_EVENT_METADATA_SCHEMA,
    },
  };
};

/** A schema nested in another must not carry its own `$schema`/`$id` (ajv would register the id twice). */
export const stripDialect = (schema: JsonSchema): JsonSchema => {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
};
