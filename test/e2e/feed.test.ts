import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { ASSIGNMENT_EVENT_TYPES } from '../../src/domain/assignment/events.js';
import type { FeedEvent } from '../../src/feed/feed-event.js';
import { validateFeedEvent } from '../../src/schemas/validate-event.js';
import {
  appendEvents,
  auth,
  KEYS,
  sampleEvent,
  startFeedApp,
  waitFor,
  type FeedApp,
} from './feed-harness.js';

interface SseEvent {
  id: number;
  type: string;
  data: FeedEvent;
}

/** The `eventsource` package with the API key added to every (re)connection. */
class SseClient {
  readonly events: SseEvent[] = [];
  opens = 0;
  readonly source: EventSource;

  constructor(url: string, key: string = KEYS.subscriber) {
    this.source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...auth(key) } }),
    });
    this.source.addEventListener('open', () => (this.opens += 1));
    for (const type of ASSIGNMENT_EVENT_TYPES) {
      this.source.addEventListener(type, (e) => {
        this.events.push({ id: Number(e.lastEventId), type: e.type, data: JSON.parse(e.data) as FeedEvent });
      });
    }
  }

  ids(): number[] {
    return this.events.map((e) => e.id);
  }

  close(): void {
    this.source.close();
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Reads raw SSE text from a fetch stream until `until` says enough, then aborts. */
const readRaw = async (url: string, headers: Record<string, string>, until: (text: string) => boolean) => {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!until(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    abort.abort();
  }
  return { response, text };
};

const idsIn = (text: string): number[] => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));

let feed: FeedApp;

beforeAll(async () => {
  feed = await startFeedApp(undefined, { heartbeatMs: 100, sseRetryMs: 50 });
});

afterAll(async () => {
  await feed.close();
});

