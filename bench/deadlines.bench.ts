import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_PROJECTIONS,
  assignmentEntitlementsProjection,
  byDue,
  deadlinesProjection,
  entitlementsOf,
  type DeadlineItem,
  type EntitlementsDoc,
} from '../projections/index.js';
import {
  decide,
  evolve,
  initialState,
  streamIdOf,
  type AssignmentCommand,
} from '../src/domain/assignment/index.js';
import { addDays, toDayNumber, fromDayNumber } from '../src/domain/shared/calendar.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../src/read-models/projection-runner.js';
import { ReadModelStore } from '../src/read-models/read-model-store.js';
import { letterStart } from '../src/demo/letter-story.js';
import { caughtUp, fetchJson, KEY } from './http.bench.js';
import { failureKinds, fmt, load, medianRun, type HttpRun, type LoadJob } from './measure.js';
import { unitPrng } from './prng.js';
import { addRow, record, say } from './report.js';
import { startServer } from './server-process.js';

/**
 * GET /deadlines over 40,000 assignments (25 years of them, ~2,000 active on any day), beside the
 * entitlements read of one assignment on the same read models of the same run, in-process and over
 * HTTP at 64 clients: the deadlines query must not scan every assignment (target p99 <= 3x).
 */
const ASSIGNMENTS = Number(process.env.BENCH_DEADLINES_ASSIGNMENTS ?? 40_000);
const DEADLINE_QUERIES = 2_000;
const ENTITLEMENT_QUERIES = 10_000;
const FIRST_DAY = toDayNumber('2000-01-01');
const SPAN_DAYS = 25 * 365;

/** One assignment's life as commands in date order: trips, maybe an exception and an extension, the end, the flight home. */
const lifeOf = (i: number, random: () => number): AssignmentCommand[] => {
  const assignmentId = `bench-dl-${i}`;
  const effectiveDate = fromDayNumber(FIRST_DAY + Math.floor(random() * SPAN_DAYS));
  const expectedEndDate = addDays(effectiveDate, 180 + Math.floor(random() * 540));
  const extended = random() < 0.6 ? addDays(expectedEndDate, 90 + Math.floor(random() * 270)) : undefined;
  const end = extended ?? expectedEndDate;
  const commands: AssignmentCommand[] = [
    {
      type: 'StartAssignment',
      data: {
        ...letterStart(),
        assignmentId,
        employee: { id: `E-${i}`, name: `Employee ${i}` },
        effectiveDate,
        expectedEndDate,
      },
    },
  ];
  if (random() < 0.1) {
    commands.push({
      type: 'RequestException',
      data: {
        exceptionId: 'airfreight',
        term: 'outbound-air-weight',
        requestedLimit: '650',
        reason: 'books',
        requestedBy: 'Carl Berg',
        requestedOn: addDays(effectiveDate, 3),
      },
    });
    const decision = random();
    if (decision < 0.6) {
      commands.push({
        type: 'ApproveException',
        data: { exceptionId: 'airfreight', approvedBy: 'Bob Borron', approvedOn: addDays(effectiveDate, 6) },
      });
    } else if (decision < 0.97) {
      commands.push({
        type: 'DeclineException',
        data: {
          exceptionId: 'airfreight',
          declinedBy: 'Bob Borron',
          declinedOn: addDays(effectiveDate, 6),
          reason: 'within the letter',
        },
      });
    }
  }
  const days = toDayNumber(end) - toDayNumber(effectiveDate);
  const trips = Math.floor(random() * ((days / 365) * 3));
  const departures = Array.from({ length: trips }, () =>
    addDays(effectiveDate, Math.floor(random() * days)),
  ).sort();
  departures.forEach((departedOn, t) =>
    commands.push({
      type: 'TakeHomeLeaveTrip',
      data: {
        tripId: `t${t}`,
        traveller: 'employee',
        destination: 'home',
        departedOn,
        fare: { amount: '1400.00', currency: 'USD' },
      },
    }),
  );
  if (extended) {
    commands.push({
      type: 'ExtendAssignment',
      data: { decidedOn: addDays(effectiveDate, Math.floor(days / 3)), newExpectedEndDate: extended },
    });
  }
  if (end <= '2025-06-30') {
    commands.push({ type: 'EndAssignment', data: { reason: 'completed', endedOn: end } });
    commands.push({
      type: 'RecordRepatriationTravel',
      data: {
        travelledOn: addDays(end, 1 + Math.floor(random() * 20)),
        travellers: [`Employee ${i}`],
        fare: { amount: '2900.00', currency: 'USD' },
      },
    });
  }
  return commands;
};

