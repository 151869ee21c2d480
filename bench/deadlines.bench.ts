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
import { unitPrng } from './prng.js';

/**
 * GET /deadlines' work over 40,000 assignments (25 years of them, ~2,000 active on any day), beside the
 * entitlements read of one assignment, both in-process on the same read models of the same run:
 * the deadlines query must not scan every assignment (target p99 <= 3x the entitlements p99).
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

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-deadlines-bench-'));
  const store = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  const readModels = new ReadModelStore(join(dir, 'read-models.sqlite'));
  const runner = new ProjectionRunner(store, readModels, ALL_PROJECTIONS, { onError: () => undefined });
  try {
    const head = await fill(store);
    const started = performance.now();
    await runner.start();
    if (!(await runner.waitFor(head, 900_000))) throw new Error('the runner did not catch up');
    console.log(`deadlines.read-models built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const random = unitPrng(7);
    const asOf = () => fromDayNumber(FIRST_DAY + Math.floor(random() * (SPAN_DAYS + 365)));
    // What GetDeadlinesHandler does: one R-tree search, then the answer's order.
    const deadlines = (day: string, within: number) =>
      readModels
        .intervalItems<DeadlineItem>(
          deadlinesProjection.name,
          toDayNumber(day),
          toDayNumber(addDays(day, within)),
        )
        .sort(byDue);
    const entitlements = (id: string, day: string) =>
      entitlementsOf(readModels.get<EntitlementsDoc>(assignmentEntitlementsProjection.name, id)!, {
        asOf: day,
      });

    for (let i = 0; i < 200; i++) {
      deadlines(asOf(), 30);
      entitlements(`bench-dl-${Math.floor(random() * ASSIGNMENTS)}`, asOf());
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
    const deadlineLatencies = timed(DEADLINE_QUERIES, () => sizes.push(deadlines(asOf(), 30).length));
    sizes.sort((a, b) => a - b);
    const items = sizes.reduce((a, b) => a + b, 0);
    const entitlementLatencies = timed(ENTITLEMENT_QUERIES, () =>
      entitlements(`bench-dl-${Math.floor(random() * ASSIGNMENTS)}`, asOf()),
    );
    const dp99 = p(deadlineLatencies, 0.99);
    const ep99 = p(entitlementLatencies, 0.99);
    console.log(
      `deadlines.query.${ASSIGNMENTS}-assignments (within 30 days, random asOf): p50 ${p(deadlineLatencies, 0.5).toFixed(2)} ms, ` +
        `p99 ${dp99.toFixed(2)} ms; items per answer: mean ${Math.round(items / DEADLINE_QUERIES)}, p99 ${p(sizes, 0.99)}, ` +
        `most ${sizes.at(-1)} (${((1000 * p(deadlineLatencies, 0.5)) / Math.max(1, p(sizes, 0.5))).toFixed(1)} µs per item at the median)`,
    );
    console.log(
      `deadlines.entitlements-read (same run, one assignment, random asOf): p50 ${p(entitlementLatencies, 0.5).toFixed(2)} ms, p99 ${ep99.toFixed(2)} ms`,
    );
    console.log(
      `deadlines.ratio: deadlines p99 / entitlements p99 = ${(dp99 / ep99).toFixed(2)} (target <= 3)`,
    );
  } finally {
    await runner.stop();
    readModels.close();
    await store.close();
    if (process.env.BENCH_KEEP) console.log(dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}
