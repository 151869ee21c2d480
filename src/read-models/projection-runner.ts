/**
 * Feeds the projections from the store's global log and keeps their read models durable.
 *
 * One "feed" reads the log for every generation that answers reads: big `readAll` pages while catching
 * up, then the store's live subscription. Touched documents are committed together with the checkpoint
 * (one transaction for all projections) every N events, or a few milliseconds after the last event, so a
 * crash can neither apply an event twice nor skip one: on restart each projection resumes after its
 * stored checkpoint.
 *
 * A projection whose `version` differs from its stored generation is rebuilt blue-green: a second loop
 * builds the new generation from position 0 (up to the head in worker threads where stream-rebuild.ts
 * can, then in log order) while the old one keeps answering, then the active
 * generation is switched in one transaction and the old table dropped. The old generation keeps
 * following the log only if the old version's projection is still in the list; otherwise it answers
 * frozen at its checkpoint until the switch (waitFor reports that honestly).
 */
import type { EventStore, Subscription } from '../event-store/event-store.port.js';
import type { AnyProjection } from '../../projections/projection.js';
import { logPages } from './log-reader.js';
import {
  applyPage,
  commitLanes,
  PoisonEventError,
  ProjectionLane,
  projectedFor,
  writeBatches,
  type PoisonEvent,
} from './projection-lane.js';
import {
  StaleGenerationError,
  type Generation,
  type GenerationBatch,
  type ReadModelStore,
} from './read-model-store.js';
import { buildLanesByStream, defaultRebuildWorkers } from './stream-rebuild.js';

export interface ProjectionRunnerOptions {
  /** Events per `readAll` page while catching up. */
  pageSize?: number;
  /** While catching up, commit after this many events (or `catchUpFlushMs`, whichever first). */
  catchUpFlushEvents?: number;
  catchUpFlushMs?: number;
  /** While live, commit after this many events, or `flushDelayMs` after the last one. */
  liveFlushEvents?: number;
  flushDelayMs?: number;
  /** Documents kept in memory per projection between commits. */
  maxCachedDocs?: number;
  /** ... and at most this many bytes of their JSON (the heap holds about twice as much). */
  maxCachedBytes?: number;
  /** A backlog of at least this many events is read ahead in a worker thread (SQLite files only). */
  readAheadFrom?: number;
  /** Pause before restarting after an error (store unreachable, generation replaced by another process). */
  retryDelayMs?: number;
  /**
   * Threads that build a read model from the first event stream by stream (one created on a first
   * start, or a new projection version), where stream-rebuild.ts can (a SQLite file, a projection keyed
   * by assignment); default one per core, at most 4; 0 builds in log order in this thread. A start that
   * has both kinds builds them at once, with this many threads each.
   */
  rebuildWorkers?: number;
  onError?: (error: unknown) => void;
  hooks?: {
    /** Awaited once a rebuilt generation has caught up, just before it becomes the active one. */
    beforeActivate?: (projection: string, version: number) => void | Promise<void>;
  };
}

export type ProjectionState = 'live' | 'building' | 'poisoned';

/** A projection stopped just before an event it throws on, until an operator retries it. */
export interface PoisonReport extends PoisonEvent {
  projection: string;
  error: string;
  /** When it was stopped there (ISO 8601). */
  since: string;
}

export interface ProjectionStatus {
  name: string;
  /** Version of the generation that answers reads (undefined: none yet). */
  version: number | undefined;
  /** Global position the answering read model has applied. */
  checkpoint: number;
  /** Events not yet applied, whatever the store counts its positions in (see eventsBetween). */
  lag: number;
  /**
   * `live`: the code's version answers and has caught up with the log; `poisoned`: stopped before the
   * event `poisoned` names; otherwise `building`.
   */
  state: ProjectionState;
  poisoned?: PoisonReport;
  /** A blue-green rebuild in progress: the version being built and how far it got. */
  rebuild?: { version: number; checkpoint: number };
  /**
   * A build from the first event in worker threads (a first start, or the rebuild above): events
   * applied so far of the `of` it builds up to. The checkpoint moves only once it is done.
   */
  workers?: { events: number; of: number };
}

