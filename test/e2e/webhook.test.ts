import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LookupOptions } from 'node:dns';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedEvent } from '../../src/feed/feed-event.js';
import type { FeedOptions } from '../../src/feed/feed-options.js';
import type { WebhookView } from '../../src/feed/webhooks/webhooks.service.js';
import { verifyWebhookSignature } from '../../src/feed/webhooks/webhook-signature.js';
import { backoffDelay } from '../../src/feed/webhooks/webhook-delivery.service.js';
import {
  deliveryLookup,
  isPrivateAddress,
  PrivateTargetError,
  type Resolver,
} from '../../src/feed/webhooks/webhook-target.js';
import { validateFeedEvent } from '../../src/schemas/validate-event.js';
import { appendEvents, auth, KEYS, Receiver, startFeedApp, waitFor, type FeedApp } from './feed-harness.js';

const FAST: Partial<FeedOptions> = {
  webhookBackoffBaseMs: 10,
  webhookBackoffMaxMs: 40,
  webhookMaxFailures: 4,
  webhookTimeoutMs: 2000,
};
const SECRET = 'whsec-0123456789abcdef';

const call = async (app: FeedApp, method: string, path: string, key: string, body?: unknown) => {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...auth(key), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
};

const register = async (app: FeedApp, body: Record<string, unknown>, key: string = KEYS.subscriber) => {
  const created = await call(app, 'POST', '/webhooks', key, { secret: SECRET, ...body });
  expect(created.status).toBe(201);
  return created.json as unknown as WebhookView;
};

const status = async (app: FeedApp, id: string, key: string = KEYS.subscriber) =>
  (await call(app, 'GET', `/webhooks/${id}`, key)).json as unknown as WebhookView;

/** Every delivery carries a valid signature over its raw body and headers that match the body. */
const expectSignedAndConsistent = (receiver: Receiver): void => {
  for (const { headers, body } of receiver.requests) {
    expect(verifyWebhookSignature(SECRET, headers['ledger-signature'] as string, body)).toBe(true);
    expect(
      verifyWebhookSignature('another-secret-xxxxxxxx', headers['ledger-signature'] as string, body),
    ).toBe(false);
    const event = JSON.parse(body) as FeedEvent;
    expect(headers['ledger-event-id']).toBe(event.eventId);
    expect(headers['ledger-position']).toBe(String(event.position));
    expect(headers['content-type']).toBe('application/json');
    expect(validateFeedEvent(event)).toEqual({ valid: true, errors: [] });
  }
};

/** Starts receivers for the tests of one describe block, and stops them all after them. */
const receiversOfThisBlock = (): (() => Promise<Receiver>) => {
  const started: Receiver[] = [];
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });
  return async () => {
    const r = await new Receiver().start();
    started.push(r);
    return r;
  };
};

describe('retry delays', () => {
  it('double from the base up to the cap, with up to half of each left to chance', () => {
    const low = (n: number) => backoffDelay(n, 1000, 300_000, () => 0);
    const high = (n: number) => backoffDelay(n, 1000, 300_000, () => 1);
    expect([1, 2, 3, 4, 10, 50].map(low)).toEqual([500, 1000, 2000, 4000, 150_000, 150_000]);
    expect([1, 2, 3, 4, 10, 50].map(high)).toEqual([1000, 2000, 4000, 8000, 300_000, 300_000]);
  });
});

