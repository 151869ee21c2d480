import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order at open. The version lives in PRAGMA user_version.
 * Never edit a shipped migration: append a new one, so every file reaches the same schema.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position    INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id   TEXT    NOT NULL,
     revision    INTEGER NOT NULL,
     event_id    TEXT    NOT NULL,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL,
     metadata    TEXT    NOT NULL,
     category    TEXT    NOT NULL,
     hash        TEXT    NOT NULL,
     global_hash TEXT    NOT NULL
   );
   CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
   CREATE UNIQUE INDEX events_event_id ON events (event_id);
   CREATE INDEX events_category_position ON events (category, position);
   CREATE INDEX events_type_position ON events (type, position);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const versionOf = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

const assertKnown = (version: number): void => {
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `ledger file schema v${version} is newer than this build supports (v${SCHEMA_VERSION}); upgrade the ledger`,
    );
  }
};

/** Brings the file to SCHEMA_VERSION; readonly only checks that it is already there. */
export const migrate = (db: Database.Database, options: { readonly?: boolean } = {}): void => {
  const found = versionOf(db);
  assertKnown(found);
  if (found === SCHEMA_VERSION) return;
  if (options.readonly) {
    throw new Error(
      `ledger file schema v${found} is older than this build (v${SCHEMA_VERSION}); open it once to migrate`,
    );
  }
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated since.
    const current = versionOf(db);
    assertKnown(current);
    for (let version = current; version < SCHEMA_VERSION; version += 1) db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};
