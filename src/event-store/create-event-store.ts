import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventStore } from './event-store.port.js';
import type { IntegrityReport, ProgressCallback, VerifyOptions } from './integrity.js';

/**
 * Opens the store that LEDGER_STORE_URL names:
 * `sqlite:<path>` (parent directory created), `sqlite::memory:`, or `esdb://...` / `esdb+discover://...`.
 * Adapters are imported on demand so a SQLite ledger never loads the gRPC client, and the reverse.
 */
export interface CreateEventStoreOptions {
  /**
   * For a connection that reads much of the log out of order (a stream-ordered rebuild): SQLite reads
   * the file through a memory map of up to this many bytes. Other stores ignore it.
   */
  mmapBytes?: number;
}

export const createEventStore = async (
  url: string,
  options: CreateEventStoreOptions = {},
): Promise<EventStore> => {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length);
    if (target === '') throw new Error('LEDGER_STORE_URL: sqlite: needs a file path or :memory:');
    const { SqliteEventStore } = await import('./sqlite/sqlite-event-store.js');
    if (target === ':memory:') return new SqliteEventStore(':memory:');
    const path = resolve(target);
    mkdirSync(dirname(path), { recursive: true });
    return new SqliteEventStore(path, options.mmapBytes ? { mmapBytes: options.mmapBytes } : {});
  }
  if (url.startsWith('esdb://') || url.startsWith('esdb+discover://')) {
    const { EsdbEventStore } = await import('./eventstoredb/esdb-event-store.js');
    return EsdbEventStore.connect(url);
  }
  throw new Error(
    `LEDGER_STORE_URL "${url}" is not understood: use sqlite:<path>, sqlite::memory: or esdb://host:2113?tls=false`,
  );
};

/**
 * Walks the log of a `sqlite:<file>` URL read-only and directly, its global chain included (see
 * verifySqliteStore); other stores are verified through the port (verifyEventStore).
 */
export const verifyStoreFile = async (
  url: string,
  onProgress?: ProgressCallback,
  options: VerifyOptions = {},
): Promise<IntegrityReport> => {
  const { verifySqliteStore } = await import('./sqlite/verification.js');
  return verifySqliteStore(url.slice('sqlite:'.length), onProgress, options);
};
