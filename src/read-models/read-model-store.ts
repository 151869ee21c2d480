/**
 * Durable storage for projection documents (better-sqlite3). One table per projection *generation*
 * (`doc_<name>_v<version>_g<id>`: key -> JSON document; beside it `items_g<id>`, the elements of
 * append-only lists stored apart, GenerationBatch.items), a `checkpoints` row per generation (global
 * position applied, building|live) and an `active` row per projection naming the generation that answers
 * reads. Documents and their checkpoint are written in one transaction, so after any crash the stored
 * documents are exactly "every event up to the checkpoint", never one event twice or one skipped.
 *
 * Durability: WAL with synchronous=NORMAL. A power cut may lose the last few commits, but WAL keeps every
 * commit atomic, so what survives is still documents + checkpoint of one consistent moment; the runner
 * then re-applies the lost events from that older checkpoint. Read models are derived data: FULL's fsync
 * per commit would buy nothing but latency.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkpointInBackground } from '../sqlite/wal-checkpointer.js';

export type GenerationStatus = 'building' | 'live';

export interface Generation {
  /** Generation id, unique in this file. */
  id: number;
  projection: string;
  version: number;
  table: string;
  /** Global position of the last event applied (0 = none yet). */
  position: number;
  status: GenerationStatus;
}

/** One generation's writes for `commit`: changed documents (null removes one) and the new checkpoint. */
export interface GenerationBatch {
  generation: number;
  /** Documents by key (null or undefined: remove it); their JSON text already when `serialized`. */
  docs: ReadonlyMap<string, unknown>;
  serialized?: boolean;
  /**
   * With it, `docs` are heads: documents whose append-only lists (Projection.appendOnly) hold only
   * what was stored with the head before, and these are the elements to add to them, as [list, JSON]
   * in order. Without it a document written replaces its whole self, elements stored apart included.
   */
  items?: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  /** The checkpoint this batch started from: a compare-and-set that stops two writers applying twice. */
  from: number;
  position: number;
  /** Filled by `commit`, when given: the length of each document's JSON as written. */
  sizes?: Map<string, number>;
}

/** Equality on fields inside the JSON document; a dotted path reaches nested fields (`employee.id`). */
export type DocFilter = Readonly<Record<string, string | number | boolean | null>>;

/** Case-insensitive substring of any of these fields (dotted paths, as in DocFilter). */
export interface DocSearch {
  text: string;
  paths: readonly string[];
  /** Documents that match besides, by key (a field the store cannot read, such as a sealed name). */
  keys?: readonly string[];
}

export interface ListOptions {
  filter?: DocFilter;
  search?: DocSearch;
  /** Keyset paging: only documents whose key sorts after this one. */
  after?: string;
  limit?: number;
  offset?: number;
}

export interface ReadModelStoreOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock. */
  busyTimeoutMs?: number;
  /**
   * Throwaway storage (verification): no journal, no fsync. A crash can corrupt such a file, which is
   * fine only because nothing reads it after the process that wrote it.
   */
  scratch?: boolean;
  /** SQLite's page cache for this connection, in MiB (default 64: bulk rebuilds write many documents). */
  cacheMb?: number;
}

