import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newBuildDir, removeBuildDir, root, runNodeScript, transpileTree } from './transpile.js';

/**
 * WAL checkpoints run in a thread of their own (src/sqlite/wal-checkpointer.ts), which
 * exists only compiled, so a child process runs the compiled stores: what each writes reaches its main
 * file without the writer checkpointing, and every event and document is there after a reopen.
 */

const buildDir = newBuildDir('wal-checkpoints');
const dir = mkdtempSync(join(tmpdir(), 'ledger-wal-'));

const CHILD = `
const [buildDir, dir] = process.argv.slice(2);
const { SqliteEventStore, verifySqliteStore } = await import(buildDir + '/src/event-store/sqlite/sqlite-event-store.js');
const { ReadModelStore } = await import(buildDir + '/src/read-models/read-model-store.js');
const { statSync } = await import('node:fs');
const { randomUUID } = await import('node:crypto');
const size = (path) => statSync(path).size;
const settle = () => new Promise((resolve) => setTimeout(resolve, 800));
const out = {};

const log = dir + '/ledger.sqlite';
const store = new SqliteEventStore(log);
out.logAutocheckpoint = store.db.pragma('wal_autocheckpoint', { simple: true });
const logBefore = size(log);
// About 1,500 WAL pages: fewer than the 4,000 at which the writer itself would checkpoint.
for (let i = 0; i < 20; i++) {
  await Promise.all(Array.from({ length: 50 }, (_, j) => store.appendToStream('assignment-' + i + '-' + j, [{
    eventId: randomUUID(), type: 'ExpenseClaimed', data: { note: 'x'.repeat(3000) },
    metadata: { actor: 'test', commandId: randomUUID(), correlationId: randomUUID() },
  }], { expectedRevision: 'no_stream' })));
}
await settle();
out.logGrewBy = size(log) - logBefore;
await store.close();
const reopened = new SqliteEventStore(log);
out.events = (await reopened.readAll()).length;
await reopened.close();
out.verified = (await verifySqliteStore(log)).ok;

const models = dir + '/read-models.sqlite';
const rm = new ReadModelStore(models);
out.modelsAutocheckpoint = rm.db.pragma('wal_autocheckpoint', { simple: true });
const gen = rm.createGeneration('p', 1, { activate: true });
const modelsBefore = size(models);
let position = 0;
for (let i = 0; i < 20; i++) {
  const docs = new Map(Array.from({ length: 20 }, (_, j) => ['doc-' + i + '-' + j, { text: 'y'.repeat(20000) }]));
  rm.commit([{ generation: gen.id, docs, from: position, position: position + 1 }]);
  position += 1;
}
await settle();
out.modelsGrewBy = size(models) - modelsBefore;
rm.close();
const again = new ReadModelStore(models, { readonly: true });
out.docs = again.db.prepare('SELECT COUNT(*) AS n FROM "' + gen.table + '"').get().n;
again.close();
console.log(JSON.stringify(out));
`;

const run = async (): Promise<Record<string, number | boolean>> =>
  JSON.parse(await runNodeScript(join(buildDir, 'child.mjs'), [buildDir, dir])) as Record<
    string,
    number | boolean
  >;

describe('WAL checkpoints', () => {
  beforeAll(() => {
    const sources = ['src/event-store/sqlite/sqlite-event-store.ts', 'src/read-models/read-model-store.ts'];
    transpileTree(
      buildDir,
      [...sources, 'src/sqlite/wal-checkpointer.worker.ts'].map((s) => join(root, s)),
    );
    writeFileSync(join(buildDir, 'child.mjs'), CHILD);
  }, 60_000);

  afterAll(() => {
    removeBuildDir(buildDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("copy the log's and the read models' commits into their files off the writer's thread", async () => {
    const out = await run();
    // The writer checkpoints itself only as a backstop, at 8x its usual WAL.
    expect(out.logAutocheckpoint).toBe(32_000);
    expect(out.modelsAutocheckpoint).toBe(8_000);
    // ~6 MB of events and ~8 MB of documents: below the writer's own thresholds, yet in the files.
    expect(out.logGrewBy).toBeGreaterThan(4_000_000);
    expect(out.modelsGrewBy).toBeGreaterThan(4_000_000);
    expect(out).toMatchObject({ events: 1000, verified: true, docs: 400 });
  }, 60_000);
});
