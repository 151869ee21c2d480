/**
 * The AsyncAPI 3.0 description of what the ledger sends downstream: the Server-Sent Events feed and the
 * webhook deliveries, one message per event type, whose payloads reference the published JSON Schemas.
 */
import { ASSIGNMENT_EVENT_TYPES, ERASURE_EVENT_TYPE } from '../domain/assignment/events.js';
import { eventDataSchema, publishedEventSchemas } from './event-schemas.js';
import { feedEventSchema, stripDialect } from './feed-event.schema.js';
import type { JsonSchema } from './schema-primitives.js';
import { CURRENT_SCHEMA_VERSIONS } from './schema-versions.js';

const dataSchemaName = (type: string, version: number): string => `${type}.v${version}`;
const envelopeName = (type: string): string => `FeedEvent.${type}`;

export const WEBHOOK_HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['Ledger-Signature', 'Ledger-Event-Id', 'Ledger-Position', 'Content-Type'],
  properties: {
    'Content-Type': { type: 'string', const: 'application/json' },
    'Ledger-Signature': {
      type: 'string',
      pattern: '^t=\\d+,v1=[0-9a-f]{64}$',
      description:
        't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret given at registration>. ' +
        'Recompute it over the raw body, compare in constant time, refuse a t far from now.',
    },
    'Ledger-Event-Id': {
      type: 'string',
      format: 'uuid',
      description: 'the event id: the same on every redelivery, deduplicate on it',
    },
    'Ledger-Position': { type: 'string', pattern: '^\\d+$', description: 'global position of the event' },
    'Ledger-Event-Type': { type: 'string', enum: [...ASSIGNMENT_EVENT_TYPES] },
    'Ledger-Webhook-Id': { type: 'string', description: 'the registration this delivery belongs to' },
    'Ledger-Delivery-Attempt': {
      type: 'string',
      pattern: '^\\d+$',
      description: 'attempt number for this event, from 1',
    },
  },
};

export const buildAsyncApiDocument = (baseUrl: string): Record<string, unknown> => {
  const base = new URL(baseUrl);
  const schemas: Record<string, JsonSchema> = {};
  for (const { type, version } of publishedEventSchemas()) {
    schemas[dataSchemaName(type, version)] = {
      ...stripDialect(eventDataSchema(type, version)!),
      externalDocs: { url: new URL(`/schemas/events/${type}/${version}`, base).href },
    };
  }
  for (const type of ASSIGNMENT_EVENT_TYPES) {
    const envelope = stripDialect(feedEventSchema(type));
    const properties = envelope.properties as Record<string, JsonSchema>;
    schemas[envelopeName(type)] = {
      ...envelope,
      properties: {
        ...properties,
        data: { $ref: `#/components/schemas/${dataSchemaName(type, CURRENT_SCHEMA_VERSIONS[type])}` },
      },
    };
  }
  schemas.WebhookHeaders = WEBHOOK_HEADERS_SCHEMA;

  const messages: Record<string, unknown> = {};
  for (const type of ASSIGNMENT_EVENT_TYPES) {
    const version = CURRENT_SCHEMA_VERSIONS[type];
    const common = {
      name: type,
      title: `${type} v${version}`,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${envelopeName(type)}` },
    };
    messages[`${type}Sse`] = {
      ...common,
      summary: `SSE frame: "id: <position>", "event: ${type}", "data: <the JSON payload>"`,
    };
    messages[`${type}Webhook`] = {
      ...common,
      summary: `POST to the registered url with the JSON payload as body`,
      headers: { $ref: '#/components/schemas/WebhookHeaders' },
      bindings: { http: { bindingVersion: '0.3.0' } },
    };
  }

  const channelMessages = (suffix: string) =>
    Object.fromEntries(
      ASSIGNMENT_EVENT_TYPES.map((type) => [type, { $ref: `#/components/messages/${type}${suffix}` }]),
    );
  const operationMessages = (channel: string) =>
    ASSIGNMENT_EVENT_TYPES.map((type) => ({ $ref: `#/channels/${channel}/messages/${type}` }));

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Assignment ledger: downstream events',
      version: '1',
      description:
        'Every event of the ledger in global position order, from a position the consumer remembers, then live, ' +
        'at least once. Payloads always carry the current version of their type (older stored versions are ' +
        'upcast on read); `schemaVersion` names it. JSON Schemas: GET /schemas/events. ' +
        'Consumers deduplicate on eventId (or keep the last position seen) and tolerate a repeat. ' +
        'Personal data (fields marked `x-personal: true`) reads "[redacted]" for a subscriber key without the ' +
        `scope personal-data, and "[erased]" for everyone once its data subject was erased; ${ERASURE_EVENT_TYPE} ` +
        "tells consumers to erase their own copies of that employee's personal data.",
    },
    defaultContentType: 'application/json',
    servers: {
      ledger: {
        host: base.host,
        protocol: base.protocol.replace(':', ''),
        description:
          'The ledger. Every call needs Authorization: Bearer <key> of role hr, auditor, subscriber or admin.',
        security: [{ $ref: '#/components/securitySchemes/bearer' }],
      },
      receiver: {
        host: '{receiverHost}',
        protocol: 'https',
        description: 'A downstream service that registered a webhook (http is accepted too).',
        variables: { receiverHost: { description: 'host of the url given to POST /webhooks' } },
      },
    },
    channels: {
      eventStream: {
        address: '/events/stream',
        title: 'Server-Sent Events feed',
        description:
          'GET /events/stream?after=<position>&types=A,B (Accept: text/event-stream). Catches up from after (or from ' +
          'the Last-Event-ID header, which wins), then stays live. Each frame: "id: <position>", "event: <type>", ' +
          '"data: <payload>". Comment lines (": heartbeat") keep an idle stream open; "retry:" suggests the ' +
          'reconnection delay. A client that reads slowly is sent events only as fast as it reads.',
        servers: [{ $ref: '#/servers/ledger' }],
        messages: channelMessages('Sse'),
      },
      webhook: {
        address: '{webhookPath}',
        title: 'Webhook deliveries',
        description:
          'Registered with POST /webhooks { url, types?, secret, after? }. Events are POSTed one at a time in position ' +
          'order; any 2xx acknowledges, anything else (or no answer within the timeout) is retried with ' +
          'exponential backoff and jitter; after repeated failures the webhook is paused (GET /webhooks/{id}) until ' +
          'POST /webhooks/{id}/resume.',
        parameters: { webhookPath: { description: 'path of the url given at registration' } },
        servers: [{ $ref: '#/servers/receiver' }],
        messages: channelMessages('Webhook'),
      },
    },
    operations: {
      streamEvents: {
        action: 'send',
        title: 'Stream the log to a connected client',
        channel: { $ref: '#/channels/eventStream' },
        messages: operationMessages('eventStream'),
        bindings: { http: { method: 'GET', bindingVersion: '0.3.0' } },
      },
      deliverWebhook: {
        action: 'send',
        title: 'Deliver an event to a registered webhook',
        channel: { $ref: '#/channels/webhook' },
        messages: operationMessages('webhook'),
        bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
      },
    },
    components: {
      schemas,
      messages,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the API key of a role' } },
    },
  };
};
