import { Controller, Get, Header, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApplicationError } from '../application/application-errors.js';
import { Public } from '../http/auth/roles.decorator.js';
import { buildAsyncApiDocument } from '../schemas/asyncapi.js';
import { eventDataSchema, publishedEventSchemas } from '../schemas/event-schemas.js';
import { feedEventSchema } from '../schemas/feed-event.schema.js';
import type { JsonSchema } from '../schemas/schema-primitives.js';
import { CURRENT_SCHEMA_VERSIONS } from '../schemas/schema-versions.js';

export interface SchemaIndex {
  envelope: string;
  asyncapi: string;
  types: { type: string; currentVersion: number; versions: { version: number; href: string }[] }[];
}

/** The public schema of the events, as documents: no key needed, like the API documentation. */
@ApiTags('schemas')
@Public()
@Controller()
export class SchemasController {
  @Get('schemas/events')
  @ApiOperation({ summary: 'Every event type with its published schema versions' })
  index(): SchemaIndex {
    const published = publishedEventSchemas();
    return {
      envelope: '/schemas/feed-event',
      asyncapi: '/asyncapi.json',
      types: Object.entries(CURRENT_SCHEMA_VERSIONS).map(([type, currentVersion]) => ({
        type,
        currentVersion,
        versions: published
          .filter((p) => p.type === type)
          .map(({ version }) => ({ version, href: `/schemas/events/${type}/${version}` })),
      })),
    };
  }

  @Get('schemas/events/:type/:version')
  @Header('Content-Type', 'application/schema+json')
  @ApiOperation({ summary: "JSON Schema (draft-07) of one event type's data at one version" })
  eventSchema(@Param('type') type: string, @Param('version') version: string): JsonSchema {
    const schema = /^v?\d{1,4}$/.test(version)
      ? eventDataSchema(type, Number(version.replace('v', '')))
      : undefined;
    if (!schema) {
      throw new ApplicationError(
        404,
        'SCHEMA.NOT_FOUND',
        `no schema is published for ${type} version ${version}`,
        {
          index: '/schemas/events',
        },
      );
    }
    return schema;
  }

  @Get('schemas/feed-event')
  @Header('Content-Type', 'application/schema+json')
  @ApiOperation({ summary: 'JSON Schema of the envelope of every feed item, SSE data and webhook body' })
  envelope(): JsonSchema {
    return feedEventSchema();
  }

  @Get('asyncapi.json')
  @ApiOperation({ summary: 'AsyncAPI 3.0 document of the SSE feed and the webhooks' })
  asyncapi(@Req() req: FastifyRequest): Record<string, unknown> {
    return buildAsyncApiDocument(`${req.protocol}://${req.headers.host ?? 'localhost'}`);
  }
}
