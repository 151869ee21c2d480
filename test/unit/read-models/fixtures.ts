/** Shared helpers of the read-model tests: real SQLite stores, histories, and a projection that counts. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '../../../src/event-store/create-event-store.js';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import type { ProjectedEvent, Projection } from '../../../projections/projection.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { HistoryBuilder } from './history.js';

export interface CountDoc {
  stream: string;
  /** Events applied: an event applied twice or skipped shows here (the real projections are idempotent by position). */
  count: number;
  positions: number[];
}

/**
 * Not idempotent on purpose: every apply counts, so exactly-once is visible in the documents.
 * `tag` changes what it writes, to tell two versions apart.
 */
export const countingProjection = (
  version = 1,
  tag = `v${version}`,
): Projection<CountDoc & { tag: string }> => ({
  name: 'event-count',
  version,
  canHandle: [
    'AssignmentStarted',
    'ExpenseClaimed',
    'SalaryPaid',
    'ShipmentRecorded',
    'EventVoided',
    'EventCorrected',
  ],
  keyOf: (event: ProjectedEvent) => event.streamId,
  init: (key: string) => ({ stream: key, count: 0, positions: [], tag }),
  evolve: (doc, event) => {
    doc.count += 1;
    doc.positions.push(event.position);
    return doc;
  },
});

/** The counting documents are right when each holds exactly its stream's handled positions, each once. */
export const expectedCounts = async (
  store: EventStore,
  types: readonly string[],
): Promise<Map<string, number[]>> => {
  const byStream = new Map<string, number[]>();
  for (const event of await store.readAll({ types })) {
    const list = byStream.get(event.streamId) ?? [];
    list.push(event.position);
    byStream.set(event.streamId, list);
  }
  return byStream;
};

export const memoryStore = (): Promise<EventStore> => createEventStore('sqlite::memory:');

export const tempDir = (): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-read-models-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** Appends `n` more events of `history`, `perTurn` appends at a time (one group commit each). */
export const appendEvents = async (
  store: EventStore,
  history: HistoryBuilder,
  n: number,
  choose: (i: number) => [number, number] = (i) => [i * 7 + (i >> 3), i * 31 + 3],
  perTurn = 200,
): Promise<number> => {
  let position = 0;
  for (let done = 0; done < n;) {
    const batch: Promise<{ position: number }>[] = [];
    for (let k = 0; k < perTurn && done < n; k++, done++) {
      const [which, pick] = choose(history.size);
      const { streamId, event } = history.next(which, pick);
      batch.push(store.appendToStream(streamId, [event], { expectedRevision: 'any' }));
    }
    for (const result of await Promise.all(batch)) position = Math.max(position, result.position);
  }
  return position;
};

/** A SQLite ledger file holding `n` events of a history of `assignments` assignments. */
export const seedLedgerFile = async (
  path: string,
  assignments: number,
  n: number,
  perTurn: number,
): Promise<void> => {
  const store = await createEventStore(`sqlite:${path}`);
  try {
    await appendEvents(store, new HistoryBuilder(assignments), n, undefined, perTurn);
  } finally {
    await store.close();
  }
};

/** Every document of every named projection's active generation, by key. */
export const dump = (
  readModels: ReadModelStore,
  names: readonly string[],
): Record<string, Record<string, unknown>> => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const docs: Record<string, unknown> = {};
    const active = readModels.active(name);
    if (active) for (const [key, json] of readModels.entries(active)) docs[key] = JSON.parse(json);
    out[name] = docs;
  }
  return out;
};

/** A read-model store that dies inside its n-th commit, after writing everything, before COMMIT. */
export class CrashingReadModelStore extends ReadModelStore {
  commits = 0;
  constructor(
    path: string,
    private readonly crashAt: number,
  ) {
    super(path);
  }

  protected override afterWrites(): void {
    this.commits += 1;
    if (this.commits === this.crashAt) throw new Error(`simulated crash inside commit ${this.commits}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends a ShipmentRecorded of schema version 1 whose weightLb is no number; answers its position. */
export const appendOldShipment = async (store: EventStore, streamId: string): Promise<number> => {
  const result = await store.appendToStream(
    streamId,
    [
      {
        eventId: randomUUID(),
        type: 'ShipmentRecorded',
        data: {
          shipmentId: 'old-1',
          direction: 'outbound',
          mode: 'air',
          shippedOn: '2005-01-20',
          weightLb: 'heavy',
        },
        metadata: {
          actor: 'hr:old-build',
          commandId: randomUUID(),
          correlationId: randomUUID(),
          schemaVersion: 1,
        },
      },
    ],
    { expectedRevision: 'any' },
  );
  return result.position;
};

export { HistoryBuilder };
