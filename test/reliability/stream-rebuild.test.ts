import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedLedgerFile } from '../unit/read-models/fixtures.js';
import { newBuildDir, readModelSources, removeBuildDir, runNodeScript, transpileTree } from './transpile.js';

/**
 * The stream-by-stream rebuild in worker threads (src/read-models/stream-rebuild.ts) runs only from
 * compiled modules, so these tests run it in a child process: it must give byte for byte the read
 * models of a rebuild in log order in one thread, into a new file, into a live file (blue-green) and
 * in verification, and must fail cleanly, leaving the read models as they were.
 */

const buildDir = newBuildDir('stream-rebuild');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-stream-rebuild-'));

const CHILD = `
const [buildDir, eventsPath, dir, scenario] = process.argv.slice(2);
const { SqliteEventStore } = await import(buildDir + '/src/event-store/sqlite/sqlite-event-store.js');
const { ReadModelStore } = await import(buildDir + '/src/read-models/read-model-store.js');
const { ProjectionRunner } = await import(buildDir + '/src/read-models/projection-runner.js');
const { replayAll, verifyReplay } = await import(buildDir + '/src/read-models/replay.js');
const { streamRebuildStats } = await import(buildDir + '/src/read-models/stream-rebuild.js');
const { readAheadStats } = await import(buildDir + '/src/read-models/log-reader.js');
const { ALL_PROJECTIONS } = await import(buildDir + '/projections/index.js');
const { countingProjection, appendEvents, HistoryBuilder } = await import(
  buildDir + '/test/unit/read-models/fixtures.js'
);
const Database = (await import('better-sqlite3')).default;
const { copyFileSync } = await import('node:fs');

const projections = [...ALL_PROJECTIONS, countingProjection()];
const names = projections.map((p) => p.name);
/** Every read model as stored: checkpoint, and each document's key and JSON text. */
const raw = (path) => {
  const rm = new ReadModelStore(path, { readonly: true });
  try {
    return Object.fromEntries(names.map((name) => {
      const g = rm.active(name);
      return [name, g ? { position: g.position, docs: [...rm.entries(g)] } : null];
    }));
  } finally {
    rm.close();
  }
};
const store = new SqliteEventStore(eventsPath);
const out = {};
const stats = () => ({ streamWorkers: streamRebuildStats.workers, readAheadWorkers: readAheadStats.workers });
try {
  if (scenario === 'same') {
    await replayAll(store, dir + '/in-thread.sqlite', projections, undefined, { workers: 0, readAhead: false });
    out.inThread = raw(dir + '/in-thread.sqlite');
    out.before = stats();
    const progress = [];
    const r = await replayAll(store, dir + '/by-stream.sqlite', projections, (p) => progress.push(p.position), {
      workers: 3,
      pageSize: 7,
    });
    out.byStream = raw(dir + '/by-stream.sqlite');
    out.byStreamResult = { events: r.events, position: r.position };
    out.progress = { monotonic: progress.every((p, i) => i === 0 || p >= progress[i - 1]), last: progress.at(-1) };
    out.after = stats();
    // Into a live file: the runner's generations answer until the rebuilt ones are imported and switched.
    const live = new ReadModelStore(dir + '/live.sqlite');
    const runner = new ProjectionRunner(store, live, projections, { rebuildWorkers: 2 });
    await runner.start();
    await runner.waitFor(await store.headPosition(), 20000);
    await runner.stop();
    out.liveBefore = names.map((n) => live.active(n).id);
    live.close();
    await replayAll(store, dir + '/live.sqlite', ALL_PROJECTIONS, undefined, { workers: 2 });
    out.live = raw(dir + '/live.sqlite');
    const after = new ReadModelStore(dir + '/live.sqlite', { readonly: true });
    out.liveAfter = names.map((n) => after.active(n).id);
    out.liveBuilding = after.generations().filter((g) => g.status === 'building').length;
    after.close();
    const tables = new Database(dir + '/live.sqlite', { readonly: true });
    out.liveStaging = tables.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'staging%'").pluck().all();
    tables.close();
    out.verify = await verifyReplay(store, dir + '/live.sqlite', projections, { workers: 2 });
    out.verifyInThread = await verifyReplay(store, dir + '/live.sqlite', projections, { workers: 0 });
    const db = new Database(dir + '/live.sqlite');
    const table = db.prepare("SELECT c.table_name FROM active a JOIN checkpoints c ON c.id = a.generation WHERE a.projection = 'audit-timeline'").pluck().get();
    db.prepare('UPDATE "' + table + '" SET doc = json_set(doc, \\'$.revision\\', 999) WHERE key = (SELECT min(key) FROM "' + table + '")').run();
    db.close();
    out.tampered = await verifyReplay(store, dir + '/live.sqlite', projections, { workers: 2 });
    out.end = stats();
    // Only projections the workers build, into a new file.
    await replayAll(store, dir + '/pure.sqlite', ALL_PROJECTIONS, undefined, { workers: 2 });
    out.pure = raw(dir + '/pure.sqlite');
    // Events appended while the workers run are applied in log order after them.
    copyFileSync(eventsPath, dir + '/tail-ledger.sqlite');
    const tailStore = new SqliteEventStore(dir + '/tail-ledger.sqlite');
    try {
      const headBefore = await tailStore.headPosition();
      let done = false;
      const replaying = replayAll(tailStore, dir + '/tail.sqlite', ALL_PROJECTIONS, undefined, { workers: 2 });
      replaying.finally(() => (done = true)).catch(() => undefined);
      const history = new HistoryBuilder(10, '0000a1a1');
      while (!done) await appendEvents(tailStore, history, 20, undefined, 20);
      const result = await replaying;
      out.tail = {
        beyondStart: result.position > headBefore,
        counted: result.events === result.position,
        verify: await verifyReplay(tailStore, dir + '/tail.sqlite', ALL_PROJECTIONS, { workers: 0 }),
      };
      // A live file that a running runner keeps serving and writing while the log grows: its old
      // generations answer until the switch, then it carries on from the rebuilt ones.
      const served = new ReadModelStore(dir + '/tail-live.sqlite');
      const runner = new ProjectionRunner(tailStore, served, ALL_PROJECTIONS, {
        retryDelayMs: 10,
        onError: () => undefined,
      });
      try {
        await runner.start();
        await runner.waitFor(await tailStore.headPosition(), 20000);
        const ids = () => ALL_PROJECTIONS.map((p) => served.active(p.name).id);
        const old = ids();
        const seen = new Set();
        let rebuilt = false;
        const rebuilding = replayAll(tailStore, dir + '/tail-live.sqlite', ALL_PROJECTIONS, () => ids().forEach((id) => seen.add(id)), { workers: 2 });
        rebuilding.finally(() => (rebuilt = true)).catch(() => undefined);
        while (!rebuilt) await appendEvents(tailStore, history, 20, undefined, 20);
        await rebuilding;
        out.tailLive = {
          answeredByOld: seen.size > 0 && [...seen].every((id) => old.includes(id)),
          switched: ids().every((id) => !old.includes(id)),
          caughtUp: await runner.waitFor(await tailStore.headPosition(), 20000),
        };
      } finally {
        await runner.stop();
        served.close();
      }
      out.tailLive.verify = await verifyReplay(tailStore, dir + '/tail-live.sqlite', ALL_PROJECTIONS, { workers: 0 });
    } finally {
      await tailStore.close();
    }
  } else if (scenario === 'runner') {
    // The server's runner: read models created on a first start, and a projection whose code changed
    // (its stored generation is version 0), are built stream by stream in workers, blue-green.
    const head = await store.headPosition();
    await replayAll(store, dir + '/runner-in-thread.sqlite', ALL_PROJECTIONS, undefined, { workers: 0, readAhead: false });
    out.inThread = raw(dir + '/runner-in-thread.sqlite');
    const older = ALL_PROJECTIONS.map((p) => (p.name === 'audit-timeline' ? { ...p, version: 0 } : p));
    const live = new ReadModelStore(dir + '/runner.sqlite');
    const first = new ProjectionRunner(store, live, older, { rebuildWorkers: 2, pageSize: 50 });
    let workers = streamRebuildStats.workers;
    await first.start();
    // /health and /metrics show how far the workers got while the checkpoints still say 0.
    const gauge = 'ledger_read_model_worker_build_events{projection="assignment-entitlements"} ';
    const builtInMetrics = async () =>
      Number((await first.metrics()).split('\\n').find((line) => line.startsWith(gauge)).slice(gauge.length));
    const progress = [];
    const caughtUp = first.waitFor(head, 20000);
    let done = false;
    caughtUp.finally(() => (done = true));
    while (!done) {
      const p = (await first.status()).projections.find((p) => p.name === 'assignment-entitlements');
      if (p.workers) {
        progress.push({ ...p.workers, checkpoint: p.checkpoint, metric: await builtInMetrics() });
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    out.firstCaughtUp = await caughtUp;
    out.firstProgress = {
      seen: progress.length > 0,
      atZero: progress.every((p) => p.checkpoint === 0),
      of: [...new Set(progress.map((p) => p.of))],
      inMetrics: progress.some((p) => p.metric > 0),
    };
    out.workersAfter = (await first.status()).projections.filter((p) => p.workers).length;
    out.metricAfter = await builtInMetrics();
    await first.stop();
    out.firstStartWorkers = streamRebuildStats.workers - workers;
    out.firstVersion = live.active('audit-timeline').version;
    workers = streamRebuildStats.workers;
    const hooks = [];
    let switched;
    const switchedOver = new Promise((resolve) => (switched = resolve));
    const second = new ProjectionRunner(store, live, ALL_PROJECTIONS, {
      rebuildWorkers: 2,
      hooks: {
        beforeActivate: (name, version) => {
          hooks.push({
            name,
            version,
            answering: live.active(name).version,
            built: live.generations(name).find((g) => g.version === version).position,
            workers: streamRebuildStats.workers - workers,
          });
          setTimeout(switched, 0);
        },
      },
    });
    await second.start();
    await switchedOver;
    // The hand-over follows the hook after one more page of the log: wait for it, not for a timer tick.
    const timelineVersion = async () => (await second.status()).projections.find((p) => p.name === 'audit-timeline').version;
    for (const until = Date.now() + 20000; (await timelineVersion()) !== 1 && Date.now() < until; )
      await new Promise((resolve) => setTimeout(resolve, 10));
    out.caughtUp = await second.waitFor(head, 20000);
    out.status = (await second.status()).projections.map((p) => [p.name, p.version, p.state]);
    await second.stop();
    out.hooks = hooks;
    live.close();
    out.runner = raw(dir + '/runner.sqlite');
  } else if (scenario === 'stop') {
    // The server stopped while its workers build: nothing of the part built is adopted or left behind,
    // and the next start builds it all.
    const head = await store.headPosition();
    const live = new ReadModelStore(dir + '/stopped.sqlite');
    const first = new ProjectionRunner(store, live, ALL_PROJECTIONS, { rebuildWorkers: 2, pageSize: 50 });
    await first.start();
    let progress;
    while (!progress) {
      progress = (await first.status()).projections.find((p) => p.name === 'audit-timeline').workers;
      if (!progress) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await first.stop();
    out.stoppedPart = progress.events < progress.of;
    out.afterStop = ALL_PROJECTIONS.map((p) => live.active(p.name).position);
    const tables = new Database(dir + '/stopped.sqlite', { readonly: true });
    out.stagingAfterStop = tables.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'staging%'").pluck().all();
    tables.close();
    const second = new ProjectionRunner(store, live, ALL_PROJECTIONS, { rebuildWorkers: 2 });
    await second.start();
    out.caughtUp = await second.waitFor(head, 20000);
    await second.stop();
    live.close();
    out.verify = await verifyReplay(store, dir + '/stopped.sqlite', ALL_PROJECTIONS, { workers: 0 });
  } else if (scenario === 'race') {
    // One start both builds a fresh read model in workers (the feed) and switches in a new version of
    // another (the build) while those workers still run, the old version feeding until then: the version
    // switched in goes on feeding.
    copyFileSync(eventsPath, dir + '/race-ledger.sqlite');
    const raceStore = new SqliteEventStore(dir + '/race-ledger.sqlite');
    const live = new ReadModelStore(dir + '/race.sqlite');
    const summary = ALL_PROJECTIONS.find((p) => p.name === 'assignment-summary');
    try {
      const head = await raceStore.headPosition();
      const seed = new ProjectionRunner(raceStore, live, [countingProjection(1)], { rebuildWorkers: 0 });
      await seed.start();
      await seed.waitFor(head, 20000);
      await seed.stop();
      const errors = [];
      const spawned = streamRebuildStats.workers;
      const runner = new ProjectionRunner(raceStore, live, [summary, countingProjection(1), countingProjection(2)], {
        rebuildWorkers: 2,
        retryDelayMs: 10,
        onError: (error) => errors.push(String(error)),
        hooks: {
          beforeActivate: async () => {
            // Switch over once the fresh read model's workers were started, long before they are done.
            while (streamRebuildStats.workers === spawned) await new Promise((r) => setTimeout(r, 1));
            out.summaryAtSwitch = live.active('assignment-summary').position;
          },
        },
      });
      await runner.start();
      out.caughtUp = await runner.waitFor(head, 20000);
      const more = await appendEvents(raceStore, new HistoryBuilder(10, '0000b2b2'), 50, undefined, 50);
      out.caughtUpMore = await runner.waitFor(more, 20000);
      out.status = (await runner.status()).projections.map((p) => [p.name, p.version, p.state, p.checkpoint === more]);
      await runner.stop();
      out.errors = errors;
    } finally {
      live.close();
    }
    try {
      out.verify = await verifyReplay(raceStore, dir + '/race.sqlite', [summary, countingProjection(2)], { workers: 0 });
    } finally {
      await raceStore.close();
    }
  } else if (scenario === 'twins') {
    // Two servers started together on one read-model file both build the fresh read models in workers,
    // each into staging tables of its own: one adopts them, the other reloads from there.
    const head = await store.headPosition();
    const errors = [[], []];
    const twins = errors.map((list) => {
      const readModels = new ReadModelStore(dir + '/twins.sqlite');
      const runner = new ProjectionRunner(store, readModels, ALL_PROJECTIONS, {
        rebuildWorkers: 2,
        retryDelayMs: 10,
        onError: (error) => list.push(String(error)),
      });
      return { readModels, runner };
    });
    const spawned = streamRebuildStats.workers;
    await Promise.all(twins.map(({ runner }) => runner.start()));
    out.caughtUp = await Promise.all(twins.map(({ runner }) => runner.waitFor(head, 20000)));
    await Promise.all(twins.map(({ runner }) => runner.stop()));
    for (const { readModels } of twins) readModels.close();
    out.workers = streamRebuildStats.workers - spawned;
    out.errors = errors.flat();
    out.twins = raw(dir + '/twins.sqlite');
    await replayAll(store, dir + '/twins-in-thread.sqlite', ALL_PROJECTIONS, undefined, { workers: 0 });
    out.inThread = raw(dir + '/twins-in-thread.sqlite');
    const tables = new Database(dir + '/twins.sqlite', { readonly: true });
    out.staging = tables.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'staging%'").pluck().all();
    tables.close();
  } else {
    // The log is out of order: rebuilds stream by stream must refuse it and leave nothing behind.
    const live = new ReadModelStore(dir + '/broken-live.sqlite');
    live.createGeneration('audit-timeline', 1, { activate: true });
    out.liveBefore = live.generations().map((g) => [g.id, g.status]);
    live.close();
    for (const target of ['broken-new.sqlite', 'broken-live.sqlite']) {
      try {
        await replayAll(store, dir + '/' + target, ALL_PROJECTIONS, undefined, { workers: 2 });
        out[target] = 'no error';
      } catch (error) {
        out[target] = String(error);
      }
    }
    const after = new ReadModelStore(dir + '/broken-live.sqlite', { readonly: true });
    out.liveAfter = after.generations().map((g) => [g.id, g.status]);
    after.close();
    const tables = new Database(dir + '/broken-live.sqlite', { readonly: true });
    out.liveTables = tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    tables.close();
    out.files = (await import('node:fs')).readdirSync(dir).filter((f) => f.startsWith('broken-new'));
    // The server's runner reports the refusal and builds its read models in log order instead.
    const errors = [];
    const served = new ReadModelStore(dir + '/broken-served.sqlite');
    const runner = new ProjectionRunner(store, served, ALL_PROJECTIONS, {
      rebuildWorkers: 2,
      onError: (error) => errors.push(String(error)),
    });
    await runner.start();
    out.servedCaughtUp = await runner.waitFor(await store.headPosition(), 20000);
    await runner.stop();
    served.close();
    out.servedErrors = errors;
  }
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify(out));
`;