/** The generation was dropped, replaced or advanced by another writer: reload before writing again. */
export class StaleGenerationError extends Error {
  constructor(
    readonly generation: number,
    detail: string,
  ) {
    super(`read-model generation ${generation}: ${detail}`);
    this.name = 'StaleGenerationError';
  }
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const tableName = (projection: string, version: number, id: number): string =>
  `doc_${projection.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_v${version}_g${id}`;

/**
 * Where a bulk rebuild writes a generation's documents before they become its table (`adoptStaging`):
 * one table per build (`staging_g<id>_p<pid>_<token>_<n>`), named after the process, so two processes
 * building the same generation (two servers started together on one file) never write into each other's
 * table; one adopts, the other's adoption fails on the checkpoint. The token is drawn per process: two
 * containers sharing the file both run as pid 1, and their tables must not share a name either.
 * `staging_g<id>` alone, and `_p<pid>_<n>` without a token, are what earlier versions named theirs.
 */
const stagingPrefix = (id: number): string => `staging_g${id}`;
/**
 * A staging table of a generation with intervals has its own due-order table, unindexed, which
 * `insertJson` fills with each document's intervals (the rebuild workers parse them in parallel, each
 * while the others build); `adoptStaging` moves it into place, indexes it and fills the R-tree from it.
 */
const stagingDue = (table: string): string => `${table}_due`;
/** The staging table a table of this name belongs to: itself, or the one whose due-order table it is. */
const stagingBase = (table: string): string => table.replace(/_due$/, '');
const STAGING_OWNER = /_p(\d+)_(?:([0-9a-f]+)_)?\d+$/;
const STAGING_TOKEN = randomBytes(6).toString('hex');
/** Staging tables this process is building right now (none is shared between two builds). */
const building = new Set<string>();
let stagingCount = 0;

/** False only when the process is known to be gone (signal 0 checks without signalling). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

interface GenerationRow {
  id: number;
  projection: string;
  version: number;
  table_name: string;
  position: number;
  status: GenerationStatus;
}

const toGeneration = (row: GenerationRow): Generation => ({
  id: row.id,
  projection: row.projection,
  version: row.version,
  table: row.table_name,
  position: row.position,
  status: row.status,
});

/**
 * The R-tree of a generation whose documents carry `intervals` (Projection.intervals): one row per
 * interval, kept by triggers on the generation's table, id = the document's rowid * 4096 + its index
 * (a document holds fewer than 4096 intervals). rtree_i32: day numbers are whole. Keys and items live
 * in the due-order table; an R-tree made before it holds them too (+key, +item), read only then.
 */
const intervalTable = (id: number): string => `intervals_g${id}`;
/**
 * Beside the R-tree, the same intervals and items in a table indexed by (at, key, id): a page of items due
 * from a day on is an ordered index walk that stops after the page, where the R-tree would fetch and sort
 * every match by key (~2 µs each, 2,700 of them in a window reaching 31 December).
 */
const dueTable = (id: number): string => `intervals_due_g${id}`;

/** A generation's elements of append-only lists, stored apart from their documents (GenerationBatch.items). */
const itemsTable = (id: number): string => `items_g${id}`;

/** Where a page of interval items resumes: after this due day (day number) and document key. */
export interface IntervalCursor {
  at: number;
  key: string;
}
interface IntervalRow {
  at: number;
  key: string;
  id: number;
}
/** Up to `n` rows of generation `id` open on `day`, due by `atMost`, after the cursor (or the rest of `group`). */
type IntervalScan = (
  id: number,
  day: number,
  atMost: number,
  after: IntervalCursor | undefined,
  n: number,
  group?: IntervalRow,
) => IntervalRow[];
export interface IntervalPage {
  limit: number;
  after?: IntervalCursor | undefined;
}
const MAX_INTERVALS = 4096;
const DUE_COLUMNS = '(id, at, key, fromDay, toDay, item)';
/** The due-order rows of a document's intervals, from its rowid, key and JSON (SQL expressions), `from` a table. */
const dueRowsOf = (rowid: string, key: string, doc: string, from = ''): string =>
  `SELECT ${rowid} * ${MAX_INTERVALS} + j.key, json_extract(j.value, '$.at'), ${key}, ` +
  `json_extract(j.value, '$.from'), json_extract(j.value, '$.to'), json_extract(j.value, '$.item') ` +
  `FROM ${from}json_each(${doc}, '$.intervals') AS j`;
const dueTableSql = (name: string): string =>
  `CREATE TABLE "${name}" (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, key TEXT NOT NULL, fromDay INTEGER NOT NULL, toDay INTEGER NOT NULL, item TEXT NOT NULL)`;

const bindable = (value: string | number | boolean | null): string | number | null =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value;

export class ReadModelStore {
  readonly path: string;
  /** Throwaway storage (no journal, no fsync): see ReadModelStoreOptions.scratch. */
  readonly scratch: boolean;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Generations known to have an items table: it is made on first use and goes with its generation. */
  private readonly withItems = new Set<number>();
  private readonly stopCheckpoints: () => void = () => undefined;
  /** A read-only file that has never been written by a ReadModelStore: it holds nothing. */
  private readonly empty: boolean = false;

