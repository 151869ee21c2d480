/**
 * A poison event in the real application: an event an old build stored with data no upcaster can
 * read (ShipmentRecorded v1 with `weightLb: "heavy"`). /health names it, with its position, for the
 * projections and the webhook stuck on it; writes go on; the webhook backs off and pauses instead of
 * retrying in a loop; an admin can retry the projections (POST /admin/projections/{name}/retry) and
 * the owner the webhook (POST /webhooks/{id}/resume) once a fix is deployed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { appendOldShipment } from '../unit/read-models/fixtures.js';
import { Receiver, waitFor } from './feed-harness.js';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { startBody } from './support/fixtures.js';

const FEED_ENV = {
  LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  LEDGER_WEBHOOK_BACKOFF_BASE_MS: '10',
  LEDGER_WEBHOOK_BACKOFF_MAX_MS: '20',
  LEDGER_WEBHOOK_MAX_FAILURES: '3',
};

describe('a poison event under a running server', () => {
  let ledger: LedgerUnderTest;
  const receiver = new Receiver();
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The feed reads its settings from the process environment.
    for (const [name, value] of Object.entries(FEED_ENV)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    await receiver.start();
    ledger = await startLedger();
  });

  afterAll(async () => {
    await ledger.close();
    await receiver.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test('reported on /health with its position, writes go on, retries are the operator’s', async () => {
    const hook = await ledger.call('POST', '/webhooks', {
      role: 'subscriber',
      body: { url: receiver.url, secret: 'whsec-0123456789abcdef' },
    });
    expect(hook.status).toBe(201);
    const started = await ledger.call('POST', '/assignments', { body: startBody('before-poison') });
    expect(started.status).toBe(201);
    await waitFor(() => receiver.accepted().includes(started.body.position), 'the first delivery');

    const poison = await appendOldShipment(ledger.app.get<EventStore>(EVENT_STORE), 'assignment-old-build');
    const health = async () => (await ledger.call('GET', '/health')).body;
    await waitFor(
      async () => (await health()).details.webhooks.failing?.[0]?.paused === true,
      'the webhook paused on the poison event',
    );
    await waitFor(async () => (await health()).details.readModels.poisoned?.length === 3, 'the report');

    const report = await health();
    expect(report.status).toBe('degraded');
    expect(report.details.readModels.status).toBe('degraded');
    expect(report.details.readModels.poisoned).toEqual(
      ['assignment-entitlements', 'assignment-summary', 'audit-timeline'].map((projection) =>
        expect.objectContaining({
          projection,
          position: poison,
          streamId: 'assignment-old-build',
          type: 'ShipmentRecorded',
        }),
      ),
    );
    expect(report.details.webhooks.failing).toEqual([
      expect.objectContaining({
        webhookId: hook.body.id,
        position: poison,
        type: 'ShipmentRecorded',
        failures: 3,
        paused: true,
        error: expect.stringContaining('could not be prepared for delivery'),
      }),
    ]);
    // Three attempts, then paused: the receiver saw no request for the poison event at all.
    expect(receiver.requests.map((r) => Number(r.headers['ledger-position']))).not.toContain(poison);

    // Writes still go through; reads of what the read models had answer.
    const later = await ledger.call('POST', '/assignments', { body: startBody('after-poison') });
    expect(later.status).toBe(201);
    expect((await ledger.call('GET', '/assignments/before-poison', { role: 'auditor' })).status).toBe(200);

    // Only an admin may retry; an unknown projection is named.
    expect(
      (await ledger.call('POST', '/admin/projections/assignment-summary/retry', { role: 'hr' })).status,
    ).toBe(403);
    const unknown = await ledger.call('POST', '/admin/projections/no-such-thing/retry', { role: 'admin' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'PROJECTION.NOT_FOUND']);
    const retried = await ledger.call('POST', '/admin/projections/assignment-summary/retry', {
      role: 'admin',
    });
    expect(retried.status).toBe(200);
    expect(retried.body.retried).toMatchObject({ projection: 'assignment-summary', position: poison });
    // Without a fix the same event stops it again, and it is reported again.
    await waitFor(
      async () =>
        (await health()).details.readModels.poisoned?.some(
          (p: { projection: string; since: string }) =>
            p.projection === 'assignment-summary' && p.since >= retried.body.retried.since,
        ) ?? false,
      'the summary stopped again',
    );

    const resumed = await ledger.call('POST', `/webhooks/${hook.body.id}/resume`, { role: 'subscriber' });
    expect(resumed.status).toBe(200);
    await waitFor(
      async () => (await health()).details.webhooks.failing?.[0]?.paused === true,
      'the webhook paused again',
    );
  });
});