export interface RunnerStatus {
  running: boolean;
  head: number;
  /** Lowest checkpoint of the answering read models. */
  position: number;
  lag: number;
  projections: ProjectionStatus[];
  lastError?: string;
  /** Projections stopped at a poison event (also in `projections`). */
  poisoned: PoisonReport[];
}

interface Waiter {
  position: number;
  projection: string | undefined;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

/** One run of the feed and build loops; aborted as a whole on stop or on the first error. */
class Session {
  active = true;
  error: unknown;
  private readonly aborters = new Set<() => void>();
  /** Settles when the session is aborted (to race against waits that cannot be cancelled). */
  readonly aborted = new Promise<void>((resolve) => this.aborters.add(resolve));

  fail(error: unknown): void {
    if (!this.active) return;
    this.error = error;
    this.abort();
  }

  abort(): void {
    this.active = false;
    for (const fn of this.aborters) fn();
    this.aborters.clear();
  }

  onAbort(fn: () => void): () => void {
    if (!this.active) fn();
    else this.aborters.add(fn);
    return () => this.aborters.delete(fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve();
      }, ms);
      const off = this.onAbort(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Where the store counts lag itself (EventStoreDB), it counts this many events at most: /health stays cheap. */
export const LAG_COUNT_LIMIT = 10_000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The longest a live commit holds the thread before it lets requests in (sliceAndCommit). */
const LIVE_SLICE_MS = 4;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class ProjectionRunner {
  private readonly opts: Required<Omit<ProjectionRunnerOptions, 'hooks' | 'onError'>> &
    Pick<ProjectionRunnerOptions, 'hooks' | 'onError'>;
  /** Projection name -> every version given (the highest is the one to build). */
  private readonly byName = new Map<string, AnyProjection[]>();
  /** Generations that answer reads and follow the log. */
  private readonly feedLanes = new Map<string, ProjectionLane>();
  /** New versions being built from position 0. */
  private readonly buildLanes = new Map<string, ProjectionLane>();
  /** Answering generations whose code is gone: they keep their checkpoint until the switch. */
  private readonly frozen = new Map<string, Generation>();
  private readonly waiters = new Set<Waiter>();
  private state: 'stopped' | 'running' | 'stopping' = 'stopped';
  private session: Session | undefined;
  private supervisor: Promise<void> | undefined;
  /** Last position the feed handed to its lanes. */
  private dispatched = 0;
  private feedIsLive = false;
  private sinceFlush = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** How long the last live commit kept the thread (its slices, not the turns between them). */
  private lastCommitMs = 0;
  /** A live commit under way: until it ends, no event is applied to the lanes it is writing. */
  private committing: Promise<void> | undefined;
  private lastError: unknown;
  private changes = 0;
  /** Projections being built in worker threads right now, and how far they got. */
  private readonly inWorkers = new Map<string, { events: number; of: number }>();
  /** Projection name -> the event it threw on: its lanes stop just before it (ProjectionLane.until). */
  private readonly poisoned = new Map<string, PoisonReport>();
  /** The next session end is a restart an operator asked for, not a failure. */
  private restarting = false;

  constructor(
    private readonly events: EventStore,
    readonly readModels: ReadModelStore,
    projections: readonly AnyProjection[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.opts = {
      pageSize: options.pageSize ?? 5000,
      catchUpFlushEvents: options.catchUpFlushEvents ?? 50_000,
      catchUpFlushMs: options.catchUpFlushMs ?? 1000,
      liveFlushEvents: options.liveFlushEvents ?? 1000,
      flushDelayMs: options.flushDelayMs ?? 2,
      maxCachedDocs: options.maxCachedDocs ?? 2000,
      maxCachedBytes: options.maxCachedBytes ?? 16 * 1024 * 1024,
      retryDelayMs: options.retryDelayMs ?? 1000,
      readAheadFrom: options.readAheadFrom ?? 50_000,
      rebuildWorkers: options.rebuildWorkers ?? defaultRebuildWorkers(),
      hooks: options.hooks,
      onError: options.onError,
    };
    for (const projection of projections) {
      const versions = this.byName.get(projection.name) ?? [];
      if (versions.some((p) => p.version === projection.version)) {
        throw new Error(`projection ${projection.name} v${projection.version} is listed twice`);
      }
      versions.push(projection);
      versions.sort((a, b) => a.version - b.version);
      this.byName.set(projection.name, versions);
    }
  }

  /** Loads checkpoints and starts following the log in the background; does not wait to catch up. */
  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    this.loadLanes();
    this.state = 'running';
    this.supervisor = this.supervise();
  }

  /**
   * Stops following the log. By default what was applied is committed first; `flush: false` drops it,
   * as a crash would (the next start re-applies those events from the stored checkpoint).
   */
  async stop(options: { flush?: boolean } = {}): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.session?.abort();
    await this.supervisor;
    await this.committing?.catch(() => undefined);
    this.clearFlushTimer();
    if (options.flush ?? true) {
      try {
        this.commitFeed();
        commitLanes(this.readModels, this.buildLanes.values());
      } catch (error) {
        this.report(error);
      }
    }
    for (const lane of [...this.feedLanes.values(), ...this.buildLanes.values()]) lane.reset();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters.clear();
    this.state = 'stopped';
  }

  /** Changes whenever an answering document may have changed (a commit, a switch, a reload): for caches. */
  epoch(): number {
    return this.changes;
  }

  /** Lowest checkpoint among the answering read models (or of one projection). */
  position(projection?: string): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const name of this.byName.keys()) {
      if (projection !== undefined && name !== projection) continue;
      const lane = this.feedLanes.get(name);
      const checkpoint = lane ? lane.committed : (this.frozen.get(name)?.position ?? 0);
      lowest = Math.min(lowest, checkpoint);
    }
    return Number.isFinite(lowest) ? lowest : this.dispatched;
  }

