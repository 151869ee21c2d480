import { EventEmitter } from 'node:events';
import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.port.js';

/** Commits on one file wake subscriptions of every store instance in this process that has it open. */
export const commitSignals = new EventEmitter();
commitSignals.setMaxListeners(0);

export interface SubscriptionSource {
  read(after: number, limit: number): StoredEvent[];
  signalKey: string;
  pollIntervalMs: number;
}

/**
 * Always reads by position from the file, whether catching up or live, so the switch between the
 * two can neither skip nor repeat an event.
 */
export class SqliteSubscription implements Subscription {
  private closed = false;
  private dirty = true;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCommit = (): void => {
    this.dirty = true;
    this.wakeUp?.();
  };

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscribeOptions,
    private readonly onClosed: () => void,
  ) {
    commitSignals.on(source.signalKey, this.onCommit);
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<StoredEvent> {
    let after = this.options.after ?? 0;
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        this.dirty = false;
        const page = this.source.read(after, batchSize);
        for (const event of page) {
          yield event;
          after = event.position;
          if (this.closed) return;
        }
        if (page.length < batchSize && !this.dirty) await this.waitForCommit();
      }
    } finally {
      await this.close();
    }
  }

  private waitForCommit(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      // The fallback for appends by another process, which cannot signal this one.
      this.timer = setTimeout(done, this.source.pollIntervalMs);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    commitSignals.off(this.source.signalKey, this.onCommit);
    this.wakeUp?.();
    this.onClosed();
  }
}
