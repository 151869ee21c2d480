/**
 * Personal data through the real application (SQLite files in a temp folder): who sees it on every
 * read path, and erasure by crypto-shredding that leaves the log immutable and verifiable.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyLedger } from '../../src/cli/verify.command.js';
import { replayLedger } from '../../src/cli/replay.command.js';
import { exportLedger } from '../../src/cli/export.command.js';
import { createEventStore } from '../../src/event-store/create-event-store.js';
import { PERSONAL_DATA, PersonalData } from '../../src/personal-data/personal-data.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { Receiver, waitFor } from './feed-harness.js';
import {
  drawBody,
  depositBody,
  endBody,
  entitlementsOf,
  expectProblem,
  expenseBody,
  headPosition,
  repatriationBody,
  salaryBody,
  shipmentBody,
  startBody,
  taxEqualizationBody,
  usd,
} from './support/fixtures.js';
import { KEYS, startLedger, type LedgerUnderTest } from './support/ledger-app.js';

const NAME = 'Ingrid Vasquez-Holm';
const SPOUSE = 'Tomas Vasquez-Holm';
const DESCRIPTION = 'Airfreight of the Vasquez-Holm piano';
const PD_KEY = 'test-subscriber-personal-data-key';
const ENV = {
  LEDGER_API_KEYS: [
    ...Object.entries(KEYS).map(([role, key]) => `${role}=${key}`),
    `subscriber+personal-data=${PD_KEY}`,
  ].join(','),
};

/** The letter's story for one employee: pay, tax, an expense, shipments, the end, repatriation. */
const recordStory = async (
  ledger: LedgerUnderTest,
  assignmentId: string,
  employeeId: string,
  /** Host holidays recorded: enough of them make documents span several database pages. */
  holidays = 0,
) => {
  const post = async (path: string, body: unknown) => {
    const reply = await ledger.call('POST', `/assignments${path}`, { body });
    if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply;
  };
  await post(
    '',
    startBody(assignmentId, {
      employee: { id: employeeId, name: NAME },
      accompanyingFamily: [{ name: SPOUSE, relationship: 'spouse' }],
    }),
  );
  const at = `/${assignmentId}`;
  await post(`${at}/salary-payments`, salaryBody());
  await post(`${at}/tax-equalization-settlements`, taxEqualizationBody());
  await post(`${at}/expenses`, expenseBody({ expenseId: 'flight' }));
  await post(`${at}/shipments`, shipmentBody('outbound', 'air', '300'));
  await post(`${at}/funds/return-airfreight/deposits`, depositBody('2005-02-01', '900.00'));
  await post(`${at}/funds/return-airfreight/draws`, drawBody('2006-03-30', '400.00', DESCRIPTION));
  for (let day = 0; day < holidays; day++) {
    const date = new Date(Date.UTC(2005, 1, 1 + day)).toISOString().slice(0, 10);
    await post(`${at}/host-holidays`, { date, name: `Holiday ${day}` });
  }
  await post(`${at}/end`, endBody());
  return post(`${at}/repatriation`, repatriationBody({ travellers: [NAME, SPOUSE], fare: usd('2900.00') }));
};

const asKey = (key: string) => ({ role: null, headers: { authorization: `Bearer ${key}` } });

/** The events of the global log, as one reader sees them. */
const feedAs = async (ledger: LedgerUnderTest, who: Parameters<LedgerUnderTest['call']>[2]) => {
  const reply = await ledger.call('GET', '/events?limit=1000', who);
  expect(reply.status).toBe(200);
  return reply.body.items as { type: string; assignmentId: string; data: Record<string, any> }[];
};

