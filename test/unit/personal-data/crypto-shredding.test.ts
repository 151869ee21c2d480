import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKeyStore, SubjectErasedError } from '../../../src/personal-data/data-key-store.js';
import { parseMasterKey, resolveMasterKey } from '../../../src/personal-data/master-key.js';
import { PersonalDataCodec } from '../../../src/personal-data/personal-data-codec.js';
import { gcmOpen, gcmSeal } from '../../../src/personal-data/aes-gcm.js';
import { mapPersonalValues } from '../../../src/personal-data/personal-paths.js';
import {
  ERASED,
  openSealed,
  REDACTED,
  sealValue,
  SealedValueError,
  subjectOfSealed,
} from '../../../src/personal-data/sealed-value.js';

const NOW = new Date('2026-12-03T10:00:00Z');
const STARTED_PATHS = [
  'employee.name',
  'accompanyingFamily[].name',
  'accompanyingFamily[].relationship',
  'baseSalaryMonthly',
];
const started = {
  assignmentId: 'joe-shanghai',
  employee: { id: 'E-1', name: 'Joseph Lamoreux' },
  accompanyingFamily: [
    { name: 'Marie Lamoreux', relationship: 'spouse' },
    { name: 'Paul Lamoreux', relationship: 'child' },
  ],
  baseSalaryMonthly: { amount: '19166.67', currency: 'USD' },
  hostCity: 'Shanghai',
};

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-pd-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every file of a folder, read raw, searched for a string in UTF-8 (how a clear value would sit there). */
const filesHolding = (dir: string, needle: string | Buffer): string[] =>
  readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(needle));

describe('a personal value sealed under its data subject key (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('opens to the very value it sealed, and names its subject without opening', () => {
    const sealed = sealValue({ amount: '19166.67', currency: 'USD' }, 'E-1', key);
    expect(sealed).not.toContain('19166.67');
    expect(subjectOfSealed(sealed)).toBe('E-1');
    expect(openSealed(sealed, key)).toEqual({ amount: '19166.67', currency: 'USD' });
  });

  it('seals the same value differently each time (a fresh IV), so equal salaries do not show', () => {
    expect(sealValue('Joseph Lamoreux', 'E-1', key)).not.toBe(sealValue('Joseph Lamoreux', 'E-1', key));
  });

  it('never seals with the same IV twice, across more blocks of randomness than one', () => {
    const clear = Buffer.from('Joseph Lamoreux');
    const aad = Buffer.from('E-1');
    const sealed = Array.from({ length: 2_000 }, () => gcmSeal(key, clear, aad));
    expect(new Set(sealed.map((s) => s.subarray(0, 12).toString('hex'))).size).toBe(2_000);
    expect(sealed.every((s) => gcmOpen(key, s, aad)?.equals(clear))).toBe(true);
  });

  it('refuses to open when altered, under another key, or moved to another subject', () => {
    const sealed = sealValue('Joseph Lamoreux', 'E-1', key);
    const body = sealed.split('.')[2]!;
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    expect(() => openSealed(sealed.replace(body, flipped), key)).toThrow(SealedValueError);
    expect(() => openSealed(sealed, randomBytes(32))).toThrow(SealedValueError);
    const moved = sealed.replace(
      Buffer.from('E-1').toString('base64url'),
      Buffer.from('E-2').toString('base64url'),
    );
    expect(() => openSealed(moved, key)).toThrow(SealedValueError);
  });
});

describe('personal paths inside an event', () => {
  it('reach nested fields and every element of an array, and leave the rest and the input untouched', () => {
    const upper = mapPersonalValues(started, STARTED_PATHS, (v) =>
      typeof v === 'string' ? v.toUpperCase() : 'X',
    );
    expect(upper).toEqual({
      ...started,
      employee: { id: 'E-1', name: 'JOSEPH LAMOREUX' },
      accompanyingFamily: [
        { name: 'MARIE LAMOREUX', relationship: 'SPOUSE' },
        { name: 'PAUL LAMOREUX', relationship: 'CHILD' },
      ],
      baseSalaryMonthly: 'X',
    });
    expect(started.employee.name).toBe('Joseph Lamoreux');
  });

  it('passes over a path the event does not have, and names each concrete path it visits', () => {
    const seen: string[] = [];
    mapPersonalValues({ travellers: ['Joseph', 'Marie'] }, ['travellers[]', 'description'], (v, path) => {
      seen.push(path);
      return v;
    });
    expect(seen).toEqual(['travellers[0]', 'travellers[1]']);
  });
});

