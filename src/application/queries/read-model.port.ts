type Filter = Record<string, string | number | boolean | null>;
/** A case-insensitive substring of any of the fields named by `paths`, or a document among `keys`. */
type Search = { text: string; paths: readonly string[]; keys?: readonly string[] };

/** Where a page of interval items resumes: after this due day (a day number) and document key. */
export interface IntervalCursor {
  at: number;
  key: string;
}

/** What the queries need of the read models: documents by key, pages, and read-your-writes. */
export interface ReadModels {
  get<Doc>(projection: string, key: string): Doc | undefined;
  list<Doc>(
    projection: string,
    options: { filter?: Filter; search?: Search; after?: string; limit?: number; offset?: number },
  ): Doc[];
  count(projection: string, filter?: Filter, search?: Search): number;
  /** Each document's key and its value at a field path. */
  values(projection: string, path: string): [string, unknown][];
  /**
   * Items whose interval holds `day` and whose due day is at most `atMost` (Projection.intervals), by due
   * day then key; with `page`, at most about `limit` of them after `page.after`, and where the next resumes.
   */
  intervalItems<Item>(
    projection: string,
    day: number,
    atMost: number,
    page?: { limit: number; after?: IntervalCursor | undefined },
  ): { items: Item[]; next: IntervalCursor | null };
  /** Resolves true once every read model has applied `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
  position(): number;
  /** Changes whenever any read-model document may have changed (a commit, a generation switch). */
  epoch(): number;
}

export const READ_MODELS = Symbol('READ_MODELS');

/** Lag and checkpoints of the projections, for /health and /metrics. */
export interface ProjectionHealth {
  status(): Promise<{
    running: boolean;
    head: number;
    position: number;
    lag: number;
    projections: {
      name: string;
      version: number | undefined;
      checkpoint: number;
      lag: number;
      state: string;
    }[];
    lastError?: string;
    /** Projections stopped just before an event they throw on. */
    poisoned: PoisonedProjection[];
  }>;
  metrics(): Promise<string>;
  /** Lets a poisoned projection (every one without a name) try its event again; answers those cleared. */
  retry(projection?: string): PoisonedProjection[];
  projectionNames(): string[];
}

export interface PoisonedProjection {
  projection: string;
  position: number;
  eventId: string;
  streamId: string;
  type: string;
  error: string;
  since: string;
}

export const PROJECTION_HEALTH = Symbol('PROJECTION_HEALTH');