/** SSE frames up to `count` events, as one key sees them. */
const sseAs = async (ledger: LedgerUnderTest, key: string, count: number) => {
  const abort = new AbortController();
  const response = await fetch(`${ledger.url}/events/stream`, {
    headers: { authorization: `Bearer ${key}` },
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while ([...text.matchAll(/^data: /gm)].length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    abort.abort();
  }
  return [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { type: string; data: any });
};

const personalOf = (events: { type: string; data: Record<string, any> }[]) => {
  const of = (type: string) => events.find((e) => e.type === type)!.data;
  return {
    name: of('AssignmentStarted').employee.name,
    family: of('AssignmentStarted').accompanyingFamily[0],
    baseSalary: of('AssignmentStarted').baseSalaryMonthly,
    gross: of('SalaryPaid').gross.amount,
    tax: of('TaxEqualizationSettled').amount.amount,
    description: of('ExpenseClaimed').description,
    drawn: of('ReturnAirfreightFundDrawn').description,
    travellers: of('RepatriationTravelled').travellers,
    hostCity: of('AssignmentStarted').hostCity,
  };
};

/** Files of a folder (recursively) whose raw bytes contain the text in UTF-8. */
const filesHolding = (dir: string, text: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(Buffer.from(text, 'utf8')));

describe('who sees personal data', () => {
  let ledger: LedgerUnderTest;
  const receivers: Receiver[] = [];
  const privateTargets = process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS;

  beforeAll(async () => {
    process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
    ledger = await startLedger(ENV);
    await recordStory(ledger, 'vh-shanghai', 'E-VH-1');
  });
  afterAll(async () => {
    await ledger.close();
    await Promise.all(receivers.map((r) => r.stop()));
    if (privateTargets === undefined) delete process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS;
    else process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS = privateTargets;
  });

  const CLEAR = {
    name: NAME,
    family: { name: SPOUSE, relationship: 'spouse' },
    baseSalary: { amount: '19166.67', currency: 'USD' },
    gross: expect.stringMatching(/^\d+\.\d\d$/),
    tax: '4210.55',
    description: 'Economy SFO-PVG, employee and spouse',
    drawn: DESCRIPTION,
    travellers: [NAME, SPOUSE],
    hostCity: 'Shanghai',
  };
  const REDACTED = {
    name: '[redacted]',
    family: { name: '[redacted]', relationship: '[redacted]' },
    baseSalary: { amount: '[redacted]', currency: 'USD' },
    gross: '[redacted]',
    tax: '[redacted]',
    description: '[redacted]',
    drawn: '[redacted]',
    travellers: ['[redacted]', '[redacted]'],
    hostCity: 'Shanghai',
  };

  it('shows hr, auditor and admin every personal value on the stream and the global log', async () => {
    for (const role of ['hr', 'auditor', 'admin'] as const) {
      const stream = await ledger.call('GET', '/assignments/vh-shanghai/events', { role });
      expect(personalOf(stream.body.events)).toEqual(CLEAR);
      if (role !== 'hr') expect(personalOf(await feedAs(ledger, { role }))).toEqual(CLEAR);
    }
    const timeline = await ledger.call('GET', '/assignments/vh-shanghai/timeline?minPosition=1', {
      role: 'auditor',
    });
    expect(timeline.body.entries[0].summary).toContain(NAME);
  });

  it('redacts each personal value for a subscriber, in pages and SSE, and opens it with the personal-data scope', async () => {
    expect(personalOf(await feedAs(ledger, { role: 'subscriber' }))).toEqual(REDACTED);
    expect(personalOf(await feedAs(ledger, asKey(PD_KEY)))).toEqual(CLEAR);
    const events = (await feedAs(ledger, { role: 'subscriber' })).length;
    expect(personalOf(await sseAs(ledger, KEYS.subscriber, events))).toEqual(REDACTED);
    expect(personalOf(await sseAs(ledger, PD_KEY, events))).toEqual(CLEAR);
  });

  it('issues a subscriber key with the personal-data scope through POST /admin/keys, and lists its scopes', async () => {
    const created = await ledger.call('POST', '/admin/keys', {
      role: 'admin',
      body: { role: 'subscriber', label: 'payroll', scopes: ['personal-data'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual(['personal-data']);
    expect(personalOf(await feedAs(ledger, asKey(created.body.key)))).toEqual(CLEAR);
    const listed = await ledger.call('GET', '/admin/keys', { role: 'admin' });
    expect(listed.body.items.find((k: any) => k.fingerprint === created.body.fingerprint).scopes).toEqual([
      'personal-data',
    ]);
    const unknownScope = await ledger.call('POST', '/admin/keys', {
      role: 'admin',
      body: { role: 'subscriber', scopes: ['salaries'] },
    });
    expect(fieldsOf(expectProblem(unknownScope, 400))).toContain('scopes');
  });

  it('delivers webhooks as their owner key may see them', async () => {
    const hooks: Receiver[] = [];
    for (const key of [KEYS.subscriber, PD_KEY]) {
      const receiver = await new Receiver().start();
      receivers.push(receiver);
      const created = await ledger.call('POST', '/webhooks', {
        ...asKey(key),
        body: { url: receiver.url, secret: 'whsec-0123456789abcdef', after: 0 },
      });
      expect(created.status).toBe(201);
      hooks.push(receiver);
    }
    const count = (await feedAs(ledger, { role: 'subscriber' })).length;
    await waitFor(() => hooks.every((r) => r.accepted().length >= count), 'both webhooks delivered');
    const delivered = (r: Receiver) => r.requests.map((q) => JSON.parse(q.body));
    expect(personalOf(delivered(hooks[0]!))).toEqual(REDACTED);
    expect(personalOf(delivered(hooks[1]!))).toEqual(CLEAR);
  });

  it('publishes which fields are personal, and that they may read [redacted] or [erased]', async () => {
    const schema = await ledger.call('GET', '/schemas/events/AssignmentStarted/1', { role: null });
    const name = schema.body.properties.employee.properties.name;
    expect(name['x-personal']).toBe(true);
    expect(name.anyOf.slice(1)).toEqual([
      expect.objectContaining({ const: '[redacted]' }),
      expect.objectContaining({ const: '[erased]' }),
    ]);
    const asyncapi = await ledger.call('GET', '/asyncapi.json', { role: null });
    expect(asyncapi.body.info.description).toContain('[redacted]');
  });

  it('never stores a personal value in clear: no file of the data directory holds one, read models included', () => {
    expect(filesHolding(ledger.config.dataDir, 'Shanghai').length).toBeGreaterThan(0);
    for (const clear of [NAME, SPOUSE, DESCRIPTION, '19166.67'])
      expect({ clear, files: filesHolding(ledger.config.dataDir, clear) }).toEqual({ clear, files: [] });
  });
});

const fieldsOf = (problem: Record<string, any>): string[] =>
  (problem.errors ?? []).map((e: { field: string }) => e.field);

describe('erasure of a data subject', () => {
  it('shows [erased] everywhere, keeps every balance, verifies, refuses writes and leaves no clear value in any file', async () => {
    const ledger = await startLedger(ENV);
    const dataDir = ledger.config.dataDir;
    try {
      const last = await recordStory(ledger, 'vh-erased', 'E-VH-2', 60);
      const asOf = { asOf: '2006-06-30', minPosition: last.body.position };
      const before = await entitlementsOf(ledger, 'vh-erased', asOf);
      const searched = async () =>
        (await ledger.call('GET', `/assignments?q=${encodeURIComponent(NAME.slice(2, 9).toUpperCase())}`))
          .body.items as { assignmentId: string }[];
      expect((await searched()).map((a) => a.assignmentId)).toEqual(['vh-erased']);

      expectProblem(
        await ledger.call('POST', '/data-subjects/E-VH-2/erasure', { body: { reason: 'art. 17' } }),
        403,
      );
      expect(
        fieldsOf(
          expectProblem(
            await ledger.call('POST', '/data-subjects/E-VH-2/erasure', { role: 'admin', body: {} }),
            400,
          ),
        ),
      ).toContain('reason');
      expectProblem(
        await ledger.call('POST', '/data-subjects/E-NOBODY/erasure', {
          role: 'admin',
          body: { reason: 'x' },
        }),
        404,
        'DATA_SUBJECT.NOT_FOUND',
      );

      const request = { reason: 'GDPR art. 17 request', reference: 'DSR-2026-014' };
      const first = await ledger.call('POST', '/data-subjects/E-VH-2/erasure', {
        role: 'admin',
        body: request,
      });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        employeeId: 'E-VH-2',
        erasedAt: expect.any(String),
        assignments: ['vh-erased'],
        events: [{ assignmentId: 'vh-erased', eventId: expect.any(String), position: expect.any(Number) }],
      });
      const again = await ledger.call('POST', '/data-subjects/E-VH-2/erasure', {
        role: 'admin',
        body: request,
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);

      // Every role, every path: [erased].
      for (const role of ['hr', 'auditor', 'admin'] as const) {
        const stream = await ledger.call('GET', '/assignments/vh-erased/events', { role });
        const seen = personalOf(stream.body.events);
        expect(seen.name).toBe('[erased]');
        expect(seen.travellers).toEqual(['[erased]', '[erased]']);
        expect(seen.baseSalary).toEqual({ amount: '[erased]', currency: 'USD' });
        expect(seen.hostCity).toBe('Shanghai');
      }
      for (const who of [{ role: 'subscriber' as const }, asKey(PD_KEY)]) {
        const items = await feedAs(ledger, who);
        expect(personalOf(items).name).toBe('[erased]');
        expect(items.at(-1)).toEqual(
          expect.objectContaining({
            type: 'DataSubjectErased',
            assignmentId: 'vh-erased',
            data: { employeeId: 'E-VH-2', reason: request.reason, reference: request.reference },
          }),
        );
      }
      const count = (await feedAs(ledger, { role: 'admin' })).length;
      expect(personalOf(await sseAs(ledger, PD_KEY, count)).description).toBe('[erased]');

      const after = await entitlementsOf(ledger, 'vh-erased', asOf);
      expect(after.employee).toEqual({ id: 'E-VH-2', name: '[erased]' });
      // The list no longer finds the subject by name: the name cannot be opened any more.
      expect(await searched()).toEqual([]);
      expect(after.repatriation.eligibleTravellers).toEqual([
        { name: '[erased]', relationship: 'employee' },
        { name: '[erased]', relationship: '[erased]' },
      ]);
      expect(after.salary.gross.amount).toBe('[erased]');
      for (const balance of [
        'status',
        'dates',
        'homeLeave',
        'shipments',
        'allowances',
        'funds',
        'expenses',
        'vacation',
        'housing',
      ])
        expect({ [balance]: after[balance] }).toEqual({ [balance]: before[balance] });
      expect(after.repatriation.owed).toBe(before.repatriation.owed);

      const summary = await ledger.call('GET', '/assignments/vh-erased', { role: 'hr' });
      expect(summary.body.employee.name).toBe('[erased]');
      const timeline = await ledger.call('GET', '/assignments/vh-erased/timeline', { role: 'auditor' });
      const sentences = timeline.body.entries.map((e: { summary: string }) => e.summary).join('\n');
      expect(sentences).toContain('[erased]');
      expect(sentences).not.toContain('Vasquez');
      expect(timeline.body.entries.at(-1).summary).toBe(
        'Personal data of E-VH-2 erased: GDPR art. 17 request (DSR-2026-014)',
      );

      // Nothing more is recorded for the subject, on that assignment or a new one.
      expectProblem(
        await ledger.call('POST', '/assignments/vh-erased/shipments', {
          body: shipmentBody('return', 'air', '100'),
        }),
        409,
        'DATA_SUBJECT.ERASED',
      );
      expectProblem(
        await ledger.call('POST', '/assignments', {
          body: startBody('vh-again', { employee: { id: 'E-VH-2', name: NAME } }),
        }),
        409,
        'DATA_SUBJECT.ERASED',
      );

      const exported = await (async () => {
        const store = await createEventStore(ledger.config.storeUrl);
        const personalData = PersonalData.open(ledger.config);
        try {
          return await exportLedger(store, { format: 'csv', asOf: '2006-06-30' }, personalData);
        } finally {
          personalData.close();
          await store.close();
        }
      })();
      expect(exported).toContain('[erased]');
      expect(exported).not.toContain('Vasquez');
    } finally {
      await ledger.app.close();
    }
    // The log still verifies, a replay from the first event agrees with the live read models, and no
    // file of the data directory (event store, read models, WALs, key store, webhooks) holds a clear value.
    const config = ledger.config;
    const report = await verifyLedger(config, () => createEventStore(config.storeUrl), true);
    expect(report.ok).toBe(true);
    expect(await replayLedger(config, { verify: true, quiet: true })).toBe(EXIT.OK);
    // The scan sees what is stored in clear (not personal data): the read models hold the city.
    expect(filesHolding(dataDir, 'Shanghai').length).toBeGreaterThan(0);
    for (const clear of [NAME, SPOUSE, DESCRIPTION, '19166.67'])
      expect({ clear, files: filesHolding(dataDir, clear) }).toEqual({ clear, files: [] });
    await ledger.close();
  });

  it('is completed by the next start when the process stopped after destroying the key', async () => {
    const first = await startLedger(ENV);
    const dataDir = first.config.dataDir;
    await recordStory(first, 'vh-crash', 'E-VH-3');
    // As a version before sealing stored it: the description in clear.
    await first.app.get<EventStore>(EVENT_STORE).appendToStream(
      'assignment-vh-crash',
      [
        {
          eventId: '6f1c0c8e-0d5e-4c3a-9a51-3d7c2f0b9e11',
          type: 'ReturnAirfreightFundDrawn',
          data: { drawnOn: '2006-03-31', amount: usd('10.00'), description: 'legacy clear note' },
          metadata: {
            actor: 'hr:old-version',
            commandId: 'legacy-1',
            correlationId: 'legacy-1',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    // The first step of an erasure only (key destroyed, erasure pending), then the process is gone.
    first.app.get<PersonalData>(PERSONAL_DATA).keys.beginErasure({
      subjectId: 'E-VH-3',
      erasedAt: '2026-12-03T10:00:00.000Z',
      reason: 'GDPR art. 17 request',
      actor: 'admin:dpo',
    });
    const head = await headPosition(first);
    await first.app.close();

    const next = await startLedger({
      ...ENV,
      LEDGER_DATA_DIR: dataDir,
      LEDGER_STORE_URL: first.config.storeUrl,
    });
    try {
      const items = await feedAs(next, { role: 'admin' });
      expect(items.filter((e) => e.type === 'DataSubjectErased')).toEqual([
        expect.objectContaining({
          assignmentId: 'vh-crash',
          data: { employeeId: 'E-VH-3', reason: 'GDPR art. 17 request' },
        }),
      ]);
      expect(await headPosition(next)).toBe(head + 1);
      expect(items.find((e) => e.data.description === 'legacy clear note')).toBeUndefined();
      expect(
        items.filter((e) => e.type === 'ReturnAirfreightFundDrawn').map((e) => e.data.description),
      ).toEqual(['[erased]', '[erased]']);
      const answer = await next.call('POST', '/data-subjects/E-VH-3/erasure', {
        role: 'admin',
        body: { reason: 'asked again' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(
        expect.objectContaining({
          employeeId: 'E-VH-3',
          erasedAt: '2026-12-03T10:00:00.000Z',
          assignments: ['vh-crash'],
        }),
      );
      await waitFor(
        async () =>
          (await next.call('GET', `/assignments/vh-crash?minPosition=${head + 1}`)).body?.employee?.name ===
          '[erased]',
        'the summary rebuilt after the erasure',
      );
      expectProblem(
        await next.call('POST', '/assignments/vh-crash/shipments', {
          body: shipmentBody('return', 'air', '100'),
        }),
        409,
        'DATA_SUBJECT.ERASED',
      );
    } finally {
      await next.close();
    }
  });
});
