/**
 * Bounded memory of the real server (a child process; its resident set read from /proc): 40 event
 * stream clients that never read while 20 MB of events go by, 20 webhooks whose receiver accepts and
 * never answers, and 10,000 open idle connections. Each may cost the server at most its budget above
 * what it used before, and the server keeps answering meanwhile.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { newBuildDir, removeBuildDir, root, transpileTree } from './transpile.js';

const buildDir = newBuildDir('memory');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-memory-'));
const ledgerFile = join(dataDir, 'ledger.sqlite');
const KEY = 'memory-admin-key';
/** Growth allowed per scenario, in MiB of resident memory above the server's level before it. */
const BUDGET_MIB = { slowStreams: 128, hangingReceivers: 64, idleConnections: 160 };

let child: ChildProcess;
let url: string;
let port: number;

const rssMiB = (): number => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
};

const call = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as any };
};

/** Appends `count` events of about 2 kB from this process, as another writer of the file would. */
const appendFromOutside = async (count: number): Promise<number> => {
  const store = new SqliteEventStore(ledgerFile);
  try {
    let head = 0;
    for (let done = 0; done < count; done += 500) {
      const appends = Array.from({ length: 500 }, (_, i) =>
        store.appendToStream(
          `load-${(done + i) % 50}`,
          [
            {
              eventId: randomUUID(),
              type: 'MemoryTested',
              data: { i: done + i, padding: 'x'.repeat(2000) },
              metadata: { actor: 'memory-test', commandId: randomUUID(), correlationId: randomUUID() },
            },
          ],
          { expectedRevision: 'any' },
        ),
      );
      for (const result of await Promise.all(appends)) head = Math.max(head, result.position);
    }
    return head;
  } finally {
    await store.close();
  }
};

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory sampled while `during` runs; answers the highest level seen. */
const peakDuring = async (during: Promise<unknown>): Promise<number> => {
  let peak = rssMiB();
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    peak = Math.max(peak, rssMiB());
    await settle(50);
  }
  await during;
  return Math.max(peak, rssMiB());
};

beforeAll(async () => {
  const [main] = transpileTree(
    buildDir,
    ['src/main.ts', 'src/read-models/stream-rebuild.worker.ts', 'src/read-models/log-reader.worker.ts'].map(
      (f) => join(root, f),
    ),
    { decorators: true },
  );
  child = spawn(process.execPath, [main!], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      PORT: '0',
      LEDGER_STORE_URL: `sqlite:${ledgerFile}`,
      LEDGER_API_KEYS: `admin=${KEY}`,
      LEDGER_RATE_LIMIT_PER_MINUTE: '0',
      LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      LEDGER_WEBHOOK_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /serving on (http:\/\/[\d.]+:(\d+))/.exec(output);
      if (match) {
        port = Number(match[2]);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => reject(new Error(`the server ended: ${output}`)));
  });
  // Warm up: the routes, the read models, the runner through as many events as a scenario appends, so
  // what is measured is what the slow clients cost, not the heap reaching its working size.
  for (let i = 0; i < 50; i++) await call('/events?limit=10');
  await appendFromOutside(20_000);
  await settle(1000);
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  removeBuildDir(buildDir);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('memory stays bounded', () => {
  test('40 event-stream clients that never read, while 20 MB of events go by', async () => {
    const before = rssMiB();
    const sockets: Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.write(`GET /events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\n\r\n`);
      // Never read: the socket stays paused, its kernel buffers fill up, the server must wait.
      socket.pause();
      sockets.push(socket);
    }
    const peak = await peakDuring(appendFromOutside(10_000));
    await settle(1500);
    const streams = (await call('/health')).status;
    const after = Math.max(peak, rssMiB());
    for (const socket of sockets) socket.destroy();
    console.log(`memory: slow streams ${before.toFixed(0)} MiB -> peak ${after.toFixed(0)} MiB`);
    expect(streams).toBe(200);
    expect(after - before).toBeLessThan(BUDGET_MIB.slowStreams);
  }, 60_000);

  test('20 webhooks whose receiver never answers', async () => {
    const held: import('node:http').ServerResponse[] = [];
    const receiver: Server = createServer((_req, res) => held.push(res));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    try {
      for (let i = 0; i < 20; i++) {
        const created = await call('/webhooks', {
          method: 'POST',
          body: JSON.stringify({ url: target, secret: 'whsec-0123456789abcdef', after: 0 }),
        });
        expect(created.status).toBe(201);
      }
      const before = rssMiB();
      const peak = await peakDuring(appendFromOutside(5_000));
      await settle(1000);
      const after = Math.max(peak, rssMiB());
      console.log(
        `memory: hanging receivers ${before.toFixed(0)} MiB -> peak ${after.toFixed(0)} MiB, ${held.length} deliveries held`,
      );
      // One delivery at a time per webhook, however much is behind.
      expect(held.length).toBeLessThanOrEqual(20);
      expect((await call('/health')).status).toBe(200);
      expect(after - before).toBeLessThan(BUDGET_MIB.hangingReceivers);
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  }, 60_000);

  test('10,000 open idle connections', async () => {
    const before = rssMiB();
    const sockets: Socket[] = [];
    const opened = async (n: number) => {
      for (let i = 0; i < n; i += 500) {
        await Promise.all(
          Array.from(
            { length: 500 },
            () =>
              new Promise<void>((resolve) => {
                const socket = connect(port, '127.0.0.1', () => resolve());
                socket.on('error', () => resolve());
                sockets.push(socket);
              }),
          ),
        );
      }
    };
    try {
      const peak = await peakDuring(opened(10_000));
      await settle(500);
      const after = Math.max(peak, rssMiB());
      const open = sockets.filter((s) => !s.destroyed).length;
      // The server still answers a new client.
      const health = await call('/health');
      console.log(
        `memory: ${open} idle connections ${before.toFixed(0)} MiB -> peak ${after.toFixed(0)} MiB`,
      );
      expect(open).toBeGreaterThanOrEqual(9_000);
      expect(health.status).toBe(200);
      expect(after - before).toBeLessThan(BUDGET_MIB.idleConnections);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 60_000);
});
