import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, type LedgerConfig, type Role, type Scope } from './ledger-config.js';

export type KeySource = 'environment' | 'generated' | 'added';

export interface KeyEntry {
  role: Role;
  source: KeySource;
  /** First 16 hex digits of the key's SHA-256: names the key without revealing it. */
  fingerprint: string;
  label?: string;
  createdAt?: string;
  /** Shown only when the key has some. */
  scopes?: Scope[];
}

/** Computed on every request (the guard): the one-shot `hash` costs about half of a Hash object. */
export const keyHashOf = (key: string): string => hash('sha256', key, 'hex');

interface AddedKey {
  hash: string;
  role: Role;
  label?: string;
  createdAt: string;
  scopes?: Scope[];
}

/** What a key may do: its role and its scopes. */
export interface KeyGrant {
  role: Role;
  scopes: readonly Scope[];
}

const NO_SCOPES: readonly Scope[] = [];

/**
 * Every key the ledger accepts, looked up by the key's SHA-256. Keys from LEDGER_API_KEYS or the
 * generated file are fixed; keys added through the admin API are kept beside the data as hashes only.
 */
export class KeyRing {
  private readonly byHash = new Map<
    string,
    { role: Role; source: KeySource; label?: string; createdAt?: string; scopes: readonly Scope[] }
  >();
  private digestCache: Map<Buffer, { role: Role }> | undefined;

  constructor(
    fixed: Map<string, Role>,
    source: Exclude<KeySource, 'added'>,
    private readonly addedFile?: string,
    fixedScopes: Map<string, Scope[]> = new Map(),
  ) {
    for (const [key, role] of fixed)
      this.byHash.set(keyHashOf(key), { role, source, scopes: fixedScopes.get(key) ?? NO_SCOPES });
    if (addedFile && existsSync(addedFile)) {
      for (const k of JSON.parse(readFileSync(addedFile, 'utf8')) as AddedKey[]) {
        this.byHash.set(k.hash, {
          role: k.role,
          source: 'added',
          label: k.label,
          createdAt: k.createdAt,
          scopes: k.scopes ?? NO_SCOPES,
        });
      }
    }
  }

  /** Compares the hash with every known one in constant time: how long it takes tells nothing. */
  /** A ring of keys known only by their SHA-256 (hex), such as the generated ones. */
  static ofHashes(
    hashes: Map<string, Role>,
    source: Exclude<KeySource, 'added'>,
    addedFile?: string,
  ): KeyRing {
    const ring = new KeyRing(new Map(), source, addedFile);
    for (const [keyHash, role] of hashes) ring.byHash.set(keyHash, { role, source, scopes: NO_SCOPES });
    return ring;
  }

  roleOf(keyHash: string): Role | undefined {
    return this.grantOf(keyHash)?.role;
  }

  /** byHash by raw digest, for grantOf. */
  private get digests(): Map<Buffer, { role: Role; scopes?: readonly Scope[] }> {
    if (this.digestCache === undefined) {
      this.digestCache = new Map();
      for (const [hex, entry] of this.byHash) this.digestCache.set(Buffer.from(hex, 'hex'), entry);
    }
    return this.digestCache;
  }

  /** Compared in constant time against every known hash, so timing tells nothing of the keys. */
  grantOf(keyHash: string): KeyGrant | undefined {
    const probe = Buffer.from(keyHash, 'hex');
    if (probe.length !== 32) return undefined;
    let grant: KeyGrant | undefined;
    for (const [known, entry] of this.digests) {
      if (timingSafeEqual(known, probe)) grant = { role: entry.role, scopes: entry.scopes ?? NO_SCOPES };
    }
    return grant;
  }

  /** The grant of the key a fingerprint (16 hex digits) names, if it is still accepted. */
  grantByFingerprint(fingerprint: string): KeyGrant | undefined {
    if (fingerprint.length !== 16) return undefined;
    for (const [hash, k] of this.byHash)
      if (hash.startsWith(fingerprint)) return { role: k.role, scopes: k.scopes };
    return undefined;
  }