describe('GET /events', () => {
  it('pages the global log in position order, each item in the published envelope, upcast', async () => {
    const base = await feed.store.headPosition();
    const stored = await appendEvents(feed.store, 7, { assignmentId: 'paging' });
    // An event written by the earlier writer: ShipmentRecorded v1 with weightLb.
    const old = await feed.store.appendToStream(
      'assignment-paging',
      [
        {
          eventId: randomUUID(),
          type: 'ShipmentRecorded',
          data: {
            shipmentId: 'old',
            direction: 'outbound',
            mode: 'air',
            shippedOn: '2005-01-20',
            weightLb: '480',
          },
          metadata: {
            actor: 'hr:test',
            commandId: 'c-old',
            correlationId: 'c-old',
            requestHash: 'secret-ish',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );

    const get = async (query: string) => {
      const response = await fetch(`${feed.url}/events?${query}`, { headers: auth(KEYS.subscriber) });
      expect(response.status).toBe(200);
      return (await response.json()) as { items: FeedEvent[]; next: number; head: number };
    };
    const first = await get(`after=${base}&limit=5`);
    expect(first.items.map((e) => e.position)).toEqual(stored.slice(0, 5).map((e) => e.position));
    expect(first.next).toBe(stored[4]!.position);
    const second = await get(`after=${first.next}&limit=5`);
    expect(second.items.map((e) => e.position)).toEqual(
      [...stored.slice(5), ...old.events].map((e) => e.position),
    );
    expect(second.next).toBe(old.position);
    expect(second.head).toBe(old.position);

    for (const item of [...first.items, ...second.items])
      expect(validateFeedEvent(item)).toEqual({ valid: true, errors: [] });
    expect(first.items[0]).toMatchObject({
      streamId: 'assignment-paging',
      assignmentId: 'paging',
      revision: 0,
      eventId: stored[0]!.eventId,
      type: 'ShipmentRecorded',
      schemaVersion: 2,
      metadata: { actor: 'hr:test', schemaVersion: 2, recordedAt: stored[0]!.metadata.recordedAt },
    });
    const upcast = second.items.at(-1)!;
    expect(upcast).toMatchObject({
      schemaVersion: 2,
      data: { shipmentId: 'old', weight: { lb: '480', original: { value: '480', unit: 'lb' } } },
    });
    expect(upcast.data).not.toHaveProperty('weightLb');
    expect(upcast.metadata).not.toHaveProperty('requestHash');
  });

  it('filters by type and still hands out a next position that skips nothing', async () => {
    const base = await feed.store.headPosition();
    const stored = await appendEvents(feed.store, 8, { assignmentId: 'filter' });
    const response = await fetch(
      `${feed.url}/events?after=${base}&types=VacationTaken,HostHolidayObserved&limit=100`,
      {
        headers: auth(KEYS.auditor),
      },
    );
    const page = (await response.json()) as { items: FeedEvent[]; next: number };
    expect(page.items.map((e) => e.type)).toEqual([
      'VacationTaken',
      'HostHolidayObserved',
      'VacationTaken',
      'HostHolidayObserved',
    ]);
    expect(page.items.map((e) => e.position)).toEqual(
      stored
        .filter((e) => e.type === 'VacationTaken' || e.type === 'HostHolidayObserved')
        .map((e) => e.position),
    );
    expect(page.next).toBe(stored.at(-1)!.position);
  });

  it('answers 400 for a bad position, limit or type, and 401 without a key', async () => {
    for (const query of ['after=-1', 'after=abc', 'limit=0', 'limit=1001', 'types=Nope', 'after=1&after=2']) {
      const response = await fetch(`${feed.url}/events?${query}`, { headers: auth(KEYS.hr) });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await fetch(`${feed.url}/events`)).status).toBe(401);
    expect((await fetch(`${feed.url}/events/stream`)).status).toBe(401);
    const bad = await fetch(`${feed.url}/events/stream`, {
      headers: { ...auth(KEYS.hr), 'Last-Event-ID': 'x' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('GET /events/stream', () => {
  it('catches up, then stays live; id is the position and event the type', async () => {
    const base = await feed.store.headPosition();
    const before = await appendEvents(feed.store, 6, { assignmentId: 'live' });
    const client = new SseClient(`${feed.url}/events/stream?after=${base}`);
    try {
      await waitFor(() => client.events.length >= 6, 'catch-up');
      const after = await appendEvents(feed.store, 4, { assignmentId: 'live', offset: 6 });
      await waitFor(() => client.events.length >= 10, 'live events');
      const all = [...before, ...after];
      expect(client.ids()).toEqual(all.map((e) => e.position));
      expect(client.events.map((e) => e.type)).toEqual(all.map((e) => e.type));
      expect(client.events.map((e) => e.data.eventId)).toEqual(all.map((e) => e.eventId));
      for (const e of client.events) expect(validateFeedEvent(e.data).valid).toBe(true);
    } finally {
      client.close();
    }
  });

  it('resumes after a dropped connection from Last-Event-ID, without gap or duplicate', async () => {
    const base = await feed.store.headPosition();
    await appendEvents(feed.store, 20, { assignmentId: 'resume' });
    const client = new SseClient(`${feed.url}/events/stream?after=${base}`);
    try {
      await waitFor(() => client.events.length >= 20, 'first 20');
      const writing = (async () => {
        for (let i = 0; i < 30; i++) {
          await appendEvents(feed.store, 1, { assignmentId: 'resume', offset: 20 + i });
          if (i === 5 || i === 17) await feed.streams.closeAll(); // the server drops every stream, twice
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await writing;
      const head = await feed.store.headPosition();
      await waitFor(() => client.ids().at(-1) === head, 'every event after reconnecting');
      // The URL still says after=base: only Last-Event-ID on reconnection avoids replaying from there.
      expect(client.ids()).toEqual(range(base + 1, head));
      expect(client.opens).toBeGreaterThanOrEqual(3);
    } finally {
      client.close();
    }
  });

  it('lets Last-Event-ID win over ?after=, sends heartbeats and a retry hint', async () => {
    const base = await feed.store.headPosition();
    await appendEvents(feed.store, 5, { assignmentId: 'raw' });
    const { response, text } = await readRaw(
      `${feed.url}/events/stream?after=0`,
      { ...auth(KEYS.subscriber), 'Last-Event-ID': String(base + 2) },
      (t) => idsIn(t).includes(base + 5) && /^: heartbeat /m.test(t),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(text).toMatch(/^retry: 50$/m);
    expect(idsIn(text)).toEqual([base + 3, base + 4, base + 5]);
    expect(text).toMatch(/^event: (ShipmentRecorded|VacationTaken|HostHolidayObserved|ExpenseClaimed)$/m);
  });

  it('filters by type, catching up and live', async () => {
    const base = await feed.store.headPosition();
    const before = await appendEvents(feed.store, 8, { assignmentId: 'types' });
    const client = new SseClient(
      `${feed.url}/events/stream?after=${base}&types=ShipmentRecorded,ExpenseClaimed`,
    );
    try {
      const after = await appendEvents(feed.store, 8, { assignmentId: 'types', offset: 8 });
      const expected = [...before, ...after].filter(
        (e) => e.type === 'ShipmentRecorded' || e.type === 'ExpenseClaimed',
      );
      await waitFor(() => client.events.length >= expected.length, 'filtered events');
      await new Promise((r) => setTimeout(r, 100));
      expect(client.ids()).toEqual(expected.map((e) => e.position));
      expect(new Set(client.events.map((e) => e.type))).toEqual(
        new Set(['ShipmentRecorded', 'ExpenseClaimed']),
      );
    } finally {
      client.close();
    }
  });

  it('does not read ahead of a client that stops reading, and lets go when it leaves', async () => {
    const base = await feed.store.headPosition();
    const total = 6000;
    const description = 'x'.repeat(1500);
    for (let i = 0; i < total; i += 200) {
      await feed.store.appendToStream(
        'assignment-slow',
        Array.from({ length: 200 }, (_, j) => ({
          eventId: randomUUID(),
          type: 'ExpenseClaimed',
          data: { ...sampleEvent('ExpenseClaimed', i + j), description },
          metadata: { actor: 'hr:test', commandId: randomUUID(), correlationId: 'slow' },
        })),
        { expectedRevision: 'any' },
      );
    }
    const head = base + total;
    // White-box: the SQLite store's own set of open subscriptions.
    const subscriptions = (feed.store as unknown as { subscriptions: Set<unknown> }).subscriptions;
    expect(subscriptions).toBeInstanceOf(Set);
    // The earlier tests' clients are gone, and so are their subscriptions.
    await waitFor(() => subscriptions.size === 0, 'earlier subscriptions to close');

    const req = request(`${feed.url}/events/stream?after=${base}`, { headers: auth(KEYS.subscriber) });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.statusCode).toBe(200);
    // The client reads nothing: the kernel buffers fill, then res.write() answers false.
    await waitFor(() => feed.streams.list()[0]?.waitingForDrain === true, 'the stream to wait for drain');
    const stalled = feed.streams.list()[0]!;
    await new Promise((r) => setTimeout(r, 500));
    const later = feed.streams.list()[0]!;
    expect(later.sent).toBe(stalled.sent);
    expect(later.sent).toBeLessThan(total);
    expect(later.bufferedBytes).toBeLessThan(64 * 1024);

    // Meanwhile the server serves everyone else.
    const other = new SseClient(`${feed.url}/events/stream?after=${head}`);
    try {
      const [fresh] = await appendEvents(feed.store, 1, { assignmentId: 'not-slow' });
      await waitFor(() => other.ids().includes(fresh!.position), 'another client to get a live event');
      const page = await fetch(`${feed.url}/events?after=${head}`, { headers: auth(KEYS.hr) });
      expect(((await page.json()) as { items: FeedEvent[] }).items).toHaveLength(1);
    } finally {
      other.close();
    }

    // It reads again: everything arrives, in order.
    let text = '';
    let lastId = 0;
    let inOrder = true;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      const cut = text.lastIndexOf('\n\n');
      if (cut < 0) return;
      for (const id of idsIn(text.slice(0, cut + 1))) {
        inOrder &&= id === (lastId === 0 ? base + 1 : lastId + 1);
        lastId = id;
      }
      text = text.slice(cut + 2);
    });
    await waitFor(() => lastId === head + 1, 'the slow client to read everything', 20_000);
    expect(inOrder).toBe(true);
    expect(feed.streams.list()[0]!.drainWaits).toBeGreaterThan(0);

    // It leaves: the stream and its subscription are closed.
    expect(subscriptions.size).toBe(1);
    req.destroy();
    await waitFor(() => feed.streams.list().length === 0, 'the stream to close');
    await waitFor(() => subscriptions.size === 0, 'the subscription to close');

    // A client that leaves while the stream waits for it to read releases it too.
    const stuck = request(`${feed.url}/events/stream?after=${base}`, { headers: auth(KEYS.subscriber) });
    stuck.end();
    await once(stuck, 'response');
    await waitFor(
      () => feed.streams.list()[0]?.waitingForDrain === true,
      'the second stream to wait for drain',
    );
    stuck.destroy();
    await waitFor(
      () => feed.streams.list().length === 0 && subscriptions.size === 0,
      'the stuck stream to close',
    );
  });
});

describe('public schemas and the AsyncAPI document', () => {
  it('serve an index and each schema without a key', async () => {
    const index = (await (await fetch(`${feed.url}/schemas/events`)).json()) as {
      types: { type: string; currentVersion: number; versions: { version: number; href: string }[] }[];
    };
    expect(index.types.map((t) => t.type)).toEqual([...ASSIGNMENT_EVENT_TYPES]);
    expect(index.types.find((t) => t.type === 'ShipmentRecorded')).toEqual({
      type: 'ShipmentRecorded',
      currentVersion: 2,
      versions: [
        { version: 1, href: '/schemas/events/ShipmentRecorded/1' },
        { version: 2, href: '/schemas/events/ShipmentRecorded/2' },
      ],
    });
    const schema = await fetch(`${feed.url}/schemas/events/ShipmentRecorded/2`);
    expect(schema.status).toBe(200);
    expect(schema.headers.get('content-type')).toContain('application/schema+json');
    expect(await schema.json()).toMatchObject({
      $id: expect.stringContaining('ShipmentRecorded:v2'),
      required: expect.arrayContaining(['weight']),
    });
    expect((await fetch(`${feed.url}/schemas/events/ShipmentRecorded/3`)).status).toBe(404);
    expect((await fetch(`${feed.url}/schemas/events/Nope/1`)).status).toBe(404);
    expect((await fetch(`${feed.url}/schemas/feed-event`)).status).toBe(200);
  });

  it('describe the feed and the webhooks in AsyncAPI 3, whose payloads match what the feed serves', async () => {
    const doc = (await (await fetch(`${feed.url}/asyncapi.json`)).json()) as Record<string, any>;
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.ledger.host).toBe(new URL(feed.url).host);
    expect(Object.keys(doc.channels)).toEqual(['eventStream', 'webhook']);
    expect(doc.channels.eventStream.address).toBe('/events/stream');
    expect(doc.components.schemas.WebhookHeaders.required).toEqual(
      expect.arrayContaining(['Ledger-Signature', 'Ledger-Event-Id', 'Ledger-Position']),
    );
    expect(doc.components.messages.ShipmentRecordedWebhook.headers).toEqual({
      $ref: '#/components/schemas/WebhookHeaders',
    });

    // Every local $ref points at something in the document.
    const resolve = (ref: string): unknown =>
      ref
        .slice(2)
        .split('/')
        .reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect([ref, resolve(ref) !== undefined]).toEqual([ref, true]);

    // The webhook message payload of a type, with its data $ref inlined, accepts what GET /events serves.
    const { Ajv } = await import('ajv');
    const addFormats = (await import('ajv-formats')).default as unknown as (
      a: InstanceType<typeof Ajv>,
    ) => void;
    const page = (await (
      await fetch(`${feed.url}/events?after=0&limit=1000`, { headers: auth(KEYS.auditor) })
    ).json()) as { items: FeedEvent[] };
    const seenTypes = new Set(page.items.map((e) => e.type));
    expect(seenTypes.size).toBeGreaterThanOrEqual(4);
    for (const type of seenTypes) {
      const message = resolve(doc.components.messages[`${type}Webhook`].payload.$ref) as Record<string, any>;
      const payload = {
        ...message,
        properties: { ...message.properties, data: resolve(message.properties.data.$ref) },
      };
      const ajv = new Ajv({ strict: false });
      addFormats(ajv);
      const validate = ajv.compile(payload);
      for (const item of page.items.filter((e) => e.type === type))
        expect([item.position, validate(item)]).toEqual([item.position, true]);
    }
  });
});