const fill = async (store: SqliteEventStore): Promise<number> => {
  const random = unitPrng(20050113);
  let events = 0;
  let position = 0;
  for (let from = 0; from < ASSIGNMENTS; from += 2_000) {
    const appends: Promise<{ position: number }>[] = [];
    for (let i = from; i < Math.min(ASSIGNMENTS, from + 2_000); i++) {
      let state = initialState();
      const recorded = [];
      for (const command of lifeOf(i, random)) {
        // Trips the random dates would put in a full pool are simply not taken.
        let decided;
        try {
          decided = decide(command, state);
        } catch {
          continue;
        }
        for (const event of decided) {
          const eventId = randomUUID();
          state = evolve(state, { ...event, eventId, recordedAt: '2026-01-01T00:00:00.000Z' });
          recorded.push({
            eventId,
            type: event.type,
            data: event.data as unknown as Record<string, unknown>,
            metadata: { actor: 'bench' },
          });
        }
      }
      events += recorded.length;
      appends.push(
        store.appendToStream(streamIdOf(`bench-dl-${i}`), recorded, { expectedRevision: 'no_stream' }),
      );
    }
    for (const result of await Promise.all(appends)) position = Math.max(position, result.position);
  }
  console.log(
    `deadlines.setup: ${events.toLocaleString('en-US')} events in ${ASSIGNMENTS.toLocaleString('en-US')} assignments`,
  );
  return position;
};

const p = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

/** GET /deadlines' default page size. */
const PAGE = 50;
const HTTP_RUNS = 3;
const DISTINCT = 80_000;

/**
 * The same two reads over HTTP, 64 clients, on the real server holding the same store: what the target
 * compares (a request's cost includes the framework's, which both reads pay alike).
 */
