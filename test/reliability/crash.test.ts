import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, verifySqliteStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { newBuildDir, removeBuildDir, root, transpileTree } from './transpile.js';

/**
 * kill -9 in the middle of a storm of appends, twice, then: every append that was acknowledged is
 * in the file exactly once where it was acknowledged, positions run 1..N, and every hash verifies.
 */

const childScript = join(import.meta.dirname, 'crash-child.mjs');
const buildDir = newBuildDir('store');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));

interface Ack {
  streamId: string;
  revision: number;
  position: number;
  eventId: string;
}

/** Runs the child until it has acknowledged at least `acks` events, then SIGKILLs it. */
const appendUntilKilled = (adapter: string, file: string, acks: number): Promise<Ack[]> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childScript, adapter, file, '64'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    const received: Ack[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      // The last piece may be a line cut short by the kill: it is not an acknowledgement.
      buffer = lines.pop()!;
      for (const line of lines) {
        const [word, streamId, revision, position, eventId] = line.split(' ');
        if (word !== 'ack') continue;
        received.push({
          streamId: streamId!,
          revision: Number(revision),
          position: Number(position),
          eventId: eventId!,
        });
      }
      if (received.length >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (${String(signal)}): ${stderr}`));
      else resolvePromise(received);
    });
  });

describe('crash safety of the SQLite store', () => {
  let adapter: string;

  beforeAll(() => {
    [adapter] = transpileTree(buildDir, [join(root, 'src/event-store/sqlite/sqlite-event-store.ts')]);
  });

  afterAll(() => {
    removeBuildDir(buildDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged append, exactly once, across two kill -9', async () => {
    const file = join(dataDir, 'ledger.sqlite');
    const acknowledged = [
      ...(await appendUntilKilled(adapter, file, 800)),
      ...(await appendUntilKilled(adapter, file, 800)),
    ];
    expect(acknowledged.length).toBeGreaterThanOrEqual(1600);

    const store = new SqliteEventStore(file);
    try {
      const all = await store.readAll();
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      const byEventId = new Map(all.map((e) => [e.eventId, e]));
      expect(byEventId.size).toBe(all.length);
      for (const ack of acknowledged) {
        expect(byEventId.get(ack.eventId)).toMatchObject({
          streamId: ack.streamId,
          revision: ack.revision,
          position: ack.position,
        });
      }
      const revisions = new Map<string, number>();
      for (const e of all) {
        expect(e.revision).toBe((revisions.get(e.streamId) ?? -1) + 1);
        revisions.set(e.streamId, e.revision);
      }
    } finally {
      await store.close();
    }
    expect(await verifySqliteStore(file)).toMatchObject({ ok: true });
  }, 60_000);
});