describe('data keys: one per data subject, wrapped by the master key, outside the events', () => {
  it('keeps a subject key across restarts, and will not open it with another master key', () => {
    const dir = tempDir();
    const master = randomBytes(32);
    const first = new DataKeyStore(join(dir, 'data-keys.sqlite'), master);
    const key = first.keyFor('E-1', NOW);
    first.close();
    const again = new DataKeyStore(join(dir, 'data-keys.sqlite'), master);
    expect(again.existingKey('E-1')?.equals(key)).toBe(true);
    again.close();
    const wrong = new DataKeyStore(join(dir, 'data-keys.sqlite'), randomBytes(32));
    expect(() => wrong.existingKey('E-1')).toThrow(/does not open with this master key/);
    wrong.close();
    expect(statSync(join(dir, 'data-keys.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('destroys the key on erasure, leaves no trace of it in the file, and refuses a new key for the subject', () => {
    const dir = tempDir();
    const store = new DataKeyStore(join(dir, 'data-keys.sqlite'), randomBytes(32));
    const key = store.keyFor('E-1', NOW);
    store.keyFor('E-2', NOW);
    const peek = new Database(join(dir, 'data-keys.sqlite'), { readonly: true });
    const { wrapped } = peek.prepare("SELECT wrapped FROM data_keys WHERE subject_id = 'E-1'").get() as {
      wrapped: Buffer;
    };
    peek.close();
    expect(filesHolding(dir, wrapped)).toEqual(['data-keys.sqlite']);
    const record = store.beginErasure({
      subjectId: 'E-1',
      erasedAt: NOW.toISOString(),
      reason: 'art. 17 request',
      actor: 'admin:dpo',
    });
    expect(record.state).toBe('pending');
    expect(store.existingKey('E-1')).toBeUndefined();
    expect(() => store.keyFor('E-1', NOW)).toThrow(SubjectErasedError);
    expect(store.existingKey('E-2')).toBeDefined();
    store.close();
    // The raw key never sat in a file (it is wrapped), and secure_delete left no page with the wrapped one.
    expect(filesHolding(dir, key)).toEqual([]);
    expect(filesHolding(dir, wrapped)).toEqual([]);
    const reopened = new DataKeyStore(join(dir, 'data-keys.sqlite'), randomBytes(32));
    expect(reopened.pendingErasures().map((e) => e.subjectId)).toEqual(['E-1']);
    reopened.close();
  });

  it('answers a second erasure with the first, and keeps it pending until its events are recorded', () => {
    const store = new DataKeyStore(':memory:', randomBytes(32));
    store.keyFor('E-1', NOW);
    const first = store.beginErasure({
      subjectId: 'E-1',
      erasedAt: NOW.toISOString(),
      reason: 'art. 17',
      reference: 'DPO-7',
      actor: 'admin',
    });
    const second = store.beginErasure({
      subjectId: 'E-1',
      erasedAt: '2027-01-01T00:00:00.000Z',
      reason: 'again',
      actor: 'admin',
    });
    expect(second).toEqual(first);
    expect(store.pendingErasures()).toHaveLength(1);
    const done = store.completeErasure('E-1', {
      employeeId: 'E-1',
      assignments: ['joe-shanghai'],
      events: 1,
    });
    expect(done).toMatchObject({ state: 'done', reference: 'DPO-7', answer: { events: 1 } });
    expect(store.pendingErasures()).toEqual([]);
    store.close();
  });
});

describe('who sees a personal value, before and after erasure', () => {
  it('stores no personal value in clear, opens it for those who may see it, and redacts it for the others', () => {
    const codec = new PersonalDataCodec(new DataKeyStore(':memory:', randomBytes(32)));
    const stored = codec.seal(started, STARTED_PATHS, 'E-1', NOW);
    const text = JSON.stringify(stored);
    for (const clear of ['Joseph', 'Marie', 'Paul', 'spouse', '19166.67']) expect(text).not.toContain(clear);
    expect(stored.hostCity).toBe('Shanghai');
    expect(stored.employee.id).toBe('E-1');
    expect(codec.reveal(stored, STARTED_PATHS, 'clear')).toEqual(started);
    expect(codec.reveal(stored, STARTED_PATHS, 'redacted')).toMatchObject({
      employee: { id: 'E-1', name: REDACTED },
      accompanyingFamily: [
        { name: REDACTED, relationship: REDACTED },
        { name: REDACTED, relationship: REDACTED },
      ],
      baseSalaryMonthly: REDACTED,
      hostCity: 'Shanghai',
    });
  });

  it('shows [erased] to every reader once the subject is erased, also for values stored in clear long ago', () => {
    const keys = new DataKeyStore(':memory:', randomBytes(32));
    const codec = new PersonalDataCodec(keys);
    const stored = codec.seal(started, STARTED_PATHS, 'E-1', NOW);
    keys.beginErasure({ subjectId: 'E-1', erasedAt: NOW.toISOString(), reason: 'art. 17', actor: 'admin' });
    for (const view of ['clear', 'redacted'] as const) {
      expect(codec.reveal(stored, STARTED_PATHS, view)).toMatchObject({
        employee: { id: 'E-1', name: ERASED },
        baseSalaryMonthly: ERASED,
      });
      expect(codec.reveal(started, STARTED_PATHS, view, 'E-1')).toMatchObject({ employee: { name: ERASED } });
    }
    expect(() => codec.seal({ employee: { id: 'E-1', name: 'Joe' } }, ['employee.name'], 'E-1', NOW)).toThrow(
      SubjectErasedError,
    );
  });
});

describe('the master key', () => {
  it('is read from LEDGER_MASTER_KEY as hex or base64, and a malformed one is refused naming the setting', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(() => parseMasterKey('too-short')).toThrow(/LEDGER_MASTER_KEY/);
    expect(resolveMasterKey({ LEDGER_MASTER_KEY: key.toString('hex') }, tempDir(), false)).toMatchObject({
      source: 'environment',
    });
  });

  it('is generated once beside the data, owner-readable only, and read back on the next start', () => {
    const dir = tempDir();
    const first = resolveMasterKey({}, dir, false);
    expect(first.source).toBe('generated');
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = resolveMasterKey({}, dir, false);
    expect(second).toMatchObject({ source: 'file' });
    expect(second.key.equals(first.key)).toBe(true);
  });
});
