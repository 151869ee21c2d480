import { StoreUnavailableError } from '../event-store.port.js';

/** better-sqlite3's codes (extended ones too, e.g. SQLITE_IOERR_WRITE) that say the file cannot be written now. */
const UNAVAILABLE: readonly [string, StoreUnavailableError['reason']][] = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
  ['SQLITE_BUSY', 'busy'],
];

/** A driver error that is the storage's state, not the append's fault, as the port's StoreUnavailableError. */
export const storeErrorOf = (error: unknown): unknown => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const match = UNAVAILABLE.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  return match ? new StoreUnavailableError(match[1], { cause: error }) : error;
};
