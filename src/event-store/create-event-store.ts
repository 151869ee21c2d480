import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventStore } from './event-store.port.js';

/**
 * Opens the store that LEDGER_STORE_URL names:
 * `sqlite:<path>` (parent directory created), `sqlite::memory:`, or `esdb://...` / `esdb+discover://...`.
 * Adapters are imported on demand so a SQLite ledger never loads the gRPC client, and the reverse.
 */
export const createEventStore = async (url: string): Promise<EventStore> => {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length);
    if (target === '') throw new Error('LEDGER_STORE_URL: sqlite: needs a file path or :memory:');
    const { SqliteEventStore } = await import('./sqlite/sqlite-event-store.js');
    if (target === ':memory:') return new SqliteEventStore(':memory:');
    const path = resolve(target);
    mkdirSync(dirname(path), { recursive: true });
    return new SqliteEventStore(path);
  }
  if (url.startsWith('esdb://') || url.startsWith('esdb+discover://')) {
    const { EsdbEventStore } = await import('./eventstoredb/esdb-event-store.js');
    return EsdbEventStore.connect(url);
  }
  throw new Error(
    `LEDGER_STORE_URL "${url}" is not understood: use sqlite:<path>, sqlite::memory: or esdb://host:2113?tls=false`,
  );
};