describe('webhooks on one server', () => {
  let app: FeedApp;
  const receiver = receiversOfThisBlock();

  beforeAll(async () => {
    app = await startFeedApp(undefined, FAST);
  });
  afterAll(async () => {
    await app.close();
  });

  it('validates registrations, keeps each subscriber to its own, and never shows the secret', async () => {
    const bad = [
      { url: 'ftp://example.com/x', secret: SECRET },
      { url: 'not a url', secret: SECRET },
      { url: 'http://127.0.0.1:9/x', secret: 'short' },
      { url: 'http://127.0.0.1:9/x', secret: SECRET, types: ['Nope'] },
      { url: 'http://127.0.0.1:9/x', secret: SECRET, after: -1 },
      { url: 'http://127.0.0.1:9/x', secret: SECRET, extra: true },
    ];
    for (const body of bad) {
      const answer = await call(app, 'POST', '/webhooks', KEYS.subscriber, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'REQUEST.INVALID' });
    }
    expect(
      (await call(app, 'POST', '/webhooks', KEYS.auditor, { url: 'http://x.test/', secret: SECRET })).status,
    ).toBe(403);
    expect((await call(app, 'GET', '/webhooks', KEYS.hr)).status).toBe(403);

    const mine = await register(app, { url: 'https://payroll.example.com/hook', types: ['SalaryPaid'] });
    const theirs = await register(app, { url: 'https://travel.example.com/hook' }, KEYS.otherSubscriber);
    await call(app, 'POST', `/webhooks/${mine.id}/pause`, KEYS.subscriber);
    await call(app, 'POST', `/webhooks/${theirs.id}/pause`, KEYS.otherSubscriber);
    expect(mine).toMatchObject({
      url: 'https://payroll.example.com/hook',
      types: ['SalaryPaid'],
      status: 'active',
    });

    const list = await call(app, 'GET', '/webhooks', KEYS.subscriber);
    expect((list.json as unknown as WebhookView[]).map((w) => w.id)).toEqual([mine.id]);
    // Another subscriber cannot see or touch it, even naming the same actor.
    const asOther = { ...auth(KEYS.otherSubscriber), 'X-Actor': 'key-whatever' };
    expect((await fetch(`${app.url}/webhooks/${mine.id}`, { headers: asOther })).status).toBe(404);
    expect((await call(app, 'DELETE', `/webhooks/${mine.id}`, KEYS.otherSubscriber)).status).toBe(404);
    const all = await call(app, 'GET', '/webhooks', KEYS.admin);
    expect((all.json as unknown as WebhookView[]).map((w) => w.id)).toEqual(
      expect.arrayContaining([mine.id, theirs.id]),
    );
    for (const answer of [list, all, await call(app, 'GET', `/webhooks/${mine.id}`, KEYS.admin)]) {
      expect(answer.text).not.toContain(SECRET);
      expect(answer.text).not.toContain('"secret"');
    }
    expect((await call(app, 'DELETE', `/webhooks/${theirs.id}`, KEYS.admin)).status).toBe(204);
    expect((await call(app, 'GET', `/webhooks/${theirs.id}`, KEYS.otherSubscriber)).status).toBe(404);
    expect((await call(app, 'DELETE', `/webhooks/${mine.id}`, KEYS.subscriber)).status).toBe(204);
  });

  it('delivers every event in order, signed, at least once, through a receiver that fails at first', async () => {
    const hook = await receiver();
    hook.answer = (index) => (index < 3 ? 500 : 200);
    const base = await app.store.headPosition();
    const before = await appendEvents(app.store, 5, { assignmentId: 'payroll' });
    const created = await register(app, { url: hook.url, after: base });
    const after = await appendEvents(app.store, 5, { assignmentId: 'payroll', offset: 5 });
    const all = [...before, ...after];

    await waitFor(() => hook.accepted().length >= all.length, 'every delivery');
    expect(hook.accepted()).toEqual(all.map((e) => e.position));
    // The first event was refused three times, then taken: the same event, retried, before any other.
    expect(hook.requests.slice(0, 4).map((r) => [r.status, Number(r.headers['ledger-position'])])).toEqual([
      [500, all[0]!.position],
      [500, all[0]!.position],
      [500, all[0]!.position],
      [200, all[0]!.position],
    ]);
    expect(hook.requests.slice(0, 4).map((r) => r.headers['ledger-delivery-attempt'])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    // Backoff: at least half of 10, 20, 40 (capped) ms between attempts.
    const gaps = [1, 2, 3].map((i) => hook.requests[i]!.at - hook.requests[i - 1]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(10 * 2 ** i, 40) / 2 - 2));
    expectSignedAndConsistent(hook);
    expect(JSON.parse(hook.requests.at(-1)!.body)).toMatchObject({
      eventId: all.at(-1)!.eventId,
      type: all.at(-1)!.type,
      assignmentId: 'payroll',
    });
    await waitFor(async () => (await status(app, created.id)).delivered === all.length, 'the checkpoint');
    expect(await status(app, created.id)).toMatchObject({
      status: 'active',
      checkpoint: all.at(-1)!.position,
      failures: 0,
      lastError: 'receiver answered HTTP 500',
      delivered: all.length,
    });
    await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber);
  });

  it('starts at the end of the log by default and honours the type filter', async () => {
    const hook = await receiver();
    await appendEvents(app.store, 4, { assignmentId: 'old' });
    const created = await register(app, { url: hook.url, types: ['VacationTaken', 'ExpenseClaimed'] });
    expect(created.checkpoint).toBe(await app.store.headPosition());
    const fresh = await appendEvents(app.store, 8, { assignmentId: 'new' });
    const wanted = fresh.filter((e) => e.type === 'VacationTaken' || e.type === 'ExpenseClaimed');
    await waitFor(() => hook.accepted().length >= wanted.length, 'the filtered deliveries');
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.accepted()).toEqual(wanted.map((e) => e.position));
    await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber);
  });

  it('pauses a webhook after repeated failures, visibly, and resumes from the event that failed', async () => {
    const hook = await receiver();
    let healthy = false;
    hook.answer = () => (healthy ? 200 : 503);
    const base = await app.store.headPosition();
    const events = await appendEvents(app.store, 3, { assignmentId: 'tax' });
    const created = await register(app, { url: hook.url, after: base });

    await waitFor(async () => (await status(app, created.id)).status === 'paused', 'the pause');
    const paused = await status(app, created.id);
    expect(paused).toMatchObject({
      status: 'paused',
      pausedReason: 'failures',
      failures: 4,
      lastError: 'receiver answered HTTP 503',
      checkpoint: base,
      delivered: 0,
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(hook.requests).toHaveLength(4); // nothing more once paused
    expect(new Set(hook.requests.map((r) => r.headers['ledger-position']))).toEqual(
      new Set([String(events[0]!.position)]),
    );

    healthy = true;
    const resumed = await call(app, 'POST', `/webhooks/${created.id}/resume`, KEYS.subscriber);
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ status: 'active', pausedReason: null, failures: 0 });
    await waitFor(() => hook.accepted().length === 3, 'deliveries after resume');
    expect(hook.accepted()).toEqual(events.map((e) => e.position));

    // A pause asked for holds deliveries back until resumed; a delete ends them.
    const pausedByOwner = await call(app, 'POST', `/webhooks/${created.id}/pause`, KEYS.subscriber);
    expect(pausedByOwner.json).toMatchObject({ status: 'paused', pausedReason: 'requested' });
    const held = await appendEvents(app.store, 2, { assignmentId: 'tax', offset: 3 });
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.accepted()).toHaveLength(3);
    await call(app, 'POST', `/webhooks/${created.id}/resume`, KEYS.subscriber);
    await waitFor(() => hook.accepted().length === 5, 'the held deliveries');
    expect(hook.accepted().slice(3)).toEqual(held.map((e) => e.position));
    expect((await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber)).status).toBe(204);
    await appendEvents(app.store, 1, { assignmentId: 'tax', offset: 5 });
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.accepted()).toHaveLength(5);
  });

  it('reports an unreachable receiver as a failure, not a crash', async () => {
    const gone = await receiver();
    const url = gone.url;
    await gone.stop();
    const created = await register(app, { url, after: 0 });
    await appendEvents(app.store, 1, { assignmentId: 'unreachable' });
    await waitFor(async () => (await status(app, created.id)).status === 'paused', 'the pause');
    expect((await status(app, created.id)).lastError).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber);
  });
});