  list(): KeyEntry[] {
    return [...this.byHash.entries()].map(([hash, k]) => ({
      role: k.role,
      source: k.source,
      fingerprint: hash.slice(0, 16),
      ...(k.label ? { label: k.label } : {}),
      ...(k.createdAt ? { createdAt: k.createdAt } : {}),
      ...(k.scopes.length > 0 ? { scopes: [...k.scopes] } : {}),
    }));
  }

  /** A new random key for a role; the key itself is returned once and never stored. */
  add(
    role: Role,
    label: string | undefined,
    now: Date,
    scopes: readonly Scope[] = NO_SCOPES,
  ): KeyEntry & { key: string } {
    const key = randomBytes(24).toString('base64url');
    const hash = keyHashOf(key);
    this.byHash.set(hash, { role, source: 'added', label, createdAt: now.toISOString(), scopes });
    this.digestCache = undefined;
    this.persist();
    return { ...this.list().find((k) => k.fingerprint === hash.slice(0, 16))!, key };
  }

  /** Revokes an added key; answers what it found ('fixed' keys are changed where they are configured). */
  revoke(fingerprint: string): 'revoked' | 'unknown' | 'fixed' {
    const hash = [...this.byHash.keys()].find((h) => h.startsWith(fingerprint) && fingerprint.length === 16);
    if (!hash) return 'unknown';
    if (this.byHash.get(hash)!.source !== 'added') return 'fixed';
    this.byHash.delete(hash);
    this.digestCache = undefined;
    this.persist();
    return 'revoked';
  }

  private persist(): void {
    if (!this.addedFile) return;
    const added: AddedKey[] = [...this.byHash.entries()]
      .filter(([, k]) => k.source === 'added')
      .map(([hash, k]) => ({
        hash,
        role: k.role,
        ...(k.label ? { label: k.label } : {}),
        createdAt: k.createdAt!,
        ...(k.scopes.length > 0 ? { scopes: [...k.scopes] } : {}),
      }));
    const temp = `${this.addedFile}.tmp`;
    writeFileSync(temp, JSON.stringify(added, null, 2) + '\n', { mode: 0o600 });
    renameSync(temp, this.addedFile);
  }
}

export interface ApiKeys {
  ring: KeyRing;
  /** Where generated keys were written for the operator to hand out, when they were. */
  file?: string;
  generated: boolean;
}

const hashesOf = (keys: Record<string, string>): Record<string, Role> =>
  Object.fromEntries(ROLES.filter((role) => keys[role]).map((role) => [keyHashOf(keys[role]!), role]));

const writeOwnerOnly = (file: string, content: unknown): void => {
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
};

/**
 * Keys from LEDGER_API_KEYS, or else one random key per role: the server never runs open. Generated
 * keys are written once to `api-keys.json` (owner-readable) for the operator to hand out and delete;
 * the server keeps only their SHA-256, in `api-keys.hashes.json`. Keys added by an admin live in
 * `api-keys.added.json` (hashes).
 */
export const resolveApiKeys = (config: LedgerConfig): ApiKeys => {
  const addedFile =
    config.readModelPath === ':memory:' ? undefined : join(config.dataDir, 'api-keys.added.json');
  if (config.apiKeys)
    return {
      ring: new KeyRing(config.apiKeys, 'environment', addedFile, config.apiKeyScopes),
      generated: false,
    };
  const file = join(config.dataDir, 'api-keys.json');
  const hashesFile = join(config.dataDir, 'api-keys.hashes.json');
  const ringOf = (hashes: Record<string, Role>) =>
    KeyRing.ofHashes(new Map(Object.entries(hashes)), 'generated', addedFile);
  if (existsSync(hashesFile)) {
    const hashes = JSON.parse(readFileSync(hashesFile, 'utf8')) as Record<string, Role>;
    return { ring: ringOf(hashes), ...(existsSync(file) ? { file } : {}), generated: false };
  }
  if (existsSync(file)) {
    // Written by a build that kept the keys themselves: from now on only their hashes are read.
    const hashes = hashesOf(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
    writeOwnerOnly(hashesFile, hashes);
    return { ring: ringOf(hashes), file, generated: false };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const keys = Object.fromEntries(ROLES.map((role) => [role, randomBytes(24).toString('base64url')]));
  writeOwnerOnly(hashesFile, hashesOf(keys));
  writeOwnerOnly(file, keys);
  return { ring: ringOf(hashesOf(keys)), file, generated: true };
};
