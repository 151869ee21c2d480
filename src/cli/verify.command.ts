import type { EventStore } from '../event-store/event-store.port.js';
import { verifyEventStore, type IntegrityReport, type NotedHead } from '../event-store/integrity.js';
import { verifyStoreFile } from '../event-store/create-event-store.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { progressBar } from './progress.js';

/**
 * Walks every stored event and checks its hash chain. A SQLite file is read directly (its global chain
 * included); another store is walked through the port.
 */
export const verifyLedger = async (
  config: LedgerConfig,
  openStore: () => Promise<EventStore>,
  quiet: boolean,
  notedHead?: NotedHead,
): Promise<IntegrityReport> => {
  const direct = config.storeKind === 'sqlite' && config.storeUrl !== 'sqlite::memory:';
  const store = direct ? undefined : await openStore();
  const bar = progressBar('verify', quiet);
  try {
    const onProgress = (p: { position: number; headPosition: number }) =>
      bar.update(p.position, p.headPosition);
    return direct
      ? await verifyStoreFile(config.storeUrl, onProgress, { notedHead })
      : await verifyEventStore(store!, onProgress, { notedHead });
  } finally {
    bar.stop();
    await store?.close();
  }
};

/** `<position>:<hash>` as `verify --head` prints it. */
export const parseNotedHead = (text: string): NotedHead | undefined => {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { position: Number(m[1]), head: m[2]! } : undefined;
};
