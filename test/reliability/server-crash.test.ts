/**
 * The real server in a child process, under HTTP load from a dozen clients, killed mid-write.
 *
 * SIGKILL: after a restart every write that got a 2xx is in its stream exactly once where it was
 * acknowledged; the writes that got no answer, retried with their Idempotency-Key, are stored once;
 * the read models catch up; `ledger verify` and `ledger replay --verify` (the live read models equal
 * a rebuild from the first event) pass.
 *
 * SIGTERM: the requests in flight are answered (no write the server stored went unanswered), the
 * process exits with code 0 within 10 s (even with a client that never reads its answer), and the restart needs no repair: its read models are at the
 * head of the log from the first moment.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expenseBody, startBody } from '../e2e/support/fixtures.js';
import { newBuildDir, removeBuildDir, root, transpileTree } from './transpile.js';

const buildDir = newBuildDir('server');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-server-crash-'));
const KEY = 'crash-hr-key';
const CLIENTS = 12;
const env = {
  ...process.env,
  NO_COLOR: '1',
  PORT: '0',
  LEDGER_STORE_URL: `sqlite:${join(dataDir, 'ledger.sqlite')}`,
  LEDGER_API_KEYS: `hr=${KEY},auditor=crash-auditor-key`,
  LEDGER_RATE_LIMIT_PER_MINUTE: '0',
};
let main: string;
let cli: string;

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const startServer = (): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /serving on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`the server ended before serving: ${output}`)));
  });

interface Ack {
  key: string;
  assignmentId: string;
  eventId: string;
  revision: number;
}

/** A dozen clients, each writing expense claims to its own assignment, until `stop()`. */
const load = (url: string, round: string) => {
  const acks: Ack[] = [];
  const unanswered: { key: string; path: string; body: unknown }[] = [];
  const inFlight = new Set<string>();
  const answeredAfterSignal = new Set<string>();
  let stopped = false;
  let signalled = false;
  const send = async (key: string, path: string, body: unknown): Promise<boolean> => {
    inFlight.add(key);
    try {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as {
        assignmentId: string;
        revision: number;
        events: { eventId: string }[];
      };
      if (signalled) answeredAfterSignal.add(key);
      if (response.status !== 201) return false;
      acks.push({
        key,
        assignmentId: answer.assignmentId,
        eventId: answer.events[0]!.eventId,
        revision: answer.revision,
      });
      return true;
    } catch {
      unanswered.push({ key, path, body });
      return false;
    } finally {
      inFlight.delete(key);
    }
  };
  const client = async (c: number): Promise<void> => {
    const assignmentId = `load-${round}-${c}`;
    if (!(await send(`${assignmentId}-start`, '/assignments', startBody(assignmentId)))) return;
    for (let n = 0; !stopped; n++) {
      const body = expenseBody({
        expenseId: `e-${n}`,
        category: 'host-transportation',
        amount: { amount: `${10 + (n % 50)}.00`, currency: 'USD' },
        incurredOn: `2005-0${2 + (n % 4)}-1${n % 10}`,
      });
      const ok = await send(`${assignmentId}-e-${n}`, `/assignments/${assignmentId}/expenses`, body);
      if (!ok && (stopped || signalled)) return;
    }
  };
  const running = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  return {
    acks,
    unanswered,
    answeredAfterSignal,
    /** Keys sent and not yet answered right now. */
    inFlight: () => [...inFlight],
    signal: () => (signalled = true),
    stop: async () => {
      stopped = true;
      await running;
    },
    until: async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (acks.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${acks.length} acknowledged writes`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
};

const call = async (url: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as any };
};

/** Every acknowledged write once at its revision; the unanswered ones, retried, stored once too. */
const expectExactlyOnce = async (url: string, run: ReturnType<typeof load>, round: string) => {
  for (const { key, path, body } of run.unanswered) {
    const retried = await call(url, path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'idempotency-key': key },
    });
    // 404: a start that never reached the log, so its expense claims have no assignment either.
    expect([201, 404]).toContain(retried.status);
    if (retried.status === 201)
      run.acks.push({
        key,
        assignmentId: retried.body.assignmentId,
        eventId: retried.body.events[0].eventId,
        revision: retried.body.revision,
      });
  }
  const byAssignment = new Map<
    string,
    { eventId: string; revision: number; metadata: { commandId: string } }[]
  >();
  for (let c = 0; c < CLIENTS; c++) {
    const id = `load-${round}-${c}`;
    const history = await call(url, `/assignments/${id}/events`);
    if (history.status === 200) byAssignment.set(id, history.body.events);
  }
  for (const ack of run.acks) {
    const events = byAssignment.get(ack.assignmentId)!;
    expect(events.filter((e) => e.eventId === ack.eventId).map((e) => e.revision)).toEqual([ack.revision]);
  }
  // Nothing stored twice, nothing stored that no client sent.
  const all = [...byAssignment.values()].flat();
  expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
  expect(new Set(all.map((e) => e.metadata.commandId)).size).toBe(all.length);
  return all.length;
};

const ledgerCommand = (...args: string[]) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });

describe('the server killed under HTTP load', () => {
  beforeAll(() => {
    [main, cli] = transpileTree(
      buildDir,
      [
        'src/main.ts',
        'src/cli.ts',
        'src/read-models/stream-rebuild.worker.ts',
        'src/read-models/log-reader.worker.ts',
      ].map((f) => join(root, f)),
      { decorators: true },
    );
  }, 60_000);

  afterAll(() => {
    removeBuildDir(buildDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('SIGKILL mid-write: every 2xx there exactly once, read models converge, verify and replay --verify pass', async () => {
    const first = await startServer();
    const run = load(first.url, 'kill');
    await run.until(300);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await run.stop();

    const second = await startServer();
    try {
      const stored = await expectExactlyOnce(second.url, run, 'kill');
      expect(stored).toBeGreaterThanOrEqual(300);
      const head = (await call(second.url, '/health')).body.details.eventStore.headPosition as number;
      const caughtUp = await call(
        second.url,
        `/assignments/load-kill-0/entitlements?asOf=2005-12-31&minPosition=${head}`,
      );
      expect(caughtUp.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    }
    const verify = await ledgerCommand('verify', '--quiet');
    expect([verify.code, verify.out]).toEqual([0, expect.any(String)]);
    const replay = await ledgerCommand('replay', '--verify', '--quiet');
    expect([replay.code, replay.out]).toEqual([0, expect.any(String)]);
  }, 60_000);

  test('SIGTERM mid-write: requests in flight answered, exit 0 within 10 s, a restart that needs no repair', async () => {
    const server = await startServer();
    const run = load(server.url, 'term');
    await run.until(200);
    // A client that asked for Swagger UI's 1.5 MB bundle and never reads it: cut after the drain time.
    const stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.write('GET /docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: x\r\n\r\n');
    stalled.pause();
    stalled.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const inFlight = run.inFlight();
    run.signal();
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const took = Date.now() - signalledAt;
    await run.stop();
    stalled.destroy();
    if (exit.code !== 0) throw new Error(`exit ${exit.code}: ${server.output().slice(-1500)}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(10_000);
    console.log(`server-crash: SIGTERM under load, exit code 0 after ${took} ms`);
    // Requests were in flight when the signal came; most were answered after it.
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((key) => run.answeredAfterSignal.has(key)).length).toBeGreaterThan(0);

    const again = await startServer();
    try {
      // No repair: the read models were flushed at the head before the store closed.
      const health = (await call(again.url, '/health')).body;
      expect(health.details.readModels.lag).toBe(0);
      expect(health.details.readModels.position).toBe(health.details.eventStore.headPosition);
      expect(again.output()).not.toMatch(/repair|recover|WARN|ERROR/i);
      // What the server did, it answered: no write that got no answer is in the log.
      const unanswered = new Set(run.unanswered.map((u) => u.key));
      for (let c = 0; c < CLIENTS; c++) {
        const history = await call(again.url, `/assignments/load-term-${c}/events`);
        const commands =
          history.status === 200 ? history.body.events.map((e: any) => e.metadata.commandId) : [];
        expect(commands.filter((id: string) => unanswered.has(id))).toEqual([]);
      }
      await expectExactlyOnce(again.url, run, 'term');
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toEqual({ code: 0, signal: null });
    }
    expect((await ledgerCommand('verify', '--quiet')).code).toBe(0);
  }, 60_000);
});
