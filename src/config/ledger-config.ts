import { dirname, join, resolve } from 'node:path';

export type Role = 'hr' | 'auditor' | 'subscriber' | 'admin';
export const ROLES: readonly Role[] = ['hr', 'auditor', 'subscriber', 'admin'];

/** What a key may do beyond its role: `personal-data` lets a subscriber see personal values. */
export type Scope = 'personal-data';
export const SCOPES: readonly Scope[] = ['personal-data'];

export interface LedgerConfig {
  port: number;
  /** Interface to listen on: loopback unless HOST says otherwise (docker-compose sets 0.0.0.0). */
  host: string;
  /** `sqlite:<path>`, `sqlite::memory:` or an EventStoreDB connection string. */
  storeUrl: string;
  storeKind: 'sqlite' | 'eventstoredb';
  /** Folder for read models and generated keys: beside the SQLite file, else `data/`. */
  dataDir: string;
  /** `:memory:` when the store is in memory, so a throwaway run leaves nothing behind. */
  readModelPath: string;
  /** Keys from LEDGER_API_KEYS; undefined means "generate or load from the data folder". */
  apiKeys?: Map<string, Role>;
  /** Scopes of keys from LEDGER_API_KEYS (`subscriber+personal-data=<key>`), by key. */
  apiKeyScopes?: Map<string, Scope[]>;
  /** Longest wait for `minPosition` before answering 503. */
  minPositionWaitMs: number;
  /** LEDGER_MASTER_KEY as given (parsed by personal-data/master-key.ts); unset: generated beside the data. */
  masterKey?: string;
  /** Limits against key guessing and floods; DEFAULT_SECURITY where absent. */
  security?: SecuritySettings;
  /** How far V8 may grow the heap past what survives a collection, in percent (0: V8's own choice). */
  heapGrowingPercent?: number;
}

/** Environment LEDGER_RATE_LIMIT_PER_MINUTE, LEDGER_AUTH_FAILURE_LIMIT and LEDGER_AUTH_FAILURE_WINDOW_S. */
export interface SecuritySettings {
  /** Requests per key (per client address without a key) per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Failed authentications from one client address within the window before it is answered 429. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
}

export const DEFAULT_SECURITY: SecuritySettings = {
  rateLimitPerMinute: 6000,
  authFailureLimit: 20,
  authFailureWindowSeconds: 60,
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `role=key` or `role+scope=key` pairs, comma-separated: each key's role and scopes. */
export const parseApiKeyGrants = (raw: string): Map<string, { role: Role; scopes: Scope[] }> => {
  const keys = new Map<string, { role: Role; scopes: Scope[] }>();
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    // Never the pair itself in the message: it holds the key.
    const [role, ...scopes] = pair.slice(0, Math.max(eq, 0)).trim().split('+') as [Role, ...Scope[]];
    const key = pair.slice(eq + 1).trim();
    if (eq < 1 || !ROLES.includes(role) || key.length === 0) {
      throw new ConfigError(
        `LEDGER_API_KEYS: entry ${keys.size + 1} is not role=key with a role among ${ROLES.join(', ')}`,
      );
    }
    const unknown = scopes.find((scope) => !SCOPES.includes(scope));
    if (unknown !== undefined) {
      throw new ConfigError(
        `LEDGER_API_KEYS: entry ${keys.size + 1} names the scope "${unknown}"; known scopes: ${SCOPES.join(', ')} (e.g. subscriber+personal-data=<key>)`,
      );
    }
    keys.set(key, { role, scopes });
  }
  if (keys.size === 0) throw new ConfigError('LEDGER_API_KEYS is set but holds no role=key pair');
  return keys;
};

export const parseApiKeys = (raw: string): Map<string, Role> =>
  new Map([...parseApiKeyGrants(raw)].map(([key, grant]) => [key, grant.role]));

const scopesOf = (raw: string): Map<string, Scope[]> =>
  new Map(
    [...parseApiKeyGrants(raw)]
      .filter(([, grant]) => grant.scopes.length > 0)
      .map(([key, grant]) => [key, grant.scopes]),
  );

/** Reads the settings of http-contract.md "Running" from an environment; throws ConfigError naming the bad one. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): LedgerConfig => {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT: "${env.PORT}" is not a port`);
  const storeUrl = env.LEDGER_STORE_URL?.trim() || 'sqlite:data/ledger.sqlite';
  let storeKind: LedgerConfig['storeKind'];
  let dataDir: string;
  let readModelPath: string;
  if (storeUrl.startsWith('sqlite:')) {
    storeKind = 'sqlite';
    const file = storeUrl.slice('sqlite:'.length);
    if (file === ':memory:') {
      dataDir = resolve(env.LEDGER_DATA_DIR ?? 'data');
      readModelPath = ':memory:';
    } else {
      if (!file)
        throw new ConfigError('LEDGER_STORE_URL: sqlite: needs a file path, e.g. sqlite:data/ledger.sqlite');
      dataDir = resolve(env.LEDGER_DATA_DIR ?? dirname(resolve(file)));
      readModelPath = join(dataDir, 'read-models.sqlite');
    }
  } else if (/^esdb(\+discover)?:\/\//.test(storeUrl)) {
    storeKind = 'eventstoredb';
    dataDir = resolve(env.LEDGER_DATA_DIR ?? 'data');
    readModelPath = join(dataDir, 'read-models.sqlite');
  } else {
    throw new ConfigError(
      `LEDGER_STORE_URL: "${storeUrl}" is neither sqlite:<path>, sqlite::memory: nor esdb://host:2113?tls=false`,
    );
  }
  if (env.LEDGER_READ_MODEL_PATH) readModelPath = resolve(env.LEDGER_READ_MODEL_PATH);
  const minPositionWaitMs = Number(env.LEDGER_MIN_POSITION_WAIT_MS ?? 5000);
  const atLeast = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new ConfigError(`${name}: "${raw}" is not an integer >= ${min}`);
    return value;
  };
  const security: SecuritySettings = {
    rateLimitPerMinute: atLeast('LEDGER_RATE_LIMIT_PER_MINUTE', DEFAULT_SECURITY.rateLimitPerMinute, 0),
    authFailureLimit: atLeast('LEDGER_AUTH_FAILURE_LIMIT', DEFAULT_SECURITY.authFailureLimit, 1),
    authFailureWindowSeconds: atLeast(
      'LEDGER_AUTH_FAILURE_WINDOW_S',
      DEFAULT_SECURITY.authFailureWindowSeconds,
      1,
    ),
  };
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    storeUrl,
    storeKind,
    dataDir,
    readModelPath,
    apiKeys: env.LEDGER_API_KEYS ? parseApiKeys(env.LEDGER_API_KEYS) : undefined,
    ...(env.LEDGER_API_KEYS ? { apiKeyScopes: scopesOf(env.LEDGER_API_KEYS) } : {}),
    minPositionWaitMs,
    ...(env.LEDGER_MASTER_KEY ? { masterKey: env.LEDGER_MASTER_KEY } : {}),
    security,
    heapGrowingPercent: atLeast('LEDGER_HEAP_GROWING_PERCENT', 50, 0),
  };
};

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
