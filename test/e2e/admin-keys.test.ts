import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { startBody } from './support/fixtures.js';

/** Admins issue and revoke keys; a key is shown once and stored only as a hash. */
describe('key administration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await startLedger({
      LEDGER_DATA_DIR: dataDir,
      LEDGER_STORE_URL: `sqlite:${join(dataDir, 'l.sqlite')}`,
    });
  });
  afterAll(async () => {
    await ledger?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const as = (key: string) => ({ role: null, headers: { authorization: `Bearer ${key}` } }) as const;

  it('is for admins only', async () => {
    expect((await ledger.call('GET', '/admin/keys', { role: 'hr' })).status).toBe(403);
    expect((await ledger.call('GET', '/admin/keys', { role: 'auditor' })).status).toBe(403);
    const listed = await ledger.call('GET', '/admin/keys', { role: 'admin' });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(4);
    expect(JSON.stringify(listed.body)).not.toContain('test-hr-key');
  });

  it('issues a key that works at once, survives a restart, and stops working when revoked', async () => {
    const issued = await ledger.call('POST', '/admin/keys', {
      role: 'admin',
      body: { role: 'hr', label: 'payroll' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual(
      expect.objectContaining({
        role: 'hr',
        source: 'added',
        label: 'payroll',
        fingerprint: expect.any(String),
      }),
    );
    const key: string = issued.body.key;
    const started = await ledger.call('POST', '/assignments', { ...as(key), body: startBody('keyed-1') });
    expect(started.status).toBe(201);
    expect(readFileSync(join(dataDir, 'api-keys.added.json'), 'utf8')).not.toContain(key);

    await ledger.close();
    ledger = await startLedger({
      LEDGER_DATA_DIR: dataDir,
      LEDGER_STORE_URL: `sqlite:${join(dataDir, 'l.sqlite')}`,
    });
    expect((await ledger.call('GET', '/assignments/keyed-1', as(key))).status).toBe(200);

    const revoked = await ledger.call('DELETE', `/admin/keys/${issued.body.fingerprint}`, { role: 'admin' });
    expect(revoked.status).toBe(204);
    expect((await ledger.call('GET', '/assignments/keyed-1', as(key))).status).toBe(401);
  });

  it('refuses to revoke a configured key, an unknown one, or a malformed fingerprint', async () => {
    const listed = await ledger.call('GET', '/admin/keys', { role: 'admin' });
    const configured = listed.body.items.find((k: { source: string }) => k.source === 'environment');
    const fixed = await ledger.call('DELETE', `/admin/keys/${configured.fingerprint}`, { role: 'admin' });
    expect(fixed.status).toBe(409);
    expect(fixed.body.code).toBe('KEY.NOT_REVOCABLE');
    expect((await ledger.call('DELETE', `/admin/keys/${'0'.repeat(16)}`, { role: 'admin' })).status).toBe(
      404,
    );
    expect((await ledger.call('DELETE', '/admin/keys/xyz', { role: 'admin' })).status).toBe(400);
    const badRole = await ledger.call('POST', '/admin/keys', { role: 'admin', body: { role: 'root' } });
    expect(badRole.status).toBe(400);
  });
});
