/** Generated keys are handed to the operator once and kept by the server only as their SHA-256. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyHashOf, KeyRing, resolveApiKeys } from '../../../src/config/api-keys.js';
import { loadConfig } from '../../../src/config/ledger-config.js';

describe('API keys', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const configIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    dirs.push(dir);
    return loadConfig({ LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}` });
  };

  it('generates one key per role, for the operator in api-keys.json, for the server as hashes only', () => {
    const config = configIn();
    const first = resolveApiKeys(config);
    expect(first.generated).toBe(true);
    const handout = JSON.parse(readFileSync(first.file!, 'utf8')) as Record<string, string>;
    const hashesFile = join(config.dataDir, 'api-keys.hashes.json');
    const stored = readFileSync(hashesFile, 'utf8');
    for (const key of Object.values(handout)) expect(stored).not.toContain(key);
    for (const file of [first.file!, hashesFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.ring.roleOf(keyHashOf(handout.hr!))).toBe('hr');

    // The operator handed the keys out and deleted the file: the server still knows them.
    unlinkSync(first.file!);
    const again = resolveApiKeys(config);
    expect(again).toMatchObject({ generated: false });
    expect(again.file).toBeUndefined();
    for (const [role, key] of Object.entries(handout)) expect(again.ring.roleOf(keyHashOf(key))).toBe(role);
    expect(again.ring.roleOf(keyHashOf('a guess'))).toBeUndefined();
  });

  it('a key file of an earlier build is read once into hashes', () => {
    const config = configIn();
    writeFileSync(join(config.dataDir, 'api-keys.json'), JSON.stringify({ auditor: 'old-auditor-key' }));
    const keys = resolveApiKeys(config);
    expect(keys.ring.roleOf(keyHashOf('old-auditor-key'))).toBe('auditor');
    expect(readFileSync(join(config.dataDir, 'api-keys.hashes.json'), 'utf8')).not.toContain(
      'old-auditor-key',
    );
  });

  it('answers no role for a malformed hash, and the same role however a right key is found', () => {
    const ring = new KeyRing(
      new Map([
        ['k-1', 'hr'],
        ['k-2', 'admin'],
      ]),
      'environment',
    );
    expect(ring.roleOf('')).toBeUndefined();
    expect(ring.roleOf('zz')).toBeUndefined();
    expect(ring.roleOf(keyHashOf('k-2'))).toBe('admin');
    expect(ring.roleOf(keyHashOf('k-1'))).toBe('hr');
  });
});
