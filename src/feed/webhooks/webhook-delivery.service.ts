import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Subscription } from '../../event-store/event-store.port.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { toFeedEvent, type FeedEvent } from '../feed-event.js';
import {
  PERSONAL_DATA,
  personalViewOfOwner,
  READER_GRANTS,
  type PersonalData,
  type ReaderGrants,
} from '../../personal-data/personal-data.js';
import { FEED_OPTIONS, type FeedOptions } from '../feed-options.js';
import { WebhookRepository, type Webhook } from './webhook.repository.js';
import { WebhookPoster } from './webhook-post.js';
import {
  deliveryLookup,
  privateAddressOf,
  PrivateTargetError,
  WEBHOOK_RESOLVER,
  type Resolver,
} from './webhook-target.js';
import { signWebhookBody } from './webhook-signature.js';

type Attempt = { ok: true } | { ok: false; error: string };

/** The event a webhook is stuck on: what /health names until it is delivered or the webhook removed. */
export interface FailingDelivery {
  webhookId: string;
  position: number;
  eventId: string;
  type: string;
  failures: number;
  error: string;
  paused: boolean;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so receivers are not stampeded. */
export const backoffDelay = (
  failures: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
};

const describeError = (error: unknown, timeoutMs: number): string => {
  if (error instanceof PrivateTargetError) return `not delivered: ${error.message}`;
  // Read by shape: an error thrown by Node's own modules is no instance of another realm's Error (jest's).
  const { name, message, code, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const text = typeof message === 'string' ? message : String(error);
  const detail = code ?? cause?.code ?? cause?.message;
  // "connect ECONNREFUSED 127.0.0.1:9" names its code already; "socket hang up (ECONNRESET)" does not.
  return typeof detail === 'string' && !text.includes(detail) ? `${text} (${detail})` : text;
};

/**
 * Follows the log for one webhook from its checkpoint and POSTs each event in position order, one at a
 * time, retrying the same event until it is taken (2xx) or the webhook is paused: order and at-least-once.
 */
class WebhookWorker {
  private stopped = false;
  private readonly abort = new AbortController();
  private subscription: Subscription | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly id: string,
    private readonly store: EventStore,
    private readonly repository: WebhookRepository,
    private readonly options: FeedOptions,
    private readonly poster: WebhookPoster,
    private readonly personalData: PersonalData,
    private readonly grants: ReaderGrants,
    private readonly logger: Logger,
    private readonly onExit: (worker: WebhookWorker) => void,
    private readonly failing: Map<string, FailingDelivery>,
  ) {}

  start(): void {
    this.running = this.run().finally(() => this.onExit(this));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.subscription?.close().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const hook = this.repository.get(this.id);
      if (!hook || hook.status !== 'active') return;
      try {
        await this.follow(hook);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`webhook ${this.id}: subscription failed, resubscribing: ${String(error)}`);
        await sleep(this.options.webhookBackoffBaseMs, this.abort.signal);
      }
    }
  }

  private async follow(hook: Webhook): Promise<void> {
    const subscription = this.store.subscribeToAll({
      after: hook.checkpoint,
      ...(hook.types ? { types: hook.types } : {}),
    });
    this.subscription = subscription;
    try {
      for await (const stored of subscription) {
        if (this.stopped) return;
        if (!(await this.deliver(hook, stored))) return;
      }
    } finally {
      await subscription.close();
    }
  }

  /**
   * True once the receiver took the event; false when the webhook was paused or the worker stopped.
   * An event that cannot even be prepared (its data does not upcast) fails like a refused delivery:
   * retried with backoff, then the webhook paused, never a loop.
   */
  private async deliver(hook: Webhook, stored: StoredEvent): Promise<boolean> {
    let prepared: { event: FeedEvent; body: string } | { error: string };
    try {
      // The owner's key as it is now: a revoked one gets no personal data.
      const view = personalViewOfOwner(this.grants, hook.owner);
      const event = toFeedEvent(stored, { personalData: this.personalData, view });
      prepared = { event, body: JSON.stringify(event) };
    } catch (error) {
      prepared = { error: `the event could not be prepared for delivery: ${String(error)}` };
    }
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return false;
      const outcome =
        'error' in prepared
          ? ({ ok: false, error: prepared.error } as const)
          : await this.attempt(hook, prepared.event, prepared.body, attempt);
      const at = new Date().toISOString();
      if (outcome.ok) {
        this.repository.recordDelivery(hook.id, stored.position, at);
        this.failing.delete(hook.id);
        return true;
      }
      // Cut short by a stop (pause, delete, shutdown): not the receiver's fault.
      if (this.stopped) return false;
      const updated = this.repository.recordFailure(
        hook.id,
        outcome.error,
        at,
        this.options.webhookMaxFailures,
      );
      if (updated) {
        this.failing.set(hook.id, {
          webhookId: hook.id,
          position: stored.position,
          eventId: stored.eventId,
          type: stored.type,
          failures: updated.failures,
          error: outcome.error,
          paused: updated.status !== 'active',
        });
      }
      if (!updated || updated.status !== 'active') {
        if (updated) {
          this.logger.warn(
            `webhook ${hook.id} paused after ${updated.failures} failed attempts at position ${stored.position}: ${outcome.error}`,
          );
        }
        return false;
      }
      await sleep(
        backoffDelay(updated.failures, this.options.webhookBackoffBaseMs, this.options.webhookBackoffMaxMs),
        this.abort.signal,
      );
    }
  }

  private async attempt(hook: Webhook, event: FeedEvent, body: string, attempt: number): Promise<Attempt> {
    const timestamp = Math.floor(Date.now() / 1000);
    if (!this.options.webhookAllowPrivateTargets) {
      // A URL naming an address is checked here; a name is checked by the connection's lookup, on the
      // very addresses it connects to, since it may resolve elsewhere than at registration (webhook-target.ts).
      const refusal = privateAddressOf(hook.url);
      if (refusal) return { ok: false, error: `not delivered: ${refusal}` };
    }
    try {
      const status = await this.poster.post(
        hook.url,
        {
          'Content-Type': 'application/json',
          'User-Agent': 'assignment-ledger-webhooks/1',
          'Ledger-Signature': signWebhookBody(hook.secret, timestamp, body),
          'Ledger-Event-Id': event.eventId,
          'Ledger-Position': String(event.position),
          'Ledger-Event-Type': event.type,
          'Ledger-Webhook-Id': hook.id,
          'Ledger-Delivery-Attempt': String(attempt),
        },
        body,
        AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.webhookTimeoutMs)]),
      );
      // A redirect is not followed: 3xx is a failure like any other answer outside 2xx.
      if (status >= 200 && status < 300) return { ok: true };
      return { ok: false, error: `receiver answered HTTP ${status}` };
    } catch (error) {
      return { ok: false, error: describeError(error, this.options.webhookTimeoutMs) };
    }
  }
}