const overHttp = async (
  dir: string,
  head: number,
  asOf: () => string,
  pick: () => number,
  random: () => number,
) => {
  const server = await startServer({
    LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}`,
    LEDGER_API_KEYS: `hr=${KEY}`,
    LEDGER_DATA_DIR: dir,
  });
  try {
    await caughtUp(server, head);
    // Repeated: a few hundred windows asked again and again (consoles opening on today), answers kept.
    // Distinct: 80,000 different queries, so nearly every request is computed (no answer kept helps).
    const deadlinePaths = Array.from({ length: 500 }, () => `/deadlines?asOf=${asOf()}&within=30`);
    const entitlementPaths = Array.from(
      { length: 3_000 },
      () => `/assignments/bench-dl-${pick()}/entitlements?asOf=${asOf()}`,
    );
    const distinctDeadlinePaths = Array.from(
      { length: DISTINCT },
      () => `/deadlines?asOf=${asOf()}&within=${1 + Math.floor(random() * 366)}`,
    );
    const distinctEntitlementPaths = Array.from(
      { length: DISTINCT },
      () => `/assignments/bench-dl-${pick()}/entitlements?asOf=${asOf()}`,
    );
    for (const path of [deadlinePaths[0]!, entitlementPaths[0]!]) {
      const sample = await fetchJson(server.url, path);
      if (sample.status !== 200) throw new Error(`${path} answered ${sample.status}`);
    }
    const job = (paths: string[]): LoadJob => ({
      url: server.url,
      key: KEY,
      clients: 64,
      seconds: 4,
      warmupSeconds: 1,
      paths,
    });
    const runs = {
      deadlines: [] as HttpRun[],
      entitlements: [] as HttpRun[],
      distinctDeadlines: [] as HttpRun[],
      distinctEntitlements: [] as HttpRun[],
    };
    for (let run = 0; run < HTTP_RUNS; run++) {
      runs.entitlements.push(await load(job(entitlementPaths)));
      runs.deadlines.push(await load(job(deadlinePaths)));
      runs.distinctEntitlements.push(await load(job(distinctEntitlementPaths)));
      runs.distinctDeadlines.push(await load(job(distinctDeadlinePaths)));
    }
    return {
      deadlines: medianRun(runs.deadlines, 'p99'),
      entitlements: medianRun(runs.entitlements, 'p99'),
      distinctDeadlines: medianRun(runs.distinctDeadlines, 'p99'),
      distinctEntitlements: medianRun(runs.distinctEntitlements, 'p99'),
    };
  } finally {
    await server.stop();
  }
};

const describeHttp = (run: HttpRun & { spread: string }): string =>
  `${fmt(run.rate)}/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms (median of ${HTTP_RUNS}, ${run.spread})` +
  (run.failures > 0 ? `, ${run.failures} requests failed (${failureKinds(run)})` : '');

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-deadlines-bench-'));
  const store = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  const readModels = new ReadModelStore(join(dir, 'read-models.sqlite'));
  const runner = new ProjectionRunner(store, readModels, ALL_PROJECTIONS, {
    onError: (error) => console.error('deadlines bench runner:', error),
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await runner.stop();
    readModels.close();
    await store.close();
  };
  try {
    const head = await fill(store);
    const started = performance.now();
    await runner.start();
    if (!(await runner.waitFor(head, 900_000))) throw new Error('the runner did not catch up');
    say(`deadlines.read-models built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const random = unitPrng(7);
    const asOf = () => fromDayNumber(FIRST_DAY + Math.floor(random() * (SPAN_DAYS + 365)));
    const pick = () => Math.floor(random() * ASSIGNMENTS);
    // What GetDeadlinesHandler does: one R-tree search for a page of the default size, then its order.
    const deadlines = (day: string, within: number) =>
      readModels
        .intervalItems<DeadlineItem>(
          deadlinesProjection.name,
          toDayNumber(day),
          toDayNumber(addDays(day, within)),
          { limit: PAGE },
        )
        .items.sort(byDue);
    const whole = (day: string, within: number) =>
      readModels.intervalItems<DeadlineItem>(
        deadlinesProjection.name,
        toDayNumber(day),
        toDayNumber(addDays(day, within)),
      ).items.length;
    const entitlements = (id: string, day: string) =>
      entitlementsOf(readModels.get<EntitlementsDoc>(assignmentEntitlementsProjection.name, id)!, {
        asOf: day,
      });

    for (let i = 0; i < 200; i++) {
      deadlines(asOf(), 30);
      entitlements(`bench-dl-${pick()}`, asOf());
    }
    const timed = (n: number, query: () => unknown) => {
      const latencies: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        query();
        latencies.push(performance.now() - t);
      }
      return latencies.sort((a, b) => a - b);
    };
    const sizes: number[] = [];
    const deadlineLatencies = timed(DEADLINE_QUERIES, () => deadlines(asOf(), 30));
    for (let i = 0; i < DEADLINE_QUERIES; i++) sizes.push(whole(asOf(), 30));
    sizes.sort((a, b) => a - b);
    const items = sizes.reduce((a, b) => a + b, 0);
    const entitlementLatencies = timed(ENTITLEMENT_QUERIES, () => entitlements(`bench-dl-${pick()}`, asOf()));
    const dp99 = p(deadlineLatencies, 0.99);
    const ep99 = p(entitlementLatencies, 0.99);
    say(
      `deadlines.query.${ASSIGNMENTS}-assignments in-process (within 30 days, random asOf, pages of ${PAGE}): ` +
        `p50 ${p(deadlineLatencies, 0.5).toFixed(2)} ms, p99 ${dp99.toFixed(2)} ms; ` +
        `items due in the whole window: mean ${Math.round(items / DEADLINE_QUERIES)}, p99 ${p(sizes, 0.99)}, most ${sizes.at(-1)}`,
    );
    say(
      `deadlines.entitlements-read in-process (same run, one assignment, random asOf): p50 ${p(entitlementLatencies, 0.5).toFixed(2)} ms, p99 ${ep99.toFixed(2)} ms (ratio ${(dp99 / ep99).toFixed(1)})`,
    );
    await close();

    const http = await overHttp(dir, head, asOf, pick, random);
    say(
      `deadlines.http.deadlines, 500 windows repeated (64 clients, pages of ${PAGE}): ${describeHttp(http.deadlines)}`,
    );
    say(`deadlines.http.entitlements, 3,000 reads repeated (same run): ${describeHttp(http.entitlements)}`);
    say(`deadlines.http.deadlines, every window different: ${describeHttp(http.distinctDeadlines)}`);
    say(
      `deadlines.http.entitlements, every read different (same run): ${describeHttp(http.distinctEntitlements)}`,
    );
    const ratio = http.deadlines.p99 / http.entitlements.p99;
    const distinctRatio = http.distinctDeadlines.p99 / http.distinctEntitlements.p99;
    say(
      `deadlines.ratio: deadlines p99 / entitlements p99 over HTTP = ${ratio.toFixed(2)} repeated, ` +
        `${distinctRatio.toFixed(2)} every query different (target <= 3)`,
    );
    record('deadlines', {
      assignments: ASSIGNMENTS,
      inProcess: { deadlinesP99Ms: dp99, entitlementsP99Ms: ep99 },
      http: Object.fromEntries(
        Object.entries(http).map(([name, run]) => [name, { p50: run.p50, p99: run.p99, rate: run.rate }]),
      ),
    });
    const row = (what: string, ours: HttpRun, yardstick: HttpRun, r: number) =>
      addRow({
        figure: `deadlines p99 over ${fmt(ASSIGNMENTS)} assignments, 64 clients, ${what}`,
        ours: `p99 ${ours.p99.toFixed(1)} ms, ${fmt(ours.rate)}/s${ours.failures > 0 ? `, **${ours.failures} failed** (${failureKinds(ours)})` : ''}`,
        yardstick: `entitlements p99 ${yardstick.p99.toFixed(1)} ms`,
        ratio: `${r.toFixed(2)}x`,
        target: '<= 3x',
        met: r <= 3 && ours.failures === 0,
      });
    row('windows repeated', http.deadlines, http.entitlements, ratio);
    row('every query different', http.distinctDeadlines, http.distinctEntitlements, distinctRatio);
  } finally {
    await close();
    if (process.env.BENCH_KEEP) console.log(dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}
