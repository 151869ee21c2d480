import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import type { AnyProjection } from '../../projections/projection.js';
import { ProjectionRunner } from '../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../src/read-models/read-model-store.js';
import { replayAll, verifyReplay } from '../../src/read-models/replay.js';
import { countingProjection, dump, seedLedgerFile } from '../unit/read-models/fixtures.js';
import { newBuildDir, readModelSources, removeBuildDir, runNodeScript, transpileTree } from './transpile.js';

/**
 * kill -9 of a process that is catching its read models up (committing every 250 events), three times
 * at random events, then a clean restart: every read model equals a replay from scratch, and a counting
 * projection that is not idempotent shows each event applied exactly once.
 */

const buildDir = newBuildDir('read-models');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-read-models-crash-'));

/**
 * Catches up with the read-ahead worker, committing every 250 events, and SIGKILLs itself as it applies
 * the first counted event at or past position `killAt` (a moment chosen by event, not by the clock: a
 * fast machine could otherwise finish the catch-up before a timed kill lands).
 */
const CHILD = `
const [buildDir, eventsPath, readModelsPath, killAt] = process.argv.slice(2);
const { SqliteEventStore } = await import(buildDir + '/src/event-store/sqlite/sqlite-event-store.js');
const { ReadModelStore } = await import(buildDir + '/src/read-models/read-model-store.js');
const { ProjectionRunner } = await import(buildDir + '/src/read-models/projection-runner.js');
const { ALL_PROJECTIONS } = await import(buildDir + '/projections/index.js');
const { countingProjection } = await import(buildDir + '/test/unit/read-models/fixtures.js');
const store = new SqliteEventStore(eventsPath);
const readModels = new ReadModelStore(readModelsPath);
const counting = countingProjection();
const evolve = counting.evolve;
counting.evolve = (doc, event) => {
  if (event.position >= Number(killAt)) process.kill(process.pid, 'SIGKILL');
  return evolve(doc, event);
};
const runner = new ProjectionRunner(store, readModels, [...ALL_PROJECTIONS, counting], {
  pageSize: 50,
  catchUpFlushEvents: 250,
  readAheadFrom: 0,
  onError: (error) => process.stderr.write(String(error) + '\\n'),
});
await runner.start();
setInterval(() => undefined, 1000);
`;

/** Rebuilds into a new file with the compiled modules, where the read-ahead worker exists. */
const REPLAY_CHILD = `
const [buildDir, eventsPath, target] = process.argv.slice(2);
const { SqliteEventStore } = await import(buildDir + '/src/event-store/sqlite/sqlite-event-store.js');
const { replayAll, verifyReplay } = await import(buildDir + '/src/read-models/replay.js');
const { readAheadStats } = await import(buildDir + '/src/read-models/log-reader.js');
const { ALL_PROJECTIONS } = await import(buildDir + '/projections/index.js');
const store = new SqliteEventStore(eventsPath);
const result = await replayAll(store, target, ALL_PROJECTIONS, undefined, { pageSize: 700 });
const readAhead = await verifyReplay(store, target, ALL_PROJECTIONS, { pageSize: 333 });
const inThread = await verifyReplay(store, target, ALL_PROJECTIONS, { readAhead: false });
await store.close();
process.stdout.write(JSON.stringify({ events: result.events, workers: readAheadStats.workers, readAhead, inThread }));
`;

/** Runs the child until it kills itself at `killAt`; an end of any other kind fails the test. */
const catchUpUntilKilled = (killAt: number): Promise<void> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(buildDir, 'child.mjs'),
        buildDir,
        join(dataDir, 'ledger.sqlite'),
        join(dataDir, 'read-models.sqlite'),
        String(killAt),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`child did not reach ${killAt} (${String(signal)}): ${stderr}`));
      else resolvePromise();
    });
  });

describe('read models across real processes', () => {
  const events = 12_000;

  beforeAll(async () => {
    transpileTree(buildDir, readModelSources());
    writeFileSync(join(buildDir, 'child.mjs'), CHILD);
    writeFileSync(join(buildDir, 'replay-child.mjs'), REPLAY_CHILD);
    await seedLedgerFile(join(dataDir, 'ledger.sqlite'), 120, events, 500);
  }, 60_000);

  afterAll(() => {
    removeBuildDir(buildDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every event exactly once across three kills and a restart', async () => {
    const kills = [2_000, 5_000, 8_000].map((at) => at + Math.floor(Math.random() * 250));
    for (const killAt of kills) await catchUpUntilKilled(killAt);

    const store = new SqliteEventStore(join(dataDir, 'ledger.sqlite'));
    const readModels = new ReadModelStore(join(dataDir, 'read-models.sqlite'));
    const scratch = new ReadModelStore(':memory:');
    const counting = countingProjection() as AnyProjection;
    const projections = [...ALL_PROJECTIONS, counting];
    const runner = new ProjectionRunner(store, readModels, projections);
    try {
      // Each run resumed from the last commit before its kill and went on past the one before.
      const resumedFrom = readModels.checkpoint('event-count');
      expect(resumedFrom).toBeGreaterThanOrEqual(kills[1]!);
      expect(resumedFrom).toBeLessThan(kills[2]!);
      await runner.start();
      expect(await runner.waitFor(events, 20_000)).toBe(true);
      await runner.stop();

      await replayAll(store, scratch, projections);
      const names = projections.map((p) => p.name);
      expect(dump(readModels, names)).toEqual(dump(scratch, names));
      const counts = dump(readModels, ['event-count'])['event-count'] as Record<
        string,
        { positions: number[] }
      >;
      const handled = await store.readAll({ types: countingProjection().canHandle });
      const applied = Object.values(counts).flatMap((doc) => doc.positions);
      expect(applied.sort((a, b) => a - b)).toEqual(handled.map((e) => e.position));
      expect(await verifyReplay(store, readModels, projections)).toEqual([]);
    } finally {
      await runner.stop();
      scratch.close();
      readModels.close();
      await store.close();
    }
  }, 60_000);

  it('reading the log ahead in a worker thread gives the same read models as reading in one thread', async () => {
    const target = join(dataDir, 'replayed-with-worker.sqlite');
    const output = await runNodeScript(join(buildDir, 'replay-child.mjs'), [
      buildDir,
      join(dataDir, 'ledger.sqlite'),
      target,
    ]);
    // One worker for the rebuild, one for the first verification; none when asked not to.
    expect(JSON.parse(output)).toEqual({ events, workers: 2, readAhead: [], inThread: [] });

    const store = new SqliteEventStore(join(dataDir, 'ledger.sqlite'));
    const readModels = new ReadModelStore(target, { readonly: true });
    const scratch = new ReadModelStore(':memory:');
    try {
      await replayAll(store, scratch, ALL_PROJECTIONS);
      const names = ALL_PROJECTIONS.map((p) => p.name);
      expect(dump(readModels, names)).toEqual(dump(scratch, names));
    } finally {
      scratch.close();
      readModels.close();
      await store.close();
    }
  }, 60_000);
});