  constructor(path: string, options: ReadModelStoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.scratch = !options.readonly && (options.scratch ?? false);
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(this.path), { recursive: true });
    this.db = new Database(this.path, { readonly: options.readonly ?? false });
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.readonly) {
      this.empty =
        this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'active'").get() ===
        undefined;
      return;
    }
    // Documents run to tens of kilobytes: 16 KiB pages halve the cost of writing them (4 KiB pages chain
    // overflow pages) while a live commit of a few small documents still writes little. New files only.
    this.db.pragma('page_size = 16384');
    this.db.pragma(`cache_size = -${Math.max(1, Math.floor(options.cacheMb ?? 64)) * 1024}`);
    if (options.scratch) {
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
    } else if (path !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.stopCheckpoints = checkpointInBackground(this.db, this.path, 1000, 'NORMAL');
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS checkpoints (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        projection TEXT NOT NULL,
        version INTEGER NOT NULL,
        table_name TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('building', 'live'))
      );
      CREATE TABLE IF NOT EXISTS active (
        projection TEXT PRIMARY KEY,
        generation INTEGER NOT NULL REFERENCES checkpoints(id)
      );
    `);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private forgetTable(table: string): void {
    for (const sql of this.statements.keys()) if (sql.includes(`"${table}"`)) this.statements.delete(sql);
  }

  /** Every generation, or those of one projection, oldest first. */
  generations(projection?: string): Generation[] {
    if (this.empty) return [];
    const rows = (
      projection === undefined
        ? this.stmt('SELECT * FROM checkpoints ORDER BY id').all()
        : this.stmt('SELECT * FROM checkpoints WHERE projection = ? ORDER BY id').all(projection)
    ) as GenerationRow[];
    return rows.map(toGeneration);
  }

  generation(id: number): Generation | undefined {
    if (this.empty) return undefined;
    const row = this.stmt('SELECT * FROM checkpoints WHERE id = ?').get(id) as GenerationRow | undefined;
    return row && toGeneration(row);
  }

  /** The generation that answers reads for this projection, if any. */
  active(projection: string): Generation | undefined {
    if (this.empty) return undefined;
    const row = this.stmt(
      'SELECT c.* FROM active a JOIN checkpoints c ON c.id = a.generation WHERE a.projection = ?',
    ).get(projection) as GenerationRow | undefined;
    return row && toGeneration(row);
  }

  /** Projection name -> active generation, for every projection that has one. */
  activeAll(): Map<string, Generation> {
    if (this.empty) return new Map();
    const rows = this.stmt(
      'SELECT c.* FROM active a JOIN checkpoints c ON c.id = a.generation ORDER BY a.projection',
    ).all() as GenerationRow[];
    return new Map(rows.map((r) => [r.projection, toGeneration(r)]));
  }

  /**
   * A new, empty generation at position 0. With `activate` it answers reads at once (status live), which
   * is right only when nothing answered before: otherwise build it and `activate` it once caught up.
   */
  createGeneration(
    projection: string,
    version: number,
    options: { activate?: boolean; intervals?: boolean } = {},
  ): Generation {
    return this.db.transaction(() => {
      const { id } = this.stmt(
        "INSERT INTO checkpoints (projection, version, table_name, position, status) VALUES (?, ?, ?, 0, 'building') RETURNING id",
      ).get(projection, version, 'pending') as { id: number };
      const table = tableName(projection, version, id);
      this.db.exec(`CREATE TABLE "${table}" (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      this.stmt('UPDATE checkpoints SET table_name = ? WHERE id = ?').run(table, id);
      if (options.intervals) {
        this.db.exec(
          `CREATE VIRTUAL TABLE "${intervalTable(id)}" USING rtree_i32(id, fromDay, toDay, atMin, atMax)`,
        );
        this.indexIntervals(table, intervalTable(id), dueTable(id));
      }
      if (options.activate) this.activateNow(id);
      return this.generation(id)!;
    })();
  }

  private hasTable(name: string): boolean {
    return this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  private hasIntervals(id: number): boolean {
    return this.hasTable(intervalTable(id));
  }

  /**
   * Fills the due-order table `due` from `table`'s documents (unless `filled`: it holds their intervals,
   * unindexed), then the R-tree `ix` from it, and keeps both up to date with one set of triggers on
   * `table`: a document's intervals are parsed once per write, and removed by their id range
   * (rowid * 4096 ...) without being parsed at all.
   */
  private indexIntervals(table: string, ix: string, due: string, filled = false): void {
    const idsOf = (ref: string) =>
      `id BETWEEN ${ref}.rowid * ${MAX_INTERVALS} AND ${ref}.rowid * ${MAX_INTERVALS} + ${MAX_INTERVALS - 1}`;
    const treeColumns = '(id, fromDay, toDay, atMin, atMax)';
    const fromDue = 'SELECT id, fromDay, toDay, at, at';
    // The R-tree finds its rows by id one at a time (it has no range over ids): through the table's.
    const remove =
      `DELETE FROM "${ix}" WHERE id IN (SELECT id FROM "${due}" WHERE ${idsOf('old')}); ` +
      `DELETE FROM "${due}" WHERE ${idsOf('old')};`;
    const insert =
      `INSERT INTO "${due}" ${DUE_COLUMNS} ${dueRowsOf('new.rowid', 'new.key', 'new.doc')}; ` +
      `INSERT INTO "${ix}" ${treeColumns} ${fromDue} FROM "${due}" WHERE ${idsOf('new')};`;
    // Most writes leave a document's intervals as they were: those rewrite no row of either.
    const changed = `json_extract(old.doc, '$.intervals') IS NOT json_extract(new.doc, '$.intervals')`;
    this.forgetTable(due);
    if (!filled)
      this.db.exec(`
        DROP TABLE IF EXISTS "${due}";
        ${dueTableSql(due)};
        INSERT INTO "${due}" ${DUE_COLUMNS} ${dueRowsOf('t.rowid', 't.key', 't.doc', `"${table}" AS t, `)};
      `);
    this.db.exec(`
      CREATE INDEX "${due}_order" ON "${due}" (at, key, id, fromDay, toDay);
      DELETE FROM "${ix}";
      INSERT INTO "${ix}" ${treeColumns} ${fromDue} FROM "${due}";
      CREATE TRIGGER "${ix}_insert" AFTER INSERT ON "${table}" BEGIN ${insert} END;
      CREATE TRIGGER "${ix}_delete" AFTER DELETE ON "${table}" BEGIN ${remove} END;
      CREATE TRIGGER "${ix}_update" AFTER UPDATE OF doc ON "${table}" WHEN ${changed} BEGIN ${remove} ${insert} END;
    `);
  }

  private hasDueTable(id: number): boolean {
    return this.hasTable(dueTable(id));
  }

  private activateNow(id: number): void {
    const gen = this.generation(id);
    if (!gen) throw new StaleGenerationError(id, 'does not exist');
    const previous = this.active(gen.projection);
    this.stmt(
      'INSERT INTO active (projection, generation) VALUES (?, ?) ON CONFLICT(projection) DO UPDATE SET generation = excluded.generation',
    ).run(gen.projection, id);
    this.stmt("UPDATE checkpoints SET status = 'live' WHERE id = ?").run(id);
    // What a rebuild that died or lost before adopting may have left (the runner resumed the generation).
    this.dropStaging(id, () => true);
    if (previous && previous.id !== id) this.dropNow(previous);
  }

  private dropNow(gen: Generation): void {
    this.stmt('DELETE FROM active WHERE generation = ?').run(gen.id);
    this.stmt('DELETE FROM checkpoints WHERE id = ?').run(gen.id);
    this.forgetTable(gen.table);
    this.db.exec(`DROP TABLE IF EXISTS "${gen.table}"`);
    this.forgetTable(intervalTable(gen.id));
    this.db.exec(`DROP TABLE IF EXISTS "${intervalTable(gen.id)}"`);
    this.forgetTable(dueTable(gen.id));
    this.db.exec(`DROP TABLE IF EXISTS "${dueTable(gen.id)}"`);
    this.forgetTable(itemsTable(gen.id));
    this.db.exec(`DROP TABLE IF EXISTS "${itemsTable(gen.id)}"`);
    this.withItems.delete(gen.id);
    this.dropStaging(gen.id, () => true);
  }

  /**
   * Makes the generation answer reads, in one transaction, and drops the one it replaces. With
   * `expectedPosition` the switch happens only if the generation is still at that checkpoint.
   */
  activate(id: number, expectedPosition?: number): void {
    this.db.transaction(() => {
      const gen = this.generation(id);
      if (!gen) throw new StaleGenerationError(id, 'does not exist');
      if (expectedPosition !== undefined && gen.position !== expectedPosition) {
        throw new StaleGenerationError(id, `is at ${gen.position}, expected ${expectedPosition}`);
      }
      this.activateNow(id);
    })();
  }

  /** Removes a generation and its table (a failed or superseded build). */
  dropGeneration(id: number): void {
    this.db.transaction(() => {
      const gen = this.generation(id);
      if (gen) this.dropNow(gen);
    })();
  }

  /**
   * Writes several generations' documents and checkpoints in ONE transaction. Each checkpoint moves only
   * from `from`: if another writer moved it (or dropped the generation), nothing is written at all.
   */
  commit(batches: readonly GenerationBatch[]): void {
    for (const batch of batches) if (batch.items) this.createItemsTable(batch.generation);
    this.db.transaction(() => {
      for (const batch of batches) {
        const moved = this.stmt(
          'UPDATE checkpoints SET position = ? WHERE id = ? AND position = ? RETURNING table_name',
        ).get(batch.position, batch.generation, batch.from) as { table_name: string } | undefined;
        if (!moved) {
          const gen = this.generation(batch.generation);
          throw new StaleGenerationError(
            batch.generation,
            gen ? `checkpoint is ${gen.position}, this writer expected ${batch.from}` : 'was dropped',
          );
        }
        this.writeInto(moved.table_name, batch.generation, batch);
      }
      this.afterWrites();
    })();
  }

  private writeInto(
    table: string,
    generation: number,
    { docs, sizes, serialized = false, items }: Omit<GenerationBatch, 'generation' | 'from' | 'position'>,
  ): void {
    if (docs.size === 0) return;
    const upsert = this.stmt(
      `INSERT INTO "${table}" (key, doc) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET doc = excluded.doc`,
    );
    const remove = this.stmt(`DELETE FROM "${table}" WHERE key = ?`);
    const apart = this.hasItemsTable(generation) ? itemsTable(generation) : undefined;
    const append = apart ? this.stmt(`INSERT INTO "${apart}" (key, list, item) VALUES (?, ?, ?)`) : undefined;
    const dropApart = apart ? this.stmt(`DELETE FROM "${apart}" WHERE key = ?`) : undefined;
    for (const [key, doc] of docs) {
      if (doc === null || doc === undefined) {
        remove.run(key);
        dropApart?.run(key);
        sizes?.set(key, 0);
        continue;
      }
      const json = serialized ? (doc as string) : JSON.stringify(doc);
      upsert.run(key, json);
      sizes?.set(key, json.length);
      if (!items) dropApart?.run(key);
      else for (const [list, item] of items.get(key) ?? []) append!.run(key, list, item);
    }
  }

  /**
   * The table of a generation's list elements stored apart from their documents, made on first use,
   * outside the transaction that writes them: one rolled back would take it away under the cache.
   */
  private createItemsTable(generation: number): void {
    // A generation dropped meanwhile gets none: its commit fails on the checkpoint.
    if (this.hasItemsTable(generation) || !this.generation(generation)) return;
    const table = itemsTable(generation);
    this.db.exec(`
      CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, key TEXT NOT NULL, list TEXT NOT NULL, item TEXT NOT NULL);
      CREATE INDEX "${table}_key" ON "${table}" (key, list, id);
    `);
    this.withItems.add(generation);
  }

  private hasItemsTable(generation: number): boolean {
    if (this.withItems.has(generation)) return true;
    if (!this.hasTable(itemsTable(generation))) return false;
    this.withItems.add(generation);
    return true;
  }

  /** The elements of a document's lists stored apart, as [list, JSON array of them]. */
  private apart(generation: number, key: string): [string, string][] {
    if (!this.hasItemsTable(generation)) return [];
    return this.stmt(
      `SELECT list, '[' || group_concat(item, ',' ORDER BY id) || ']' FROM "${itemsTable(generation)}" WHERE key = ? GROUP BY list`,
    )
      .raw(true)
      .all(key) as [string, string][];
  }

  /** A stored document made whole: its head, with the elements stored apart appended to their lists. */
  private wholeDoc<Doc>(
    generation: number,
    key: string,
    head: string,
    lists = this.apart(generation, key),
  ): Doc {
    const doc = JSON.parse(head) as Record<string, unknown[] | undefined>;
    for (const [list, json] of lists) {
      const elements = JSON.parse(json) as unknown[];
      const stored = doc[list];
      doc[list] = stored && stored.length > 0 ? stored.concat(elements) : elements;
    }
    return doc as Doc;
  }

  /** wholeDoc as JSON text; the head itself when nothing is stored apart. */
  private whole(generation: number, key: string, head: string): string {
    const lists = this.apart(generation, key);
    return lists.length === 0 ? head : JSON.stringify(this.wholeDoc(generation, key, head, lists));
  }

  /** Runs inside every commit after all its writes, before COMMIT: tests throw here to crash at the worst moment. */
  protected afterWrites(): void {}

  /**
   * Documents without moving the checkpoint: only for a generation nothing reads or resumes before its
   * final `commit` (a bulk rebuild writing out documents it has no room for).
   */
  writeDocs(generation: number, batch: Pick<GenerationBatch, 'docs' | 'serialized' | 'items'>): void {
    if (batch.items) this.createItemsTable(generation);
    this.db.transaction(() => {
      const gen = this.generation(generation);
      if (!gen) throw new StaleGenerationError(generation, 'was dropped');
      this.writeInto(gen.table, generation, batch);
    })();
  }

  /**
   * Bulk rebuilds only: whole documents as JSON text (`[key, json]`), each key new to its generation's
   * table (a key already there fails the whole call), checkpoints untouched; one IMMEDIATE transaction.
   * For generations nothing reads or resumes until their checkpoint is set (`commit` with no documents),
   * which several connections (rebuild workers) may fill in turn. A staging table's due-order table, if
   * it has one, gets the documents' intervals.
   */
  insertJson(
    batches: readonly { generation: Generation; rows: readonly (readonly [string, string])[] }[],
  ): void {
    this.db
      .transaction(() => {
        for (const { generation, rows } of batches) {
          if (rows.length === 0) continue;
          const insert = this.stmt(`INSERT INTO "${generation.table}" (key, doc) VALUES (?, ?)`);
          const due = stagingDue(generation.table);
          if (!this.hasTable(due)) {
            for (const [key, json] of rows) insert.run(key, json);
            continue;
          }
          const intervals = this.stmt(`INSERT INTO "${due}" ${DUE_COLUMNS} ${dueRowsOf('?', '?', '?')}`);
          for (const [key, json] of rows) intervals.run(insert.run(key, json).lastInsertRowid, key, json);
        }
      })
      .immediate();
  }

  /**
   * An empty table beside the generation's, for a bulk rebuild to fill (`insertJson`) while the
   * generation itself stays empty at position 0; `adoptStaging` then makes it the generation's table.
   * Returns the generation as seen through it. A staging table left by a crash goes with its generation
   * (`dropGeneration`, `activate`), or when staging starts again.
   */
  createStaging(generation: Generation): Generation {
    // Left by a build that died, or that failed in this process and was not abandoned. Another token
    // with this pid is taken for an earlier run of this process id (a restart in a container); were it
    // a live twin's, its build fails on the missing table and goes on in log order.
    this.dropStaging(generation.id, (table) => {
      const owner = STAGING_OWNER.exec(table);
      if (!owner) return true;
      if (owner[2] === STAGING_TOKEN) return !building.has(table);
      const pid = Number(owner[1]);
      return pid === process.pid || !processAlive(pid);
    });
    const table = `${stagingPrefix(generation.id)}_p${process.pid}_${STAGING_TOKEN}_${++stagingCount}`;
    this.db.exec(`CREATE TABLE "${table}" (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    if (this.hasIntervals(generation.id)) this.db.exec(dueTableSql(stagingDue(table)));
    building.add(table);
    return { ...generation, table };
  }

  /** A staging table given up (its build failed): dropped, and no longer this process's. */
  abandonStaging(staging: Generation): void {
    building.delete(staging.table);
    if (staging.table.startsWith(`${stagingPrefix(staging.id)}_`)) {
      for (const table of [staging.table, stagingDue(staging.table)]) {
        this.forgetTable(table);
        this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
      }
    }
  }

  /** Drops the generation's staging tables that `which` picks. */
  private dropStaging(id: number, which: (table: string) => boolean): void {
    const prefix = stagingPrefix(id);
    const tables = this.stmt(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND (name = ? OR substr(name, 1, ?) = ?)",
    )
      .pluck()
      .all(prefix, prefix.length + 2, `${prefix}_p`) as string[];
    for (const table of tables) {
      const base = stagingBase(table);
      if (!which(base)) continue;
      building.delete(base);
      this.forgetTable(table);
      this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    }
  }

  /**
   * In one transaction, for each generation: its staging table (`staging`, from createStaging) becomes
   * its table (the empty one is dropped) and its checkpoint moves from 0 to `position`. The documents
   * and their checkpoint arrive together or not at all; a generation no longer at 0 fails the whole call.
   */
  adoptStaging(moves: readonly { staging: Generation; position: number }[]): void {
    if (moves.length === 0) return;
    this.db.transaction(() => {
      for (const { staging, position } of moves) {
        const moved = this.stmt(
          'UPDATE checkpoints SET position = ? WHERE id = ? AND position = 0 RETURNING table_name',
        ).get(position, staging.id) as { table_name: string } | undefined;
        if (!moved) {
          const gen = this.generation(staging.id);
          throw new StaleGenerationError(
            staging.id,
            gen ? `checkpoint is ${gen.position}, the rebuild expected 0` : 'was dropped',
          );
        }
        if (!staging.table.startsWith(`${stagingPrefix(staging.id)}_p`)) {
          throw new Error(`${staging.table} is no staging table of generation ${staging.id}`);
        }
        this.forgetTable(moved.table_name);
        this.forgetTable(staging.table);
        const due = stagingDue(staging.table);
        this.db.exec(
          `DROP TABLE "${moved.table_name}"; ALTER TABLE "${staging.table}" RENAME TO "${moved.table_name}"`,
        );
        // The staged documents are whole: no element stored apart belongs to them.
        if (this.hasItemsTable(staging.id)) this.db.exec(`DELETE FROM "${itemsTable(staging.id)}"`);
        if (this.hasIntervals(staging.id)) {
          const dueOrder = dueTable(staging.id);
          const filled = this.hasTable(due);
          if (filled) {
            this.forgetTable(dueOrder);
            this.db.exec(`DROP TABLE IF EXISTS "${dueOrder}"; ALTER TABLE "${due}" RENAME TO "${dueOrder}"`);
          }
          this.indexIntervals(moved.table_name, intervalTable(staging.id), dueOrder, filled);
        }
        // Other builds of the generation, left by a crash or still running elsewhere, can no longer be
        // adopted (the checkpoint moved): their tables go now, not with a rebuild that may never come.
        this.dropStaging(staging.id, () => true);
      }
      this.afterWrites();
    })();
    for (const { staging } of moves) building.delete(staging.table);
  }

  /**
   * Documents and checkpoint of one generation, in one transaction. The generation is `generation` if
   * given, else the newest of (projection, version); the checkpoint must still be where it was read.
   */
  applyBatch(
    projection: string,
    version: number,
    docs: ReadonlyMap<string, unknown>,
    position: number,
    generation?: number,
  ): void {
    const gen =
      generation === undefined
        ? this.generations(projection)
            .filter((g) => g.version === version)
            .at(-1)
        : this.generation(generation);
    if (!gen || gen.projection !== projection || gen.version !== version) {
      throw new Error(`no read-model generation ${projection} v${version}`);
    }
    this.commit([{ generation: gen.id, docs, from: gen.position, position }]);
  }

  /** Checkpoint of the active generation (0 when the projection has none yet). */
  checkpoint(projection: string): number {
    return this.active(projection)?.position ?? 0;
  }

  /** A document of a generation (by id) as stored, parsed; undefined when absent. */
  getFrom<Doc = unknown>(generation: Generation, key: string): Doc | undefined {
    const head = this.getHeadJsonFrom(generation, key);
    return head === undefined ? undefined : this.wholeDoc<Doc>(generation.id, key, head);
  }

  /** A document of a generation (by id), whole, as its JSON text; undefined when absent. */
  getJsonFrom(generation: Generation, key: string): string | undefined {
    const head = this.getHeadJsonFrom(generation, key);
    return head === undefined ? undefined : this.whole(generation.id, key, head);
  }

  /**
   * A document as its row holds it: without the elements of its append-only lists stored apart
   * (what a projection that only pushes onto them needs to go on).
   */
  getHeadJsonFrom(generation: Generation, key: string): string | undefined {
    return this.stmt(`SELECT doc FROM "${generation.table}" WHERE key = ?`).pluck().get(key) as
      string | undefined;
  }

  /** A document of the projection's active generation. */
  get<Doc = unknown>(projection: string, key: string): Doc | undefined {
    const gen = this.active(projection);
    return gen ? this.getFrom<Doc>(gen, key) : undefined;
  }

  private where(
    filter: DocFilter | undefined,
    search?: DocSearch,
    after?: string,
  ): { sql: string; params: (string | number | null)[] } {
    const clauses: string[] = [];
    const params: (string | number | null)[] = [];
    if (search && search.text !== '') {
      for (const path of search.paths) {
        if (!FIELD_PATH.test(path)) throw new RangeError(`not a document field path: ${path}`);
      }
      // One json_extract of every path (a JSON array of their values) and one LIKE: half the cost of one
      // per path. The needle is JSON-escaped to match the array's text, then LIKE-escaped.
      const needle = search.paths.length > 1 ? JSON.stringify(search.text).slice(1, -1) : search.text;
      const like = `json_extract(doc, ${search.paths.map(() => '?').join(', ')}) LIKE ? ESCAPE '\\'`;
      const keys = search.keys ?? [];
      clauses.push(keys.length > 0 ? `(${like} OR key IN (SELECT value FROM json_each(?)))` : like);
      params.push(
        ...search.paths.map((path) => `$.${path}`),
        `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        ...(keys.length > 0 ? [JSON.stringify(keys)] : []),
      );
    }
    if (after !== undefined) {
      clauses.push('key > ?');
      params.push(after);
    }
    for (const [path, value] of Object.entries(filter ?? {})) {
      if (!FIELD_PATH.test(path)) throw new RangeError(`not a document field path: ${path}`);
      if (value === null) {
        clauses.push('json_extract(doc, ?) IS NULL');
        params.push(`$.${path}`);
      } else {
        clauses.push('json_extract(doc, ?) = ?');
        params.push(`$.${path}`, bindable(value));
      }
    }
    return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** A page of the active generation's documents, in key order, optionally filtered on JSON fields. */
  list<Doc = unknown>(projection: string, options: ListOptions = {}): Doc[] {
    const gen = this.active(projection);
    if (!gen) return [];
    const { sql, params } = this.where(options.filter, options.search, options.after);
    const limit = options.limit ?? -1;
    const offset = options.offset ?? 0;
    const rows = this.stmt(`SELECT key, doc FROM "${gen.table}"${sql} ORDER BY key LIMIT ? OFFSET ?`).all(
      ...params,
      limit,
      offset,
    ) as { key: string; doc: string }[];
    const apart = this.hasItemsTable(gen.id);
    return rows.map((r) => (apart ? this.wholeDoc<Doc>(gen.id, r.key, r.doc) : (JSON.parse(r.doc) as Doc)));
  }

  /**
   * The `item`s of the projection's active generation whose interval holds `day` and whose `at` is on
   * or before `atMost` (day numbers), by `at`, document key, then interval: an R-tree search, never a scan.
   * With `limit`, one page: it starts after `after` (an `at` and a key) and never splits the items of one
   * key due the same day, so `next` (the last `at` and key listed, or null at the end) resumes exactly.
   */
  intervalItems<Item = unknown>(
    projection: string,
    day: number,
    atMost: number,
    page?: IntervalPage,
  ): { items: Item[]; next: IntervalCursor | null } {
    const gen = this.active(projection);
    if (!gen || !this.hasIntervals(gen.id)) return { items: [], next: null };
    const due = this.hasDueTable(gen.id);
    // One parse of the whole answer costs about half of one parse per item.
    const parsed = (rows: string[]) => JSON.parse(`[${rows.join(',')}]`) as Item[];
    if (page === undefined) {
      const ix = intervalTable(gen.id);
      const sql = due
        ? `SELECT d.item FROM "${ix}" AS r JOIN "${dueTable(gen.id)}" AS d ON d.id = r.id WHERE r.fromDay <= ? AND r.toDay >= ? AND r.atMin <= ? ORDER BY d.at, d.key, d.id`
        : `SELECT item FROM "${ix}" WHERE fromDay <= ? AND toDay >= ? AND atMin <= ? ORDER BY atMin, key, id`;
      return { items: parsed(this.stmt(sql).pluck().all(day, day, atMost) as string[]), next: null };
    }
    const scan = (after: IntervalCursor | undefined, n: number, group?: IntervalRow) =>
      due
        ? this.dueScan(gen.id, day, atMost, after, n, group)
        : this.treeScan(gen.id, day, atMost, after, n, group);
    const rows = scan(page.after, page.limit + 1);
    let next: IntervalCursor | null = null;
    if (rows.length > page.limit) {
      const first = rows[page.limit]!;
      rows.length = page.limit;
      const last = rows.at(-1)!;
      next = { at: last.at, key: last.key };
      // The row after the page begins another group, or the page ends with the rest of its last group
      // (its key, its day) and goes on only if something follows that group.
      if (first.at === last.at && first.key === last.key) {
        for (const row of scan(next, 0, last)) rows.push(row);
        if (scan(next, 1).length === 0) next = null;
      }
    }
    // The page's items in one statement: one call per item cost ~2 µs each, most of it the call.
    const found = this.stmt(
      `SELECT id, item FROM "${due ? dueTable(gen.id) : intervalTable(gen.id)}" WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(rows.map((row) => row.id))) as { id: number; item: string }[];
    const items = new Map(found.map((row) => [row.id, row.item]));
    return { items: parsed(rows.map((row) => items.get(row.id)!)), next };
  }

  /**
   * Up to `n` intervals holding `day`, due by `atMost`, after the cursor, by (at, key, id); with `group`,
   * instead the rest of that group (same at and key, a later id). Overdue ones (due before `day`) come
   * from the R-tree, for only the open ones are visited; the rest walks the due-order index in order.
   */
  private readonly dueScan: IntervalScan = (id, day, atMost, after, n, group) => {
    if (group)
      return this.stmt(
        `SELECT at, key, id FROM "${dueTable(id)}" WHERE at = ? AND key = ? AND id > ? AND fromDay <= ? AND toDay >= ? ORDER BY id`,
      ).all(group.at, group.key, group.id, day, day) as IntervalRow[];
    const rows = after === undefined || after.at < day ? this.overdue(id, day, atMost, after, n) : [];
    if (rows.length >= n) return rows;
    const from = after !== undefined && after.at >= day ? after : { at: day, key: '' };
    const ahead = this.stmt(
      `SELECT at, key, id FROM "${dueTable(id)}" WHERE at >= ? AND at <= ? AND (at > ? OR key > ?) AND fromDay <= ? AND toDay >= ? ORDER BY at, key, id LIMIT ?`,
    ).all(from.at, atMost, from.at, from.key, day, day, n - rows.length) as IntervalRow[];
    return [...rows, ...ahead];
  };

  /**
   * The first `n` overdue intervals (due before `day`, still open on it) after the cursor. The R-tree
   * finds them by (at, id) without touching its auxiliary columns (each costs ~2 µs); keys are read from
   * the due-order table only for the days the page reaches.
   */
  private overdue(
    id: number,
    day: number,
    atMost: number,
    after: IntervalCursor | undefined,
    n: number,
  ): IntervalRow[] {
    const found = this.stmt(
      `SELECT atMin AS at, id FROM "${intervalTable(id)}" WHERE fromDay <= ? AND toDay >= ? AND atMin <= ? AND atMin >= ? ORDER BY atMin, id`,
    ).all(day, day, Math.min(atMost, day - 1), after?.at ?? -(2 ** 31)) as { at: number; id: number }[];
    const keyOf = this.stmt(`SELECT key FROM "${dueTable(id)}" WHERE id = ?`).pluck();
    const rows: IntervalRow[] = [];
    for (let i = 0; i < found.length && rows.length < n;) {
      const at = found[i]!.at;
      const sameDay: IntervalRow[] = [];
      for (; i < found.length && found[i]!.at === at; i++)
        sameDay.push({ at, key: keyOf.get(found[i]!.id) as string, id: found[i]!.id });
      sameDay.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
      for (const row of sameDay)
        if (after === undefined || at > after.at || row.key > after.key) rows.push(row);
    }
    return rows.slice(0, n);
  }

  /**
   * dueScan from the R-tree alone, for a generation indexed before the due-order table existed (its
   * R-tree holds keys and items): it answers until its projection's new version is built.
   */
  private readonly treeScan: IntervalScan = (id, day, atMost, after, n, group) => {
    const where = `FROM "${intervalTable(id)}" WHERE fromDay <= ? AND toDay >= ? AND atMin <= ?`;
    if (group)
      return this.stmt(
        `SELECT atMin AS at, key, id ${where} AND atMin = ? AND key = ? AND id > ? ORDER BY id`,
      ).all(day, day, atMost, group.at, group.key, group.id) as IntervalRow[];
    const at = after?.at ?? -(2 ** 31);
    return this.stmt(
      `SELECT atMin AS at, key, id ${where} AND atMin >= ? AND (atMin > ? OR key > ?) ORDER BY atMin, key, id LIMIT ?`,
    ).all(day, day, atMost, at, at, after?.key ?? '', n) as IntervalRow[];
  };

  /** How many documents of the active generation match the filter (and the search). */
  count(projection: string, filter?: DocFilter, search?: DocSearch): number {
    const gen = this.active(projection);
    if (!gen) return 0;
    const { sql, params } = this.where(filter, search);
    return (this.stmt(`SELECT COUNT(*) AS n FROM "${gen.table}"${sql}`).get(...params) as { n: number }).n;
  }

  /** Each document's key and its value at `path` (a field path), for every document of the active generation. */
  values(projection: string, path: string): [string, unknown][] {
    const gen = this.active(projection);
    if (!gen) return [];
    if (!FIELD_PATH.test(path)) throw new RangeError(`not a document field path: ${path}`);
    return this.stmt(`SELECT key, json_extract(doc, ?) FROM "${gen.table}"`).raw(true).all(`$.${path}`) as [
      string,
      unknown,
    ][];
  }

  /** Every (key, raw JSON) of a generation in key order, lazily: for comparisons over large read models. */
  *entries(generation: Generation): IterableIterator<[string, string]> {
    const rows = this.db
      .prepare(`SELECT key, doc FROM "${generation.table}" ORDER BY key`)
      .raw(true)
      .iterate() as IterableIterator<[string, string]>;
    if (!this.hasItemsTable(generation.id)) return yield* rows;
    for (const [key, head] of rows) yield [key, this.whole(generation.id, key, head)];
  }

  /**
   * Opens a read transaction that may span awaits: until the returned function ends it, every read on
   * this connection sees one snapshot, even while another process keeps writing the file. Only for a
   * connection that writes nothing meanwhile (e.g. one opened read-only).
   */
  beginSnapshot(): () => void {
    this.db.exec('BEGIN');
    // A deferred transaction takes its snapshot at the first read.
    this.db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return () => {
      if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
    };
  }

  /** Turns scratch storage into an ordinary file (WAL, synchronous=NORMAL); the caller fsyncs it after close. */
  makeDurable(): void {
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  close(): void {
    this.stopCheckpoints();
    if (this.db.open) this.db.close();
  }
}
