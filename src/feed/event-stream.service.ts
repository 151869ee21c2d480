import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_STORE, type EventStore, type Subscription } from '../event-store/event-store.port.js';
import { toFeedEvent, type FeedEvent, type FeedReader } from './feed-event.js';
import { PERSONAL_DATA, type PersonalData, type PersonalView } from '../personal-data/personal-data.js';
import { FEED_OPTIONS, type FeedOptions } from './feed-options.js';

export interface StreamConnectionInfo {
  id: number;
  /** The position the stream started after. */
  after: number;
  types?: string[];
  /** Position of the last event written to the client (`after` before the first). */
  lastPosition: number;
  sent: number;
  /** Bytes accepted by the response but not yet taken by the socket: what a slow client costs us. */
  bufferedBytes: number;
  /** True while the stream waits for the client to read before taking the next event. */
  waitingForDrain: boolean;
  /** How many times the stream has had to wait for the client. */
  drainWaits: number;
  openedAt: string;
}

interface Connection extends Omit<StreamConnectionInfo, 'bufferedBytes'> {
  res: ServerResponse;
  reader: FeedReader;
  subscription: Subscription;
  closed: boolean;
  done: Promise<void>;
  /** Ends a wait for 'drain' when the stream is stopped from this side. */
  wake?: () => void;
}

/**
 * Events a stream reads ahead of its client: a client that stops reading holds one such page in the
 * server's memory (with the store's default of 500, 40 stalled clients cost 120 MiB, now 50 MiB).
 */
const STREAM_PAGE = 50;

export const sseFrame = (event: FeedEvent): string =>
  `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * Server-Sent Events over the global log: catch-up then live from one subscription that reads by
 * position, so neither the switch to live nor a reconnection (Last-Event-ID) can skip or repeat.
 * Backpressure: the next event is pulled from the subscription only after the socket took the last one.
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private readonly logger = new Logger('EventStream');
  private readonly connections = new Map<number, Connection>();
  private nextId = 1;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  /**
   * Sends the headers and starts streaming; returns at once, the stream runs until either side closes.
   * `takeOver` runs once the subscription exists, before anything is written: the framework must leave
   * the response to this stream from then on.
   */
  open(
    req: IncomingMessage,
    res: ServerResponse,
    start: { after: number; types?: string[]; view: PersonalView },
    takeOver: () => void = () => undefined,
  ): void {
    // Subscribe before the headers go out, so a store that cannot subscribe still gets a problem answer.
    const subscription = this.store.subscribeToAll({
      after: start.after,
      batchSize: STREAM_PAGE,
      ...(start.types ? { types: start.types } : {}),
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    req.setTimeout(0);
    takeOver();
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${this.options.sseRetryMs}\n: catching up after position ${start.after}\n\n`);

    const connection: Connection = {
      id: this.nextId++,
      after: start.after,
      ...(start.types ? { types: start.types } : {}),
      lastPosition: start.after,
      sent: 0,
      waitingForDrain: false,
      drainWaits: 0,
      openedAt: new Date().toISOString(),
      res,
      reader: { personalData: this.personalData, view: start.view },
      subscription,
      closed: false,
      done: Promise.resolve(),
    };
    this.connections.set(connection.id, connection);
    res.on('close', () => this.stop(connection));
    connection.done = this.pump(connection);
  }

  private async pump(connection: Connection): Promise<void> {
    const { res, subscription } = connection;
    const heartbeat = setInterval(() => {
      // A heartbeat is skipped while the client is behind: it would only add to the backlog.
      if (!connection.closed && !res.writableNeedDrain)
        res.write(`: heartbeat ${new Date().toISOString()}\n\n`);
    }, this.options.heartbeatMs);
    heartbeat.unref();
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      while (!connection.closed) {
        const next = await iterator.next();
        if (next.done || connection.closed) break;
        const event = toFeedEvent(next.value, connection.reader);
        const accepted = res.write(sseFrame(event));
        connection.sent += 1;
        connection.lastPosition = event.position;
        if (!accepted) await this.drained(connection);
      }
    } catch (error) {
      // The client reconnects with Last-Event-ID and resumes where this stream stopped.
      if (!connection.closed) this.logger.warn(`stream ${connection.id} ended: ${String(error)}`);
    } finally {
      clearInterval(heartbeat);
      this.stop(connection);
      await iterator.return?.().catch(() => undefined);
    }
  }

  private drained(connection: Connection): Promise<void> {
    const { res } = connection;
    connection.waitingForDrain = true;
    connection.drainWaits += 1;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        connection.wake = undefined;
        connection.waitingForDrain = false;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
      connection.wake = done;
    });
  }

  private stop(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    this.connections.delete(connection.id);
    // Wakes a subscription waiting for the next commit, so the pump ends and nothing stays subscribed.
    void connection.subscription.close().catch(() => undefined);
    connection.wake?.();
    const { res } = connection;
    // A client that stopped reading would hold a graceful end forever: drop it instead.
    if (res.writableNeedDrain) res.destroy();
    else if (!res.writableEnded) res.end();
  }

  /** What each open stream is doing (for operators and tests). */
  list(): StreamConnectionInfo[] {
    return [...this.connections.values()].map(
      ({
        res,
        reader: _r,
        subscription: _s,
        closed: _c,
        done: _d,
        wake: _w,
        ...info
      }): StreamConnectionInfo => ({
        ...info,
        bufferedBytes: res.writableLength,
      }),
    );
  }

  /** Ends every stream; clients reconnect with Last-Event-ID and lose nothing. */
  async closeAll(): Promise<void> {
    const open = [...this.connections.values()];
    for (const connection of open) this.stop(connection);
    await Promise.all(open.map((c) => c.done));
  }

  async onModuleDestroy(): Promise<void> {
    await this.closeAll();
  }
}
