import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/ledger-config.js';

export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  key: Buffer;
  source: 'environment' | 'generated' | 'file' | 'ephemeral';
  /** Where a generated key lives, when it does. */
  file?: string;
}

/** 32 bytes as 64 hex digits or as base64 / base64url (43-44 characters). */
export const parseMasterKey = (raw: string): Buffer => {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)
      ? Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')
      : undefined;
  if (!key || key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(
      `LEDGER_MASTER_KEY: expected ${MASTER_KEY_BYTES} bytes as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return key;
};

/**
 * LEDGER_MASTER_KEY, else a key generated once beside the data (owner-readable only), like the API
 * keys; a throwaway in-memory ledger gets a key that dies with the process.
 */
export const resolveMasterKey = (env: NodeJS.ProcessEnv, dataDir: string, inMemory: boolean): MasterKey => {
  if (env.LEDGER_MASTER_KEY) return { key: parseMasterKey(env.LEDGER_MASTER_KEY), source: 'environment' };
  if (inMemory) return { key: randomBytes(MASTER_KEY_BYTES), source: 'ephemeral' };
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return { key: parseMasterKey(readFileSync(file, 'utf8')), source: 'file', file };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(MASTER_KEY_BYTES);
  const temp = `${file}.tmp`;
  writeFileSync(temp, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return { key, source: 'generated', file };
};