const runChild = async (eventsPath: string, scenario: string): Promise<Record<string, unknown>> =>
  JSON.parse(
    await runNodeScript(join(buildDir, 'child.mjs'), [buildDir, eventsPath, dataDir, scenario]),
  ) as Record<string, unknown>;

describe('rebuilding stream by stream in worker threads', () => {
  const events = 6_000;
  const ledger = join(dataDir, 'ledger.sqlite');

  beforeAll(async () => {
    transpileTree(buildDir, readModelSources('src/read-models/stream-rebuild.worker.ts'));
    writeFileSync(join(buildDir, 'child.mjs'), CHILD);
    await seedLedgerFile(ledger, 150, events, 300);
  }, 60_000);

  afterAll(() => {
    removeBuildDir(buildDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives byte for byte the read models of a rebuild in log order, new file, live file and verify', async () => {
    const out = await runChild(ledger, 'same');
    // The counting projection is not keyed by assignment: it is rebuilt in log order beside the workers.
    expect(out.byStream).toEqual(out.inThread);
    expect(out.byStreamResult).toEqual({ events, position: events });
    expect(out.progress).toEqual({ monotonic: true, last: events });
    expect(out.before).toEqual({ streamWorkers: 0, readAheadWorkers: 0 });
    expect(out.after).toEqual({ streamWorkers: 3, readAheadWorkers: 1 });
    const inThread = out.inThread as Record<string, { docs: unknown[] }>;
    expect(inThread['audit-timeline']!.docs).toHaveLength(150);

    const live = out.live as Record<string, unknown>;
    for (const name of ['assignment-entitlements', 'assignment-summary', 'audit-timeline']) {
      expect(live[name]).toEqual(inThread[name]);
    }
    const [before, after] = [out.liveBefore as number[], out.liveAfter as number[]];
    // Every projection of the ledger rebuilt into a new generation; the counting one (last) left alone.
    expect(after.slice(0, -1).every((id, i) => id !== before[i])).toBe(true);
    expect(after.at(-1)).toBe(before.at(-1));
    expect(out.liveBuilding).toBe(0);
    expect(out.liveStaging).toEqual([]);
    expect(out.verify).toEqual([]);
    expect(out.verifyInThread).toEqual([]);
    expect(out.tampered).toEqual([
      expect.objectContaining({ projection: 'audit-timeline', kind: 'different', fields: ['revision'] }),
    ]);
    const pure = out.pure as Record<string, unknown>;
    for (const name of ['assignment-entitlements', 'assignment-summary', 'audit-timeline']) {
      expect(pure[name]).toEqual(inThread[name]);
    }
    expect(out.tail).toEqual({ beyondStart: true, counted: true, verify: [] });
    expect(out.tailLive).toEqual({ answeredByOld: true, switched: true, caughtUp: true, verify: [] });
    // Two workers for each of the runner's first start, the live-file rebuild and the two verifications
    // with workers; the counting projection read ahead in log order by those verifications and the one
    // without workers.
    expect(out.end).toEqual({ streamWorkers: 11, readAheadWorkers: 4 });
  }, 60_000);

  it('refuses a log whose stream order is not its position order, leaving the read models as they were', async () => {
    const broken = join(dataDir, 'broken-ledger.sqlite');
    copyFileSync(ledger, broken);
    const db = new Database(broken);
    // Swap two events' revisions inside one stream (which also breaks the hash chain `ledger verify` checks).
    const [a, b] = db
      .prepare(
        'SELECT position, revision, stream_id FROM events WHERE stream_id = (SELECT stream_id FROM events WHERE position = 4000) ORDER BY revision LIMIT 2 OFFSET 3',
      )
      .all() as { position: number; revision: number }[];
    db.prepare('UPDATE events SET revision = -1 WHERE position = ?').run(a!.position);
    db.prepare('UPDATE events SET revision = ? WHERE position = ?').run(a!.revision, b!.position);
    db.prepare('UPDATE events SET revision = ? WHERE position = ?').run(b!.revision, a!.position);
    db.close();
    const out = await runChild(broken, 'broken');
    expect(out['broken-new.sqlite']).toMatch(/in revision order/);
    expect(out['broken-live.sqlite']).toMatch(/in revision order/);
    expect(out.liveAfter).toEqual(out.liveBefore);
    expect(out.liveTables).toEqual(['active', 'checkpoints', 'doc_audit_timeline_v1_g1', 'sqlite_sequence']);
    expect(out.files).toEqual([]);
    expect(out.servedCaughtUp).toBe(true);
    expect(out.servedErrors).toEqual([expect.stringMatching(/building in log order: .*in revision order/)]);
  }, 60_000);

  it('stopped while its workers build, the runner adopts nothing of the part built and leaves nothing behind', async () => {
    const out = await runChild(ledger, 'stop');
    expect(out.stoppedPart).toBe(true);
    expect(out.afterStop).toEqual([0, 0, 0, 0]);
    expect(out.stagingAfterStop).toEqual([]);
    expect(out).toMatchObject({ caughtUp: true, verify: [] });
  }, 60_000);

  it('lets one of two servers started together on one file adopt its build; the other reloads from it', async () => {
    const out = await runChild(ledger, 'twins');
    expect(out.caughtUp).toEqual([true, true]);
    expect(out.workers).toBe(4);
    // The slower one reloads on the moved checkpoint: no log-order rebuild, no failed worker.
    const errors = out.errors as string[];
    expect(errors.every((e) => /StaleGenerationError|read-model generation \d+:/.test(e))).toBe(true);
    expect(errors.some((e) => /log order/.test(e))).toBe(false);
    expect(out.staging).toEqual([]);
    const [twins, inThread] = [out.twins, out.inThread] as Record<string, unknown>[];
    for (const name of ['assignment-entitlements', 'assignment-summary', 'audit-timeline']) {
      expect(twins![name]).toEqual(inThread![name]);
    }
  }, 60_000);

  it('switches a new version in while a fresh read model is still built in workers, and keeps feeding it', async () => {
    const out = await runChild(ledger, 'race');
    // The switch came while the workers still built the fresh read model.
    expect(out.summaryAtSwitch).toBe(0);
    expect(out).toMatchObject({ caughtUp: true, caughtUpMore: true, errors: [], verify: [] });
    expect(out.status).toEqual([
      ['assignment-summary', 1, 'live', true],
      ['event-count', 2, 'live', true],
    ]);
  }, 60_000);

  it("builds the server's read models in workers on a first start and after a projection's code changed, blue-green", async () => {
    const out = await runChild(ledger, 'runner');
    expect(out.firstCaughtUp).toBe(true);
    expect(out.firstProgress).toEqual({ seen: true, atZero: true, of: [events], inMetrics: true });
    expect(out.workersAfter).toBe(0);
    expect(out.metricAfter).toBe(0);
    expect(out.firstStartWorkers).toBe(2);
    expect(out.firstVersion).toBe(0);
    // The old version answered until the new one, built in workers up to the head, took over.
    expect(out.hooks).toEqual([
      { name: 'audit-timeline', version: 2, answering: 0, built: events, workers: 2 },
    ]);
    expect(out.caughtUp).toBe(true);
    expect(out.status).toEqual([
      ['assignment-entitlements', 2, 'live'],
      ['assignment-summary', 1, 'live'],
      ['audit-timeline', 2, 'live'],
      ['deadlines', 3, 'live'],
    ]);
    const [runner, inThread] = [out.runner, out.inThread] as Record<string, unknown>[];
    for (const name of ['assignment-entitlements', 'assignment-summary', 'audit-timeline']) {
      expect(runner![name]).toEqual(inThread![name]);
    }
  }, 60_000);
});
