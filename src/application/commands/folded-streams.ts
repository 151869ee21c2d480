import type { AssignmentState } from '../../domain/assignment/index.js';

/** A stream's state folded up to `revision`, and the idempotency keys of its commands. */
export interface FoldedStream {
  /** Revision of the last event folded in (-1: no event yet). */
  revision: number;
  state: AssignmentState;
  commandIds: Set<string>;
}

export interface FoldedStreamCacheOptions {
  /** At most this many events' worth of folded state is kept: ~0.6 KB of heap each for expense claims. */
  maxEvents?: number;
  maxStreams?: number;
}

/**
 * Folded states of recently written streams, least recently used out first. An entry is only ever a
 * prefix of the stored stream: the handler reads what was appended after its revision before using it.
 * A write takes its stream's entry out while it runs, so the state it folds into in place is its own.
 */
export class FoldedStreamCache {
  private readonly entries = new Map<string, FoldedStream>();
  private events = 0;
  private readonly maxEvents: number;
  private readonly maxStreams: number;

  constructor(options: FoldedStreamCacheOptions = {}) {
    this.maxEvents = options.maxEvents ?? 40_000;
    this.maxStreams = options.maxStreams ?? 2_000;
  }

  get(streamId: string): FoldedStream | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      // Map order is insertion order: moving a hit to the end keeps the oldest first.
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  /** The entry, out of the cache: its taker alone holds it (and may fold into it) until it sets it back. */
  take(streamId: string): FoldedStream | undefined {
    const entry = this.entries.get(streamId);
    if (entry) this.delete(streamId);
    return entry;
  }

  set(streamId: string, entry: FoldedStream): void {
    this.delete(streamId);
    this.entries.set(streamId, entry);
    this.events += entry.revision + 1;
    for (const [oldest, old] of this.entries) {
      if (this.events <= this.maxEvents && this.entries.size <= this.maxStreams) break;
      if (oldest === streamId) break;
      this.entries.delete(oldest);
      this.events -= old.revision + 1;
    }
  }

  clear(): void {
    this.entries.clear();
    this.events = 0;
  }

  delete(streamId: string): void {
    const old = this.entries.get(streamId);
    if (!old) return;
    this.entries.delete(streamId);
    this.events -= old.revision + 1;
  }
}

/** Runs tasks of one key one after the other, tasks of different keys side by side. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
