import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, type LedgerConfig, type Role } from './ledger-config.js';

export interface ApiKeys {
  byKey: Map<string, Role>;
  /** Where generated keys were stored, when they were. */
  file?: string;
  generated: boolean;
}

/**
 * Keys from LEDGER_API_KEYS, or else one random key per role stored beside the data, owner-readable
 * only: the server never runs open.
 */
export const resolveApiKeys = (config: LedgerConfig): ApiKeys => {
  if (config.apiKeys) return { byKey: config.apiKeys, generated: false };
  const file = join(config.dataDir, 'api-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    const byKey = new Map<string, Role>();
    for (const role of ROLES) if (stored[role]) byKey.set(stored[role], role);
    return { byKey, file, generated: false };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const stored = Object.fromEntries(ROLES.map((role) => [role, randomBytes(24).toString('base64url')]));
  writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { byKey: new Map(ROLES.map((role) => [stored[role]!, role])), file, generated: true };
};
