import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { loadConfig } from '../src/config/ledger-config.js';
import { createHttpApp, listen } from '../src/http/bootstrap.js';
import { RecordAssignmentEvent } from '../src/application/commands/record-assignment-event.command.js';
import { requestHashOf } from '../src/application/ids.js';
import { letterStart } from '../src/demo/letter-story.js';
import type { AssignmentCommand } from '../src/domain/assignment/commands.js';
import { ProjectionRunner } from '../src/read-models/projection-runner.js';
import { browserMissing, CHROMIUM, CHROMIUM_ARGS } from '../test/browser/chromium.js';

/**
 * The web console on a ledger of 40,000 assignments, on localhost: its first load (HTML and every
 * asset, as a browser with an empty cache fetches them), the list API behind it, and, where Debian's
 * chromium exists, the time from navigation to a usable first page of the list, to a search's answer
 * and to the next page (target: each < 1 s). `npm run build` must have built the console.
 */
const ASSIGNMENTS = 40_000;
const WRITERS = 64;
const RUNS = 5;
const API_REQUESTS = 40;
const KEY = 'bench-console-hr-key';

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const spread = (values: number[]) =>
  `median ${ms(median(values))} (${ms(Math.min(...values))}-${ms(Math.max(...values))}, ${values.length} runs)`;

const seed = async (commands: CommandBus): Promise<number> => {
  let next = 0;
  let position = 0;
  const base = letterStart();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < ASSIGNMENTS) {
        const i = next++;
        const id = `bench-${String(i).padStart(5, '0')}`;
        const command: AssignmentCommand = {
          type: 'StartAssignment',
          data: {
            ...base,
            assignmentId: id,
            employee: { id: `E-${i}`, name: `Employee ${i}` },
            hostCity: ['Shanghai', 'Suzhou', 'Taipei', 'Seoul'][i % 4]!,
          },
        };
        const result = await commands.execute(
          new RecordAssignmentEvent(id, command, {
            actor: 'bench',
            commandId: `start-${id}`,
            requestHash: requestHashOf('bench', command),
            correlationId: id,
          }),
        );
        position = Math.max(position, result.position);
      }
    }),
  );
  return position;
};

const firstLoadOverHttp = async (url: string) => {
  const times: number[] = [];
  let bytes = 0;
  let files = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const page = await fetch(`${url}/console`);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    const bodies = await Promise.all(
      assets.map(async (path) => (await fetch(`${url}${path}`)).arrayBuffer()),
    );
    times.push(performance.now() - started);
    bytes = html.length + bodies.reduce((sum, body) => sum + body.byteLength, 0);
    files = 1 + assets.length;
  }
  console.log(
    `console.first-load.http: ${spread(times)}, ${files} files, ${Math.round(bytes / 1024)} KiB uncompressed`,
  );
};

const listApi = async (url: string) => {
  const headers = { authorization: `Bearer ${KEY}` };
  for (const [name, path] of [
    ['first-page', '/assignments?limit=50'],
    ['last-page-by-cursor', '/assignments?limit=50&after=bench-39950'],
    ['search', '/assignments?limit=50&q=employee%203999'],
    ['status-filter', '/assignments?limit=50&status=active'],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < API_REQUESTS; i++) {
      const started = performance.now();
      const answer = await fetch(`${url}${path}`, { headers });
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
      await answer.json();
      times.push(performance.now() - started);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `console.list-api.${name} (${ASSIGNMENTS.toLocaleString('en-US')} assignments): p50 ${ms(median(times))}, ` +
        `max ${ms(sorted.at(-1)!)}`,
    );
  }
};

const inChromium = async (url: string) => {
  const missing = browserMissing();
  if (missing) {
    console.log(`console.browser: skipped: ${missing}`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const usable: number[] = [];
    const search: number[] = [];
    const nextPage: number[] = [];
    const total = ASSIGNMENTS.toLocaleString('en-US');
    for (let run = 0; run < RUNS; run++) {
      // A fresh context: empty cache, the key already in this tab's sessionStorage as after signing in.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(`sessionStorage.setItem('ledger-console-key', ${JSON.stringify(KEY)})`);
      const page = await context.newPage();
      let started = performance.now();
      await page.goto(`${url}/console`);
      await page.getByText(`1–50 of ${total}`).waitFor({ timeout: 30_000 });
      usable.push(performance.now() - started);

      started = performance.now();
      await page.getByLabel('Search').fill('employee 39999');
      await page.getByText('1–1 of 1', { exact: true }).waitFor({ timeout: 30_000 });
      // The console waits 250 ms after the last keystroke before it asks: counted, as the user waits it too.
      search.push(performance.now() - started);

      await page.getByLabel('Search').fill('');
      await page.getByText(`1–50 of ${total}`).waitFor({ timeout: 30_000 });
      started = performance.now();
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText(`51–100 of ${total}`).waitFor({ timeout: 30_000 });
      nextPage.push(performance.now() - started);
      await context.close();
    }
    console.log(
      `console.browser.list-usable (navigation to the first page of ${total}): ${spread(usable)}; target < 1000 ms`,
    );
    console.log(
      `console.browser.search (typing to its answer, 250 ms debounce included): ${spread(search)}; target < 1000 ms`,
    );
    console.log(`console.browser.next-page: ${spread(nextPage)}; target < 1000 ms`);
  } finally {
    await browser.close();
  }
};

export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-console-'));
  const config = loadConfig({
    LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}`,
    LEDGER_API_KEYS: `hr=${KEY}`,
  });
  const app = await createHttpApp(config, { logLevels: ['error'] });
  try {
    const url = await listen(app, 0, '127.0.0.1');
    const started = performance.now();
    const position = await seed(app.get(CommandBus));
    await app.get(ProjectionRunner).waitFor(position, 120_000);
    console.log(
      `console: ${ASSIGNMENTS.toLocaleString('en-US')} assignments recorded and projected in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await firstLoadOverHttp(url);
    await listApi(url);
    await inChromium(url);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