/** One worker per active webhook, started with the application and stopped before the store closes. */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly workers = new Map<string, WebhookWorker>();
  private readonly poster: WebhookPoster;
  private readonly failing = new Map<string, FailingDelivery>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WebhookRepository) private readonly repository: WebhookRepository,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
    @Inject(WEBHOOK_RESOLVER) resolver: Resolver,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    @Inject(READER_GRANTS) private readonly grants: ReaderGrants,
  ) {
    this.poster = new WebhookPoster(deliveryLookup(resolver, options.webhookAllowPrivateTargets));
  }

  onApplicationBootstrap(): void {
    for (const hook of this.repository.list()) if (hook.status === 'active') this.start(hook.id);
  }

  start(id: string): void {
    if (this.workers.has(id)) return;
    const worker = new WebhookWorker(
      id,
      this.store,
      this.repository,
      this.options,
      this.poster,
      this.personalData,
      this.grants,
      this.logger,
      (w) => {
        if (this.workers.get(id) === w) this.workers.delete(id);
      },
      this.failing,
    );
    this.workers.set(id, worker);
    worker.start();
  }

  async stop(id: string): Promise<void> {
    const worker = this.workers.get(id);
    if (!worker) return;
    this.workers.delete(id);
    await worker.stop();
  }

  /** Deliveries that failed last time they were tried (of this process's run), for /health. */
  failures(): FailingDelivery[] {
    for (const id of this.failing.keys()) if (!this.repository.get(id)) this.failing.delete(id);
    return [...this.failing.values()].map((failure) => ({ ...failure }));
  }

  /** Ids of the webhooks being delivered right now. */
  running(): string[] {
    return [...this.workers.keys()];
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((id) => this.stop(id)));
    this.poster.close();
  }
}
