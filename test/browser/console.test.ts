import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { KEYS, startLedger, type LedgerUnderTest } from '../e2e/support/ledger-app.js';
import { shipmentBody, startBody, tripBody, voidBody } from '../e2e/support/fixtures.js';
import { browserMissing, buildConsole, checkPage, launch, openAs } from './console-harness.js';

const missing = browserMissing();
if (missing) console.log(`browser suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

const JOE = 'joe-shanghai';
const OTHERS = 45;

let ledger: LedgerUnderTest;

// One build per run, in this one file: two jest workers building into dist/console at once would race.
beforeAll(async () => {
  buildConsole();
  // A paused webhook for the admin to resume; it points at a closed loopback port and is never delivered to.
  // The feed reads this from the environment when the app is created; put back at once for later files.
  const before = process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS;
  process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
  try {
    ledger = await startLedger();
  } finally {
    if (before === undefined) delete process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS;
    else process.env.LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS = before;
  }
}, 90_000);

afterAll(async () => {
  await ledger?.close();
});

/** How the app serves the console's build: no browser needed. */
describe('GET /console', () => {
  let page: Awaited<ReturnType<LedgerUnderTest['call']>>;

  beforeAll(async () => {
    page = await ledger.call('GET', '/console', { role: null });
  });

  it('answers the page without a key, never cached, under a CSP that allows this origin only', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('names its scripts and styles by file from this origin: nothing inline, nothing from a CDN', () => {
    const html = page.body as string;
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/);
  });

  it('serves every asset the page names with a year of immutable caching', async () => {
    const assets = [...(page.body as string).matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const path of assets) {
      const asset = await ledger.call('GET', path, { role: null });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  it('answers 404 problem+json for an asset it does not have, and never reads outside its build', async () => {
    for (const path of ['/console/assets/nothing-here.js', '/console/assets/..%2F..%2Fpackage.json']) {
      const answer = await ledger.call('GET', path, { role: null });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});

/** The web console in real headless Chromium against the real server on a temporary SQLite store. */
suite('the web console', () => {
  let browser: Browser;
  /** An instant after the seeded history and before anything the tests record. */
  let knownAfterSeed: string;
  let seededEvents: number;

  const events = async () =>
    (await ledger.call('GET', `/assignments/${JOE}/events`, { role: 'auditor' })).body.events as {
      eventId: string;
      type: string;
      position: number;
      metadata: { recordedAt: string };
    }[];

  beforeAll(async () => {
    browser = await launch();
    const post = async (path: string, body: unknown, key: string) => {
      const answer = await ledger.call('POST', path, { body, headers: { 'Idempotency-Key': key } });
      expect(answer.status).toBe(201);
      return answer.body as { position: number; events: { eventId: string }[] };
    };
    await post('/assignments', startBody(JOE, { expectedEndDate: '2006-12-31' }), 'start-joe');
    await post(`/assignments/${JOE}/home-leave-trips`, tripBody('employee', 'home', '2005-03-01'), 'trip-1');
    await post(`/assignments/${JOE}/home-leave-trips`, tripBody('spouse', 'host', '2005-05-01'), 'trip-2');
    const mistake = await post(
      `/assignments/${JOE}/shipments`,
      shipmentBody('outbound', 'air', '120', { shippedOn: '2005-01-19' }),
      'shipment-by-mistake',
    );
    await post(
      `/assignments/${JOE}/corrections`,
      voidBody(mistake.events[0]!.eventId, 'Recorded twice'),
      'void-the-mistake',
    );
    let last = { position: 0, events: [] as { eventId: string }[] };
    for (let i = 1; i <= OTHERS; i += 1) {
      const id = `a-${String(i).padStart(3, '0')}`;
      last = await post(
        '/assignments',
        startBody(id, {
          employee: { id: `E-${i}`, name: `Employee ${i}` },
          hostCity: i % 2 ? 'Suzhou' : 'Taipei',
        }),
        `start-${id}`,
      );
    }
    await ledger.call('GET', `/assignments?minPosition=${last.position}`);
    const seeded = await events();
    seededEvents = seeded.length;
    // The console asks "as known at" to the second: the next whole second after the seed, and nothing
    // recorded until the clock has passed it.
    const lastRecorded = Date.parse(seeded.at(-1)!.metadata.recordedAt);
    const boundary = Math.floor(lastRecorded / 1000) * 1000 + 1000;
    knownAfterSeed = new Date(boundary).toISOString();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, boundary + 50 - Date.now())));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('HR lists, searches and opens an assignment; as of a later date a trip is forfeited', async () => {
    const { page, context, errors } = await openAs(browser, ledger.url, 'hr');
    await page.getByTestId('list-count').filter({ hasText: '1–46 of 46' }).waitFor();
    expect(await page.locator('table.list tbody tr').count()).toBe(46);
    await checkPage(page, 'list');

    // Names are sealed at rest (personal data): the list searches ids, positions and places.
    await page.getByLabel('Search').fill('shanghai');
    await page.getByTestId('list-count').filter({ hasText: '1–1 of 1' }).waitFor();
    await page.getByRole('link', { name: 'Joseph Lamoreux' }).click();
    await page.getByRole('heading', { name: /Joseph Lamoreux/ }).waitFor();

    await page.getByLabel('Entitlements as of').fill('2005-06-30');
    await page.getByTestId('remaining-2005').filter({ hasText: '1' }).waitFor();
    await expect(page.getByTestId('forfeited-2005').textContent()).resolves.toBe('0');
    await page.getByLabel('Entitlements as of').fill('2006-01-15');
    await page.getByTestId('forfeited-2005').filter({ hasText: '1' }).waitFor();
    await expect(page.getByTestId('remaining-2005').textContent()).resolves.toBe('0');
    await checkPage(page, 'assignment');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('HR records a trip once however often the button is pressed; the fourth is refused beside its date, clause 10', async () => {
    const { page, context, errors } = await openAs(browser, ledger.url, 'hr');
    await page.goto(`${ledger.url}/console#/assignments/${JOE}`);
    await page.getByRole('heading', { name: 'Record' }).waitFor();
    const before = (await events()).length;

    await page.getByLabel('Departed on').fill('2005-09-01');
    await page.getByLabel('Fare', { exact: true }).fill('1380.00');
    await page.getByRole('button', { name: 'Record the trip' }).dblclick();
    await page.getByText(/Recorded HomeLeaveTripTaken/).waitFor();
    await page.waitForTimeout(200);
    expect((await events()).length).toBe(before + 1);

    await page.getByLabel('Departed on').fill('2005-11-01');
    await page.getByRole('button', { name: 'Record the trip' }).click();
    const refusal = page.locator('[data-field-error="departedOn"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/clause 10/);
    await expect(page.getByLabel('Departed on').getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await events()).length).toBe(before + 1);
    await checkPage(page, 'refusal', refusal);

    // Someone else records meanwhile: the revision on screen is stale, and the form says so.
    const behind = await ledger.call('POST', `/assignments/${JOE}/home-leave-trips`, {
      body: tripBody('employee', 'home', '2006-02-01'),
      headers: { 'Idempotency-Key': 'behind-the-page' },
    });
    expect(behind.status).toBe(201);
    await page.getByLabel('Departed on').fill('2006-03-01');
    await page.getByRole('button', { name: 'Record the trip' }).click();
    await page.getByText(/Someone changed this assignment/).waitFor();
    await page.getByRole('button', { name: 'Reload the assignment' }).click();
    await page
      .getByTestId('revision')
      .filter({ hasText: String(behind.body.revision) })
      .waitFor();
    await page.getByRole('button', { name: 'Record the trip' }).click();
    await page.getByText(/Recorded HomeLeaveTripTaken/).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('HR records a shipment in kilograms and a claim in yuan at its rate; refusals name the field and clause', async () => {
    const { page, context, errors } = await openAs(browser, ledger.url, 'hr');
    await page.goto(`${ledger.url}/console#/assignments/${JOE}`);
    const writeKind = page.getByLabel('What to record');
    await writeKind.selectOption('shipment');
    await page.getByLabel('Shipped on').fill('2005-01-20');
    await page.getByLabel('Weight unit').selectOption('kg');
    await page.getByLabel('Net weight').fill('250');
    await page.getByRole('button', { name: 'Record the shipment' }).click();
    const tooHeavy = page.locator('[data-field-error="weight"]');
    await tooHeavy.waitFor();
    await expect(tooHeavy.textContent()).resolves.toMatch(/clause 4/);
    await page.getByLabel('Net weight').fill('200');
    await page.getByRole('button', { name: 'Record the shipment' }).click();
    await page.getByText(/Recorded ShipmentRecorded/).waitFor();
    await page.getByText(/^440\.92\d* lb of 500 lb$/).waitFor();

    await writeKind.selectOption('expense');
    await page.getByLabel('Expense id (optional)').fill('INV-2005-0301');
    await page.getByRole('combobox', { name: 'Category', exact: true }).selectOption('host-transportation');
    await page.getByRole('textbox', { name: 'Amount', exact: true }).fill('827.65');
    await page.getByLabel('Currency', { exact: true }).fill('CNY');
    await page.getByLabel('Incurred on').fill('2005-03-01');
    await page.getByRole('textbox', { name: 'Receipts', exact: true }).fill('TAXI-1, TAXI-2');
    await page.getByRole('textbox', { name: 'Description', exact: true }).fill('Taxis in Shanghai, March');
    await page.getByRole('button', { name: 'Claim the expense' }).click();
    await page.locator('[data-field-error="rate"]').waitFor();
    await page.getByLabel('Exchange rate (units per 1 USD)').fill('8.2765');
    await page.getByRole('textbox', { name: 'Rate source', exact: true }).fill('PBOC peg');
    await page.getByRole('button', { name: 'Claim the expense' }).click();
    await page.getByText(/Recorded ExpenseClaimed/).waitFor();

    await writeKind.selectOption('approval');
    await page.getByRole('textbox', { name: 'Expense id', exact: true }).fill('INV-2005-0301');
    await page.getByRole('textbox', { name: 'Approved by', exact: true }).fill('Stephan Godevais');
    await page.getByLabel('Approved on').fill('2005-03-10');
    await page.getByRole('button', { name: 'Approve the expense' }).click();
    await page.getByText(/Recorded ExpenseApproved/).waitFor();
    await page.getByRole('cell', { name: 'host-transportation' }).waitFor();
    await page
      .getByRole('row', { name: /host-transportation/ })
      .getByText('100.00 USD')
      .first()
      .waitFor();
    await checkPage(page, 'writes');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works by keyboard alone: sign in, search, open a row, expand a timeline entry', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${ledger.url}/console`);
    const focused = () =>
      page.evaluate(
        'document.activeElement && (document.activeElement.id || document.activeElement.textContent)',
      );
    const tabTo = async (target: string | RegExp) => {
      for (let i = 0; i < 80; i += 1) {
        await page.keyboard.press('Tab');
        const now = String(await focused());
        if (typeof target === 'string' ? now === target : target.test(now)) return;
      }
      throw new Error(`Tab never reached ${String(target)}`);
    };
    await tabTo('api-key');
    await page.keyboard.type(KEYS.hr);
    await page.keyboard.press('Enter');
    await page.getByTestId('role').waitFor();
    await tabTo('search');
    await page.keyboard.type('Shanghai');
    await page.getByTestId('list-count').filter({ hasText: '1–1 of 1' }).waitFor();
    await tabTo(/^Joseph Lamoreux$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await tabTo(/^\d{4}-\d\d-\d\d AssignmentStarted/);
    await page.keyboard.press('Enter');
    await page.getByText('"commandId": "start-joe"').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the deadlines panel and the exception forms once the server offers their routes', async () => {
    const offer = async (page: Page) => {
      await page.route('**/docs/openapi.json', (route) =>
        route.fulfill({
          json: { paths: { '/deadlines': {}, '/assignments/{assignmentId}/exceptions': {} } },
        }),
      );
      await page.route('**/deadlines?*', (route) => {
        const within = Number(new URL(route.request().url()).searchParams.get('within'));
        return route.fulfill({
          json: {
            asOf: '2026-12-01',
            within,
            items: [
              {
                assignmentId: JOE,
                employeeId: 'VLNC-0001',
                kind: 'home-leave-lapses',
                dueOn: '2026-12-31',
                detail: { remaining: 3 },
              },
            ],
          },
        });
      });
    };
    const { page, context, errors } = await openAs(browser, ledger.url, 'hr', offer);
    await page.getByRole('heading', { name: 'Due within 30 days of 2026-12-01' }).waitFor();
    await page.getByRole('cell', { name: '2026-12-31 home-leave-lapses' }).waitFor();
    await checkPage(page, 'deadlines');
    await page.getByRole('link', { name: JOE }).click();
    await page.getByLabel('What to record').selectOption('exception-request');
    await page.getByRole('button', { name: 'Request the exception' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an admin sees projection lag and keys by fingerprint and resumes a paused webhook; a subscriber is told the console has nothing for it', async () => {
    const hook = await ledger.call('POST', '/webhooks', {
      role: 'admin',
      body: { url: 'http://127.0.0.1:9/ledger-hook', secret: 'a-secret-of-16-chars' },
    });
    expect(hook.status).toBe(201);
    expect((await ledger.call('POST', `/webhooks/${hook.body.id}/pause`, { role: 'admin' })).status).toBe(
      200,
    );

    const admin = await openAs(browser, ledger.url, 'admin');
    await admin.page.getByRole('link', { name: 'Administration' }).click();
    await admin.page.getByText(/Read models at position \d+, lag \d+/).waitFor();
    await admin.page.getByRole('cell', { name: 'auditor' }).first().waitFor();
    await checkPage(admin.page, 'admin');
    await admin.page.getByRole('button', { name: 'Resume http://127.0.0.1:9/ledger-hook' }).click();
    await admin.page.getByRole('button', { name: /^Resume/ }).waitFor({ state: 'detached' });
    expect((await ledger.call('GET', `/webhooks/${hook.body.id}`, { role: 'admin' })).body.status).toBe(
      'active',
    );
    await ledger.call('DELETE', `/webhooks/${hook.body.id}`, { role: 'admin' });
    expect(admin.errors).toEqual([]);
    await admin.context.close();

    const subscriber = await openAs(browser, ledger.url, 'subscriber');
    await subscriber.page.getByText(/the console has no/).waitFor();
    expect(await subscriber.page.getByRole('link', { name: 'Assignments' }).count()).toBe(0);
    await checkPage(subscriber.page, 'subscriber');
    expect(subscriber.errors).toEqual([]);
    await subscriber.context.close();
  });
  it('an auditor sees no write control, replays the timeline as known at an instant, and verify names the tampered event', async () => {
    const { page, context, errors } = await openAs(browser, ledger.url, 'auditor');
    await page.goto(`${ledger.url}/console#/assignments/${JOE}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('form.write-form').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Record' }).count()).toBe(0);
    const all = (await events()).length;
    await page
      .locator('.timeline > li')
      .nth(all - 1)
      .waitFor();
    expect(await page.locator('.timeline > li').count()).toBe(all);

    await page.getByLabel(/As known at/).fill(knownAfterSeed.slice(0, 19));
    await page.getByRole('heading', { name: /Timeline as known at/ }).waitFor();
    await page.locator('.timeline > li').nth(seededEvents).waitFor({ state: 'detached' });
    expect(await page.locator('.timeline > li').count()).toBe(seededEvents);
    await page.locator('.timeline summary').first().click();
    await page.getByText('"commandId": "start-joe"').waitFor();
    // A void and what it mends point at each other.
    await page
      .locator('.timeline > li.voided')
      .getByRole('button', { name: /^voided by / })
      .click();
    await expect(
      page.evaluate("document.activeElement.closest('li').querySelector('strong').textContent"),
    ).resolves.toBe('EventVoided');
    await page.getByRole('button', { name: /^mends / }).click();
    await expect(
      page.evaluate("document.activeElement.closest('li').querySelector('strong').textContent"),
    ).resolves.toBe('ShipmentRecorded');
    await checkPage(page, 'timeline');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    expect((await download).suggestedFilename()).toBe(`${JOE}.csv`);

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByTestId('head-hash').waitFor();
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    await page
      .getByTestId('verify-result')
      .getByText(/Verified: \d+ events/)
      .waitFor();
    await checkPage(page, 'audit');

    const victim = (await events()).find((e) => e.type === 'HomeLeaveTripTaken')!;
    const db = new Database(ledger.config.storeUrl.slice('sqlite:'.length));
    db.prepare("UPDATE events SET data = replace(data, '1380.00', '1.00') WHERE event_id = ?").run(
      victim.eventId,
    );
    db.close();
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    const failed = page.getByTestId('verify-result').getByText(/Verification failed/);
    await failed.waitFor();
    await expect(failed.textContent()).resolves.toContain(victim.eventId);
    await expect(failed.textContent()).resolves.toContain(`position ${victim.position}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