describe('webhooks to private addresses (server-side request forgery)', () => {
  let app: FeedApp;
  beforeAll(async () => {
    app = await startFeedApp(undefined, { ...FAST, webhookAllowPrivateTargets: false });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['loopback', 'http://127.0.0.1:9/hook'],
    ['localhost by name', 'http://localhost:3000/hook'],
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['IPv6 loopback', 'http://[::1]:8080/hook'],
    ['IPv4 written as IPv6', 'http://[::ffff:127.0.0.1]/hook'],
    ['a unique-local IPv6 address', 'http://[fd00::1]/hook'],
  ])('are refused by default: %s (%s) is 422 naming the url', async (_what, url) => {
    const answer = await call(app, 'POST', '/webhooks', KEYS.subscriber, { url, secret: SECRET });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({
      code: 'WEBHOOK.PRIVATE_TARGET',
      errors: [{ field: 'url', messages: [expect.stringMatching(/loopback, private or reserved/)] }],
    });
    expect((await call(app, 'GET', '/webhooks', KEYS.subscriber)).json).toEqual([]);
  });
});

describe('what a delivery attempt counts as failed', () => {
  let app: FeedApp;
  const receiver = receiversOfThisBlock();
  beforeAll(async () => {
    app = await startFeedApp(undefined, { ...FAST, webhookTimeoutMs: 150 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('a redirect, which is not followed', async () => {
    const elsewhere = await receiver();
    const redirecting = await receiver();
    redirecting.answer = () => 307;
    redirecting.redirectTo = elsewhere.url;
    const created = await register(app, { url: redirecting.url });
    await appendEvents(app.store, 1, { assignmentId: 'redirect' });
    await waitFor(async () => (await status(app, created.id)).status === 'paused', 'the pause');
    expect(await status(app, created.id)).toMatchObject({
      lastError: 'receiver answered HTTP 307',
      delivered: 0,
    });
    expect(redirecting.requests).toHaveLength(FAST.webhookMaxFailures!);
    expect(elsewhere.requests).toEqual([]);
    await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber);
  });

  it('no answer within the timeout', async () => {
    const slow = await receiver();
    slow.answer = () => new Promise((r) => setTimeout(() => r(200), 1000));
    const created = await register(app, { url: slow.url });
    await appendEvents(app.store, 1, { assignmentId: 'slow' });
    await waitFor(async () => (await status(app, created.id)).failures >= 1, 'the first failure');
    expect((await status(app, created.id)).lastError).toBe('no answer within 150 ms');
    await call(app, 'DELETE', `/webhooks/${created.id}`, KEYS.subscriber);
  });
});

describe('webhooks to a name that re-points after the check (DNS rebinding)', () => {
  const PUBLIC = '203.0.113.10'; // TEST-NET-3: public to the check; these tests never connect to it
  const receiver = receiversOfThisBlock();

  it('refuses each delivery on the loopback answer its connection got, and the receiver there gets nothing', async () => {
    const local = await receiver();
    const lookups: string[] = [];
    // Public while the webhook is registered, the subscriber's loopback receiver ever after.
    const rebinding: Resolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: lookups.length === 1 ? PUBLIC : '127.0.0.1', family: 4 }];
    };
    const app = await startFeedApp(undefined, { ...FAST, webhookAllowPrivateTargets: false }, rebinding);
    try {
      const base = await app.store.headPosition();
      const url = `http://hooks.rebinding.test:${new URL(local.url).port}/hook`;
      const created = await register(app, { url, after: base });
      await appendEvents(app.store, 2, { assignmentId: 'rebinding' });

      await waitFor(async () => (await status(app, created.id)).status === 'paused', 'the pause');
      expect(await status(app, created.id)).toMatchObject({
        status: 'paused',
        pausedReason: 'failures',
        failures: FAST.webhookMaxFailures,
        lastError:
          'not delivered: hooks.rebinding.test resolves to 127.0.0.1, a loopback, private or reserved address',
        checkpoint: base,
        delivered: 0,
      });
      expect(local.requests).toEqual([]);
      // One lookup at registration, then one per attempt: the connection's own, the one that was checked.
      expect(lookups).toEqual(Array(1 + FAST.webhookMaxFailures!).fill('hooks.rebinding.test'));
    } finally {
      await app.close();
    }
  });

  it('with private targets allowed, delivers to the address the name resolves to, under its own name', async () => {
    const internal = await receiver();
    let lookups = 0;
    const resolver: Resolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const app = await startFeedApp(undefined, FAST, resolver);
    try {
      const base = await app.store.headPosition();
      const host = `receiver.internal.test:${new URL(internal.url).port}`;
      const created = await register(app, { url: `http://${host}/hook`, after: base });
      const events = await appendEvents(app.store, 3, { assignmentId: 'internal' });
      await waitFor(() => internal.accepted().length === 3, 'the deliveries');
      expect(internal.accepted()).toEqual(events.map((e) => e.position));
      expectSignedAndConsistent(internal);
      const first = internal.requests[0]!;
      expect(first.headers).toMatchObject({
        host,
        'user-agent': 'assignment-ledger-webhooks/1',
        'ledger-webhook-id': created.id,
        'ledger-event-type': events[0]!.type,
        'ledger-delivery-attempt': '1',
        'content-length': String(Buffer.byteLength(first.body)),
      });
      await waitFor(async () => (await status(app, created.id)).delivered === 3, 'the checkpoint');
      // A connection of its own per delivery, each looked up afresh: none rides on an older address.
      expect(lookups).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('refuses an address written in the URL once private targets are no longer allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-webhooks-'));
    const local = await receiver();
    try {
      const allowed = await startFeedApp(dir, FAST);
      const created = await register(allowed, { url: local.url });
      await allowed.close();

      const strict = await startFeedApp(dir, { ...FAST, webhookAllowPrivateTargets: false });
      try {
        await appendEvents(strict.store, 1, { assignmentId: 'strict' });
        await waitFor(async () => (await status(strict, created.id)).status === 'paused', 'the pause');
        expect((await status(strict, created.id)).lastError).toBe(
          'not delivered: 127.0.0.1 resolves to 127.0.0.1, a loopback, private or reserved address',
        );
        expect(local.requests).toEqual([]);
      } finally {
        await strict.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a delivery connection's lookup", () => {
  const answering =
    (...addresses: string[]): Resolver =>
    async () =>
      addresses.map((address) => ({ address, family: isIP(address) }));
  const lookUp = (lookup: LookupFunction, options: LookupOptions & { all?: boolean }) =>
    new Promise<{ error: Error | null; address: unknown; family: number | undefined }>((resolve) =>
      lookup('hooks.example.test', options, (error, address, family) => resolve({ error, address, family })),
    );

  it('hands the connection the addresses it checked, in the shape the connection asks for', async () => {
    const lookup = deliveryLookup(answering('203.0.113.10', '2001:db8::10'), false);
    expect(await lookUp(lookup, { all: true })).toMatchObject({
      error: null,
      address: [
        { address: '203.0.113.10', family: 4 },
        { address: '2001:db8::10', family: 6 },
      ],
    });
    expect(await lookUp(lookup, {})).toEqual({ error: null, address: '203.0.113.10', family: 4 });
    expect(await lookUp(lookup, { family: 6 })).toEqual({ error: null, address: '2001:db8::10', family: 6 });
  });

  it('refuses the whole name when any of its addresses is private, and says which', async () => {
    const { error } = await lookUp(deliveryLookup(answering('203.0.113.10', '10.0.0.5'), false), {
      all: true,
    });
    expect(error).toBeInstanceOf(PrivateTargetError);
    expect(error!.message).toBe(
      'hooks.example.test resolves to 10.0.0.5, a loopback, private or reserved address',
    );
    // Allowed, the same answer is handed on as it is.
    expect(
      (await lookUp(deliveryLookup(answering('203.0.113.10', '10.0.0.5'), true), { all: true })).address,
    ).toEqual([
      { address: '203.0.113.10', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ]);
  });

  it('passes on a name that does not resolve', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.test'), {
      code: 'ENOTFOUND',
    });
    const { error } = await lookUp(
      deliveryLookup(() => Promise.reject(notFound), false),
      {},
    );
    expect(error).toBe(notFound);
  });
});

describe('which addresses count as private', () => {
  it.each([
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['172.31.255.255', true],
    ['192.168.1.10', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['::ffff:10.0.0.1', true],
    ['not-an-address', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['2001:4860:4860::8888', false],
    ['::ffff:8.8.8.8', false],
  ])('%s -> %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('webhooks across a restart', () => {
  let dir: string;
  let receiver: Receiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-webhooks-'));
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from the durable checkpoint: nothing lost, at most the in-flight event repeated', async () => {
    // A slow receiver, so the server stops with deliveries still to make.
    receiver.answer = () => new Promise((r) => setTimeout(() => r(200), 15));
    const first = await startFeedApp(dir, FAST);
    let stored = await appendEvents(first.store, 40, { assignmentId: 'restart' });
    const created = await register(first, { url: receiver.url, after: 0 });
    await waitFor(() => receiver.accepted().length >= 10, 'the first deliveries');
    await first.close();
    const beforeRestart = receiver.requests.length;
    const acceptedBefore = receiver.accepted();
    expect(beforeRestart).toBeLessThan(40);
    expect(statSync(join(dir, 'webhooks.sqlite')).mode & 0o777).toBe(0o600);

    const second = await startFeedApp(dir, FAST);
    try {
      const checkpoint = (await status(second, created.id)).checkpoint;
      // Every acknowledged delivery is checkpointed, except perhaps the one cut short by the shutdown.
      expect(checkpoint).toBeGreaterThanOrEqual(acceptedBefore.at(-2)!);
      expect(checkpoint).toBeLessThanOrEqual(acceptedBefore.at(-1)!);
      stored = [...stored, ...(await appendEvents(second.store, 5, { assignmentId: 'restart', offset: 40 }))];
      await waitFor(
        () => receiver.accepted().at(-1) === stored.at(-1)!.position,
        'every delivery after the restart',
      );
      const positions = receiver.accepted();
      const distinct = positions.filter((p, i) => i === 0 || p !== positions[i - 1]);
      expect(distinct).toEqual(stored.map((e) => e.position));
      expect(positions.length - distinct.length).toBeLessThanOrEqual(1);
      expectSignedAndConsistent(receiver);
      expect(await status(second, created.id)).toMatchObject({
        status: 'active',
        checkpoint: stored.at(-1)!.position,
      });
    } finally {
      await second.close();
    }
  });
});
