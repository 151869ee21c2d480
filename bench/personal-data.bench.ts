import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordAssignmentEventHandler } from '../src/application/commands/record-assignment-event.handler.js';
import { RecordAssignmentEvent } from '../src/application/commands/record-assignment-event.command.js';
import { requestHashOf } from '../src/application/ids.js';
import { letterStory } from '../src/demo/letter-story.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { DataKeyStore } from '../src/personal-data/data-key-store.js';
import { PersonalData } from '../src/personal-data/personal-data.js';
import { replayAll } from '../src/read-models/replay.js';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { HistoryBuilder } from '../test/unit/read-models/history.js';

/**
 * What sealing personal data costs (target < 15% on both): appends through the command handler on a
 * file store (synchronous=FULL), and a replay of every read model, each beside the same run without
 * sealing. Read models keep the values sealed, so a replay opens none: what it pays for is the
 * longer stored text.
 */

const WRITERS = 8;
const RUNS = 3;
const REPLAY_EVENTS = Number(process.env.BENCH_PERSONAL_DATA_EVENTS ?? 100_000);

/** The same handler with nothing sealed or opened: the yardstick. */
class InClear extends PersonalData {
  override seal<T>(_type: string, data: T): T {
    return data;
  }
  override reveal<T>(_type: string, data: T): T {
    return data;
  }
  override revealWithin<T>(value: T): T {
    return value;
  }
}

const keyStore = (): DataKeyStore => new DataKeyStore(':memory:', randomBytes(32));

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (rate: number): string => `${Math.round(rate).toLocaleString('en-US')} events/s`;
const overhead = (plain: number, sealed: number): string =>
  `${(((plain - sealed) / plain) * 100).toFixed(1)}%`;

/** The letter's story for `WRITERS` assignments at once, each with its own employee: events per second. */
const appendStories = async (path: string, personalData: PersonalData, run: number): Promise<number> => {
  const store = new SqliteEventStore(path);
  const handler = new RecordAssignmentEventHandler(store, personalData);
  try {
    const started = process.hrtime.bigint();
    let events = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const assignmentId = `bench-${run}-${w}`;
        for (const [index, step] of letterStory(assignmentId).entries()) {
          const command =
            step.command.type === 'StartAssignment'
              ? {
                  ...step.command,
                  data: { ...step.command.data, employee: { id: `E-${run}-${w}`, name: 'Joseph Lamoreux' } },
                }
              : step.command;
          const result = await handler.execute(
            new RecordAssignmentEvent(assignmentId, command, {
              actor: 'hr:bench',
              commandId: `step-${index}`,
              requestHash: requestHashOf('bench', command),
              correlationId: assignmentId,
            }),
          );
          events += result.events.length;
        }
      }),
    );
    return events / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await store.close();
  }
};

/**
 * The replay bench's realistic history (test/unit/read-models/history.ts, ~25 events per assignment),
 * appended as it is and, into the other store, with its personal values sealed per employee.
 */
const storeHistories = async (
  plain: SqliteEventStore,
  sealed: SqliteEventStore,
  personalData: PersonalData,
) => {
  const history = new HistoryBuilder(Math.max(1, Math.round(REPLAY_EVENTS / 25)), '0000bec5');
  const subjects = new Map<string, string>();
  const now = new Date();
  let seed = 20050113;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let done = 0; done < REPLAY_EVENTS;) {
    // One turn of appends is one group-committed transaction per store.
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 5000 && done < REPLAY_EVENTS; i++, done++) {
      const { streamId, event } = history.next(random() % history.assignmentIds.length, random());
      if (event.type === 'AssignmentStarted')
        subjects.set(streamId, (event.data as { employee: { id: string } }).employee.id);
      const subject = subjects.get(streamId) ?? 'unknown';
      const data = personalData.seal(event.type, event.data, subject, now);
      appends.push(plain.appendToStream(streamId, [event], { expectedRevision: 'any' }));
      appends.push(sealed.appendToStream(streamId, [{ ...event, data }], { expectedRevision: 'any' }));
    }
    await Promise.all(appends);
  }
};

const replayRate = async (store: SqliteEventStore, target: string): Promise<number> =>
  (await replayAll(store, target, ALL_PROJECTIONS, undefined, { workers: 0 })).eventsPerSecond;

export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-pd-'));
  const sealing = new PersonalData(keyStore());
  const clear = new InClear(keyStore());
  try {
    console.log(
      `personal data: load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const appends = { sealed: [] as number[], plain: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      // Alternated, so a slower minute of the shared machine weighs on both alike.
      appends.plain.push(await appendStories(join(dir, `plain-${r}.sqlite`), clear, r));
      appends.sealed.push(await appendStories(join(dir, `sealed-${r}.sqlite`), sealing, r));
    }
    const [plainAppends, sealedAppends] = [median(appends.plain), median(appends.sealed)];
    console.log(
      `personal data: appends through the handler, ${WRITERS} writers: sealed ${format(sealedAppends)}, ` +
        `in clear ${format(plainAppends)} (median of ${RUNS}); overhead ${overhead(plainAppends, sealedAppends)} (target < 15%)`,
    );

    const plainStore = new SqliteEventStore(join(dir, 'replay-plain.sqlite'));
    const sealedStore = new SqliteEventStore(join(dir, 'replay-sealed.sqlite'));
    try {
      await storeHistories(plainStore, sealedStore, sealing);
      const events = REPLAY_EVENTS;
      const replays = { sealed: [] as number[], plain: [] as number[] };
      for (let r = 0; r < RUNS; r++) {
        replays.plain.push(await replayRate(plainStore, join(dir, `rm-plain-${r}.sqlite`)));
        replays.sealed.push(await replayRate(sealedStore, join(dir, `rm-sealed-${r}.sqlite`)));
      }
      const [plainReplay, sealedReplay] = [median(replays.plain), median(replays.sealed)];
      console.log(
        `personal data: replay of ${events.toLocaleString('en-US')} events (the replay bench's history, every read model, one thread): ` +
          `sealed ${format(sealedReplay)}, in clear ${format(plainReplay)} (median of ${RUNS}); overhead ${overhead(plainReplay, sealedReplay)} (target < 15%)`,
      );
    } finally {
      await plainStore.close();
      await sealedStore.close();
    }
  } finally {
    sealing.close();
    clear.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
