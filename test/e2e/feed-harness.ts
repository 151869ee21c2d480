/**
 * A real Nest application around the feed, for the feed and webhook end-to-end tests: the real SQLite
 * event store (EventStoreModule), FeedModule, the API-key guard, the problem filter and the validation
 * pipe, listening on 127.0.0.1 with a free port. Plus a real HTTP receiver for webhooks.
 */
import { PersonalDataModule } from '../../src/personal-data/personal-data.module.js';
import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LedgerConfig, Role } from '../../src/config/ledger-config.js';
import { EventStoreModule } from '../../src/event-store/event-store.module.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../src/event-store/event-store.port.js';
import { API_KEYS, ApiKeyGuard } from '../../src/http/auth/api-key.guard.js';
import { KeyRing } from '../../src/config/api-keys.js';
import { ProblemFilter } from '../../src/http/problem/problem.filter.js';
import { ledgerHttpAdapter, listen } from '../../src/http/bootstrap.js';
import { ledgerValidationPipe } from '../../src/http/validation.pipe.js';
import { EventStreamService } from '../../src/feed/event-stream.service.js';
import { FeedModule } from '../../src/feed/feed.module.js';
import type { FeedOptions } from '../../src/feed/feed-options.js';
import { systemResolver, type Resolver } from '../../src/feed/webhooks/webhook-target.js';
import { toWeight } from '../../src/domain/shared/weight.js';

export const KEYS = {
  hr: 'hr-key-0123456789',
  auditor: 'auditor-key-0123456789',
  subscriber: 'subscriber-key-0123456789',
  otherSubscriber: 'subscriber-key-abcdefghij',
  admin: 'admin-key-0123456789',
} as const;

const KEY_ROLES = new Map<string, Role>([
  [KEYS.hr, 'hr'],
  [KEYS.auditor, 'auditor'],
  [KEYS.subscriber, 'subscriber'],
  [KEYS.otherSubscriber, 'subscriber'],
  [KEYS.admin, 'admin'],
]);

const RING = new KeyRing(KEY_ROLES, 'environment');

@Module({})
class FeedTestAppModule {
  static forRoot(config: LedgerConfig, feed: Partial<FeedOptions>, resolver: Resolver): DynamicModule {
    return {
      module: FeedTestAppModule,
      imports: [
        EventStoreModule.forRoot(config),
        PersonalDataModule.forRoot(config, RING),
        FeedModule.forRoot(config, feed, resolver),
      ],
      providers: [
        { provide: API_KEYS, useValue: RING },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}

export interface FeedApp {
  app: INestApplication;
  url: string;
  store: EventStore;
  streams: EventStreamService;
  close(): Promise<void>;
}

/**
 * `dataDir` undefined: everything in memory. Otherwise the store and webhooks.sqlite live there.
 * `resolver` answers the webhooks' host names in place of the system's.
 */
export const startFeedApp = async (
  dataDir: string | undefined,
  feed: Partial<FeedOptions> = {},
  resolver: Resolver = systemResolver,
): Promise<FeedApp> => {
  const config: LedgerConfig = {
    port: 0,
    host: '127.0.0.1',
    storeUrl: dataDir ? `sqlite:${dataDir}/ledger.sqlite` : 'sqlite::memory:',
    storeKind: 'sqlite',
    dataDir: dataDir ?? '/nonexistent',
    readModelPath: dataDir ? `${dataDir}/read-models.sqlite` : ':memory:',
    apiKeys: KEY_ROLES,
    minPositionWaitMs: 1000,
  };
  const app = await NestFactory.create(
    // The receivers of these tests listen on loopback.
    FeedTestAppModule.forRoot(
      config,
      { heartbeatMs: 15_000, webhookAllowPrivateTargets: true, ...feed },
      resolver,
    ),
    ledgerHttpAdapter(),
    { logger: false, bodyParser: false },
  );
  app.useGlobalPipes(ledgerValidationPipe());
  const url = await listen(app, 0, '127.0.0.1');
  return {
    app,
    url,
    store: app.get<EventStore>(EVENT_STORE),
    streams: app.get(EventStreamService),
    close: () => app.close(),
  };
};

export const auth = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });

/** Realistic event data (events.ts shapes) for a few types, varied by `i`. */
export const sampleEvent = (type: string, i: number): Record<string, unknown> => {
  const day = `2005-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  switch (type) {
    case 'ShipmentRecorded':
      return {
        shipmentId: `ship-${i}`,
        direction: 'outbound',
        mode: 'sea',
        shippedOn: day,
        weight: toWeight(String(100 + i), 'kg'),
        containers: 1,
        containerSize: '40ft',
      };
    case 'VacationTaken':
      return { from: day, to: day, days: 1 };
    case 'HostHolidayObserved':
      return { date: day, name: `Holiday ${i}` };
    case 'ExpenseClaimed':
      return {
        expenseId: `exp-${i}`,
        category: 'host-transportation',
        amount: { amount: `${i}.50`, currency: 'USD' },
        amountUsd: { amount: `${i}.50`, currency: 'USD' },
        incurredOn: day,
        receipts: [`r-${i}`],
        description: `Taxis ${i}`,
        reimbursableLimitUsd: { amount: `${i}.50`, currency: 'USD' },
      };
    default:
      throw new Error(`no sample for ${type}`);
  }
};

const TYPES_CYCLE = ['ShipmentRecorded', 'VacationTaken', 'HostHolidayObserved', 'ExpenseClaimed'] as const;

/** Appends `count` events to assignment-<assignmentId>, one append each, types cycling; returns them stored. */
export const appendEvents = async (
  store: EventStore,
  count: number,
  { assignmentId = 'valence-coo-2005', types = TYPES_CYCLE as readonly string[], offset = 0 } = {},
): Promise<StoredEvent[]> => {
  const stored: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const type = types[(offset + i) % types.length]!;
    const result = await store.appendToStream(
      `assignment-${assignmentId}`,
      [
        {
          eventId: randomUUID(),
          type,
          data: sampleEvent(type, offset + i),
          metadata: {
            actor: 'hr:test',
            commandId: randomUUID(),
            correlationId: randomUUID(),
            schemaVersion: type === 'ShipmentRecorded' ? 2 : 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    stored.push(...result.events);
  }
  return stored;
};

export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: `answer` picks the status of each request (by arrival index), sent
 * with a Location header when `redirectTo` is set.
 */
export class Receiver {
  readonly requests: Received[] = [];
  answer: (index: number, body: string) => number | Promise<number> = () => 200;
  redirectTo: string | undefined;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const index = this.requests.length;
        const entry: Received = { headers: req.headers, body, status: 0, at: Date.now() };
        this.requests.push(entry);
        void Promise.resolve(this.answer(index, body)).then((status) => {
          entry.status = status;
          res
            .writeHead(status, {
              'Content-Type': 'text/plain',
              ...(this.redirectTo ? { Location: this.redirectTo } : {}),
            })
            .end(status < 300 ? 'ok' : 'nope');
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Positions of the deliveries this receiver acknowledged, in arrival order. */
  accepted(): number[] {
    return this.requests
      .filter((r) => r.status >= 200 && r.status < 300)
      .map((r) => Number(r.headers['ledger-position']));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