  /**
   * Resolves true as soon as every answering read model (or the one named) has committed `position`,
   * false after `timeoutMs` or when the runner stops.
   */
  waitFor(position: number, timeoutMs: number, projection?: string): Promise<boolean> {
    if (this.position(projection) >= position) return Promise.resolve(true);
    if (this.state !== 'running' || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        projection,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** How far the answering read models are behind the log, in events. */
  async lag(projection?: string): Promise<number> {
    const head = await this.events.headPosition();
    return this.eventsBetween(this.position(projection), head, new Map());
  }

  /**
   * head - checkpoint where positions count events (SQLite); counted by the store where they do not
   * (EventStoreDB's are byte offsets), at most LAG_COUNT_LIMIT. `counted` shares counts within one status.
   */
  private async eventsBetween(
    checkpoint: number,
    head: number,
    counted: Map<number, Promise<number>>,
  ): Promise<number> {
    if (head <= checkpoint) return 0;
    if (!this.events.countEvents) return head - checkpoint;
    let count = counted.get(checkpoint);
    if (!count) {
      count = this.events.countEvents(checkpoint, head, LAG_COUNT_LIMIT);
      counted.set(checkpoint, count);
    }
    return count;
  }

  async status(): Promise<RunnerStatus> {
    const head = await this.events.headPosition();
    const counted = new Map<number, Promise<number>>();
    const projections: ProjectionStatus[] = [];
    for (const [name, versions] of this.byName) {
      const target = versions.at(-1)!.version;
      const answering = this.feedLanes.get(name)?.generation ?? this.frozen.get(name);
      const checkpoint = this.position(name);
      const building = this.buildLanes.get(name);
      const status: ProjectionStatus = {
        name,
        version: answering?.version,
        checkpoint,
        lag: await this.eventsBetween(checkpoint, head, counted),
        state: answering?.version === target && this.feedIsLive ? 'live' : 'building',
      };
      if (building) status.rebuild = { version: building.version, checkpoint: building.committed };
      const inWorkers = this.inWorkers.get(name);
      if (inWorkers) status.workers = { ...inWorkers };
      const poisoned = this.poisoned.get(name);
      if (poisoned) {
        status.state = 'poisoned';
        status.poisoned = { ...poisoned };
      }
      projections.push(status);
    }
    const position = this.position();
    const result: RunnerStatus = {
      running: this.state === 'running',
      head,
      position,
      lag: await this.eventsBetween(position, head, counted),
      projections,
      poisoned: [...this.poisoned.values()].map((report) => ({ ...report })),
    };
    if (this.lastError !== undefined) result.lastError = errorText(this.lastError);
    return result;
  }

  /** Prometheus text exposition of the lag and checkpoints. */
  async metrics(): Promise<string> {
    const status = await this.status();
    const lines = [
      `# HELP ledger_read_model_lag_events Events in the log not yet applied to the read model (EventStoreDB: counted up to ${LAG_COUNT_LIMIT}).`,
      '# TYPE ledger_read_model_lag_events gauge',
      ...status.projections.map((p) => `ledger_read_model_lag_events{projection="${p.name}"} ${p.lag}`),
      '# HELP ledger_read_model_checkpoint_position Global position the answering read model has applied.',
      '# TYPE ledger_read_model_checkpoint_position gauge',
      ...status.projections.map(
        (p) => `ledger_read_model_checkpoint_position{projection="${p.name}"} ${p.checkpoint}`,
      ),
      '# HELP ledger_read_model_rebuilding 1 while a new version of the projection is being built.',
      '# TYPE ledger_read_model_rebuilding gauge',
      ...status.projections.map(
        (p) => `ledger_read_model_rebuilding{projection="${p.name}"} ${p.rebuild ? 1 : 0}`,
      ),
      '# HELP ledger_read_model_worker_build_events Events a build in worker threads has applied so far (0: none running).',
      '# TYPE ledger_read_model_worker_build_events gauge',
      ...status.projections.map(
        (p) => `ledger_read_model_worker_build_events{projection="${p.name}"} ${p.workers?.events ?? 0}`,
      ),
      '# HELP ledger_read_model_poisoned 1 while the projection is stopped before an event it throws on.',
      '# TYPE ledger_read_model_poisoned gauge',
      ...status.projections.map(
        (p) => `ledger_read_model_poisoned{projection="${p.name}"} ${p.poisoned ? 1 : 0}`,
      ),
      '# HELP ledger_event_store_head_position Position of the last event in the log.',
      '# TYPE ledger_event_store_head_position gauge',
      `ledger_event_store_head_position ${status.head}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  /** Builds the lanes from what the read-model store holds: resumes, creates or drops generations. */
  private loadLanes(): void {
    this.feedLanes.clear();
    this.buildLanes.clear();
    this.frozen.clear();
    const lane = (projection: AnyProjection, generation: Generation): ProjectionLane =>
      new ProjectionLane(
        this.readModels,
        projection,
        generation,
        this.opts.maxCachedDocs,
        this.opts.maxCachedBytes,
      );
    for (const [name, versions] of this.byName) {
      const target = versions.at(-1)!;
      const active = this.readModels.active(name);
      const building = this.readModels.generations(name).filter((g) => g.status === 'building');
      const resumable = building.filter((g) => g.version === target.version).at(-1);
      const keep = active?.version === target.version ? undefined : resumable;
      for (const g of building) if (g !== keep) this.readModels.dropGeneration(g.id);
      if (active?.version === target.version) {
        this.feedLanes.set(name, lane(target, active));
      } else if (!active) {
        if (keep) this.readModels.activate(keep.id);
        const generation = keep
          ? this.readModels.generation(keep.id)!
          : this.readModels.createGeneration(name, target.version, {
              activate: true,
              intervals: target.intervals === true,
            });
        this.feedLanes.set(name, lane(target, generation));
      } else {
        const old = versions.find((p) => p.version === active.version);
        if (old) this.feedLanes.set(name, lane(old, active));
        else this.frozen.set(name, active);
        this.buildLanes.set(
          name,
          lane(
            target,
            keep ??
              this.readModels.createGeneration(name, target.version, {
                intervals: target.intervals === true,
              }),
          ),
        );
      }
    }
    for (const lane of [...this.feedLanes.values(), ...this.buildLanes.values()]) {
      const poison = this.poisoned.get(lane.name);
      if (poison) lane.until = poison.position - 1;
    }
    this.feedIsLive = false;
    // After a reload the checkpoints may already be where a reader waits (another process moved them).
    this.answeringMoved();
  }

  private async supervise(): Promise<void> {
    while (this.state === 'running') {
      const session = new Session();
      this.session = session;
      await Promise.all(
        [this.feed(session), this.build(session)].map((task) => task.catch((e) => session.fail(e))),
      );
      this.clearFlushTimer();
      if (this.state !== 'running') return;
      const restart = this.restarting && session.error === undefined;
      this.restarting = false;
      if (session.error instanceof PoisonEventError) this.quarantine(session.error);
      else if (!restart) this.report(session.error ?? new Error('the event store subscription ended'));
      if (!restart) {
        const pause = new Session();
        this.session = pause;
        await pause.sleep(this.opts.retryDelayMs);
      }
      if (this.state !== 'running') return;
      try {
        this.loadLanes();
      } catch (error) {
        this.report(error);
        for (const lane of [...this.feedLanes.values(), ...this.buildLanes.values()]) lane.reset();
      }
    }
  }

  /**
   * Stops the projections an event poisons just before it (from the next session on, which starts
   * from their checkpoints: the documents the failed evolve may have half-changed are dropped), so the
   * others go on and the runner does not retry in a loop. The report stays until `retry`.
   */
  private quarantine(error: PoisonEventError): void {
    const since = new Date().toISOString();
    const message = error.cause instanceof Error ? error.cause.message : String(error.cause);
    for (const projection of error.projections) {
      this.poisoned.set(projection, { projection, ...error.event, error: message, since });
    }
    this.report(error);
  }

  /**
   * After a fix: the named projection (every poisoned one without a name) tries the event it stopped
   * before again, from its checkpoint. Answers the reports cleared; a poison still there is reported
   * again at once.
   */
  retry(projection?: string): PoisonReport[] {
    const cleared = [...this.poisoned.values()].filter(
      (report) => projection === undefined || report.projection === projection,
    );
    for (const report of cleared) this.poisoned.delete(report.projection);
    if (cleared.length > 0 && this.state === 'running') {
      this.restarting = true;
      this.session?.abort();
    }
    return cleared;
  }

  /** Names of the projections this runner feeds. */
  projectionNames(): string[] {
    return [...this.byName.keys()];
  }

  private report(error: unknown): void {
    this.lastError = error;
    if (this.opts.onError) this.opts.onError(error);
    else console.error(`projection runner: ${errorText(error)}`);
  }

  private async feed(session: Session): Promise<void> {
    // Read models created empty (a first start on an existing log) are built like a rebuild: their
    // reads wait (minPosition) or answer from the empty generation meanwhile, as they would in log order.
    const before = [...this.feedLanes.values()];
    const built = await this.byStream(session, before);
    if (!session.active) return;
    // Only where the lane is still the one that feeds: build() may have switched a new version in
    // meanwhile, dropping the generation of the lane it replaced.
    let replaced = false;
    built.forEach((lane, i) => {
      if (lane === before[i] || this.feedLanes.get(lane.name) !== before[i]) return;
      this.feedLanes.set(lane.name, lane);
      replaced = true;
    });
    if (replaced) this.answeringMoved();
    const head = await this.events.headPosition();
    let after = Number.POSITIVE_INFINITY;
    for (const lane of this.feedLanes.values()) after = Math.min(after, lane.applied);
    if (!Number.isFinite(after)) after = head;
    this.dispatched = after;
    this.sinceFlush = 0;
    let lastFlush = Date.now();
    const backlog = head - after;
    const pages = logPages(this.events, {
      after,
      pageSize: this.opts.pageSize,
      readAhead: backlog >= this.opts.readAheadFrom,
    });
    for await (const page of pages) {
      if (!session.active) return;
      after = this.dispatched = applyPage([...this.feedLanes.values()], page, after);
      this.sinceFlush += page.length;
      if (
        this.sinceFlush >= this.opts.catchUpFlushEvents ||
        Date.now() - lastFlush >= this.opts.catchUpFlushMs
      ) {
        this.commitFeed();
        lastFlush = Date.now();
      }
    }
    if (!session.active) return;
    this.commitFeed();
    this.feedIsLive = true;
    const subscription: Subscription = this.events.subscribeToAll({ after, batchSize: this.opts.pageSize });
    const off = session.onAbort(() => void subscription.close());
    try {
      for await (const stored of subscription) {
        if (this.committing) await this.committing;
        if (!session.active) break;
        if (stored.position <= this.dispatched) continue;
        const event = projectedFor(this.feedLanes.values(), stored);
        for (const lane of this.feedLanes.values()) lane.apply(event);
        this.dispatched = stored.position;
        if (++this.sinceFlush >= this.opts.liveFlushEvents) await this.commitLive(session);
        else this.scheduleFlush(session);
      }
    } finally {
      off();
      await subscription.close();
    }
  }

  private scheduleFlush(session: Session): void {
    if (this.flushTimer) return;
    // A commit rewrites each changed document whole: waiting thrice as long as the last one took keeps
    // commits to a quarter of the time, and a document many events changed meanwhile is written once.
    const delay = Math.max(this.opts.flushDelayMs, 3 * this.lastCommitMs);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (session.active) this.commitLive(session).catch((error: unknown) => session.fail(error));
    }, delay);
  }

  private clearFlushTimer(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /**
   * commitFeed while following the log live: the documents' JSON is made in slices of at most
   * LIVE_SLICE_MS, handing the thread back between them, so a commit of many or long documents does not
   * hold every request behind it. The write itself is one transaction, as ever. A session that ends
   * meanwhile writes nothing: its lanes are reset or committed by whoever ended it.
   */
  private commitLive(session: Session): Promise<void> {
    this.committing ??= this.sliceAndCommit(session).finally(() => {
      this.committing = undefined;
    });
    return this.committing;
  }

  private async sliceAndCommit(session: Session): Promise<void> {
    this.clearFlushTimer();
    this.sinceFlush = 0;
    let busy = 0;
    let slice = performance.now();
    const pending: [ProjectionLane, GenerationBatch][] = [];
    for (const lane of this.feedLanes.values()) {
      const steps = lane.serializedBatch();
      let step = steps.next();
      while (!step.done) {
        if (performance.now() - slice >= LIVE_SLICE_MS) {
          busy += performance.now() - slice;
          await nextTurn();
          if (!session.active) return;
          slice = performance.now();
        }
        step = steps.next();
      }
      if (step.value) pending.push([lane, step.value]);
    }
    if (writeBatches(this.readModels, pending)) this.answeringMoved();
    this.lastCommitMs = busy + performance.now() - slice;
  }

  private commitFeed(): void {
    this.clearFlushTimer();
    this.sinceFlush = 0;
    const started = performance.now();
    const committed = commitLanes(this.readModels, this.feedLanes.values());
    this.lastCommitMs = performance.now() - started;
    if (committed) this.answeringMoved();
  }

  /** The answering read models changed (a commit, a switch, a reload): a new epoch; waiters look again. */
  private answeringMoved(): void {
    this.changes++;
    this.notifyWaiters();
  }

  private notifyWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.position(waiter.projection) < waiter.position) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(true);
    }
  }

  /**
   * The lanes at position 0 built up to the head of the log in worker threads where stream-rebuild.ts
   * can (a SQLite file, projections keyed by assignment), returned replaced by lanes at their new
   * checkpoints; the others as they were. This thread stays free to answer reads meanwhile. If that
   * build fails, the lanes come back unchanged, to be built in log order.
   */
  private async byStream(session: Session, lanes: ProjectionLane[]): Promise<ProjectionLane[]> {
    if (this.opts.rebuildWorkers < 1 || !lanes.some((lane) => lane.applied === 0)) return lanes;
    const abort = new AbortController();
    const off = session.onAbort(() => abort.abort());
    const names = new Set<string>();
    try {
      const built = await buildLanesByStream(this.events, this.readModels, lanes, {
        workers: this.opts.rebuildWorkers,
        pageSize: this.opts.pageSize,
        maxCachedDocs: this.opts.maxCachedDocs,
        maxCachedBytes: this.opts.maxCachedBytes,
        signal: abort.signal,
        onProgress: ({ events, head, projections }) => {
          for (const name of projections) {
            names.add(name);
            this.inWorkers.set(name, { events, of: head });
          }
        },
      });
      return built.lanes;
    } catch (error) {
      // Another process adopted its own build of the generation first (which may also have dropped
      // this build's staging table under its workers): reload the lanes from there.
      if (error instanceof StaleGenerationError) throw error;
      for (const lane of lanes) {
        if (lane.applied !== 0) continue;
        const now = this.readModels.generation(lane.generation.id);
        if (now?.position !== 0) {
          throw new StaleGenerationError(
            lane.generation.id,
            now ? `built to ${now.position} by another process meanwhile` : 'was dropped meanwhile',
          );
        }
      }
      // Whatever else failed there (a worker, a log out of stream order), log order may get through.
      if (session.active) {
        this.report(
          new Error(`building in log order: the stream-by-stream build failed: ${errorText(error)}`),
        );
      }
      return lanes;
    } finally {
      off();
      for (const name of names) this.inWorkers.delete(name);
    }
  }

  /**
   * Builds new versions from their checkpoint (0 for a fresh one), then switches them in. A fresh one is
   * first built up to the head of the log in worker threads where it can (stream-rebuild.ts): this thread
   * stays free to answer reads, and a blue-green rebuild takes as long as `ledger replay` does.
   */
  private async build(session: Session): Promise<void> {
    if (this.buildLanes.size === 0) return;
    const lanes = await this.byStream(session, [...this.buildLanes.values()]);
    if (!session.active) return;
    for (const lane of lanes) this.buildLanes.set(lane.name, lane);
    let after = Math.min(...lanes.map((lane) => lane.applied));
    let sinceFlush = 0;
    let lastFlush = Date.now();
    let hooked = false;
    while (session.active) {
      await nextTurn();
      if (!session.active) return;
      const page = await this.events.readAll({ after, limit: this.opts.pageSize });
      if (!session.active) return;
      after = applyPage(lanes, page, after);
      sinceFlush += page.length;
      const caughtUp = page.length < this.opts.pageSize && after >= this.dispatched;
      if (
        caughtUp ||
        sinceFlush >= this.opts.catchUpFlushEvents ||
        Date.now() - lastFlush >= this.opts.catchUpFlushMs
      ) {
        commitLanes(this.readModels, lanes);
        sinceFlush = 0;
        lastFlush = Date.now();
      }
      if (!caughtUp) continue;
      const hook = this.opts.hooks?.beforeActivate;
      if (hook && !hooked) {
        hooked = true;
        for (const lane of lanes) await Promise.race([hook(lane.name, lane.version), session.aborted]);
        continue; // the log may have moved while the hook ran
      }
      if (this.committing) {
        // Its batch names the generations about to be replaced: hand over once it is written.
        await this.committing.catch(() => undefined);
        continue;
      }
      // Synchronous from here: the feed cannot dispatch between the check above and the hand-over.
      for (const lane of lanes) {
        this.readModels.activate(lane.generation.id, lane.committed);
        this.feedLanes.set(lane.name, lane);
        this.buildLanes.delete(lane.name);
        this.frozen.delete(lane.name);
      }
      this.answeringMoved();
      return;
    }
  }
}
