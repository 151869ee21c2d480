import { type DynamicModule, Module } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { EventStreamService } from './event-stream.service.js';
import { EventsController } from './events.controller.js';
import { FEED_OPTIONS, loadFeedOptions, type FeedOptions } from './feed-options.js';
import { SchemasController } from './schemas.controller.js';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service.js';
import { WebhookRepository } from './webhooks/webhook.repository.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';
import { systemResolver, WEBHOOK_RESOLVER, type Resolver } from './webhooks/webhook-target.js';

/**
 * What downstream services use: the global log (GET /events), its live SSE feed, webhooks, and the public
 * schemas (JSON Schema per event type and version, AsyncAPI). Needs EVENT_STORE (global, from
 * EventStoreModule) and the app's guard, filter and validation pipe; takes its settings from the config.
 */
@Module({})
export class FeedModule {
  /**
   * `overrides` replace settings read from the environment (tests use short heartbeats and backoffs);
   * `resolver` answers the webhooks' host names (tests use one that re-points a name).
   */
  static forRoot(
    config: LedgerConfig,
    overrides: Partial<FeedOptions> = {},
    resolver: Resolver = systemResolver,
  ): DynamicModule {
    return {
      module: FeedModule,
      controllers: [EventsController, SchemasController, WebhooksController],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        {
          provide: FEED_OPTIONS,
          inject: [LEDGER_CONFIG],
          useFactory: (c: LedgerConfig): FeedOptions => ({ ...loadFeedOptions(c), ...overrides }),
        },
        { provide: WEBHOOK_RESOLVER, useValue: resolver },
        EventStreamService,
        WebhookRepository,
        WebhookDeliveryService,
        WebhooksService,
      ],
      exports: [EventStreamService, WebhookDeliveryService, WebhooksService],
    };
  }
}
