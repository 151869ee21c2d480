import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { LOG_READ, Roles } from '../http/auth/roles.decorator.js';
import { CallerOf } from '../http/auth/caller.decorator.js';
import type { Caller } from '../http/auth/api-key.guard.js';
import { PERSONAL_DATA, personalViewOf, type PersonalData } from '../personal-data/personal-data.js';
import { EventStreamService } from './event-stream.service.js';
import { toFeedEvent, type FeedEvent } from './feed-event.js';
import { FEED_OPTIONS, type FeedOptions } from './feed-options.js';
import { parsePageQuery, parseStreamStart, parseTypes } from './feed-query.js';

export interface FeedPage {
  items: FeedEvent[];
  /** Ask for `after=next` to continue: never skips an event, even with a type filter. */
  next: number;
  /** Position of the last event in the log when the page was read. */
  head: number;
}

@ApiTags('feed')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
    @Inject(EventStreamService) private readonly streams: EventStreamService,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  @Get()
  @Roles(...LOG_READ)
  @ApiOperation({ summary: 'A page of the global log, in position order' })
  @ApiQuery({ name: 'after', required: false, description: 'exclusive global position (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: 'page size, 1-1000 (default 100)' })
  @ApiQuery({ name: 'types', required: false, description: 'comma-separated event types' })
  @ApiOkResponse({ description: '{ items, next, head }; items per GET /schemas/events' })
  async page(@Query() query: Record<string, unknown>, @CallerOf() caller: Caller): Promise<FeedPage> {
    const { after, limit, types } = parsePageQuery(query, this.options.maxPageSize);
    // Head first: everything at or below it is committed, so a short page may skip ahead to it.
    const head = await this.store.headPosition();
    const events = await this.store.readAll({ after, limit, ...(types ? { types } : {}) });
    const reader = { personalData: this.personalData, view: personalViewOf(caller) };
    const items = events.map((event) => toFeedEvent(event, reader));
    const last = items.at(-1)?.position;
    const next = items.length < limit ? Math.max(last ?? after, head, after) : last!;
    return { items, next, head: Math.max(head, last ?? 0) };
  }

  @Get('stream')
  @Roles(...LOG_READ)
  @ApiOperation({
    summary: 'Server-Sent Events: catch up, then live; id is the global position, event is the type',
  })
  @ApiQuery({ name: 'after', required: false, description: 'exclusive global position (default 0)' })
  @ApiQuery({ name: 'types', required: false, description: 'comma-separated event types' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this position' })
  stream(
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CallerOf() caller: Caller,
  ): void {
    const after = parseStreamStart(query, req.headers['last-event-id']);
    const types = parseTypes(query);
    // The stream writes to the socket itself for as long as it lives: Fastify must not answer for it.
    this.streams.open(
      req.raw,
      reply.raw,
      { after, ...(types ? { types } : {}), view: personalViewOf(caller) },
      () => reply.hijack(),
    );
  }
}
