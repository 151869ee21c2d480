import type { EventStore, NewEvent } from '../src/event-store/event-store.port.js';
import { decide, initialState, foldEvents, streamIdOf } from '../src/domain/assignment/index.js';
import type { AssignmentCommand, AssignmentEvent, Envelope } from '../src/domain/assignment/index.js';
import { nameBasedUuid } from '../src/event-store/name-based-uuid.js';
import { currentSchemaVersion, DEFAULT_SCHEMA_VERSION } from '../src/schemas/schema-versions.js';
import { letterStart } from '../src/demo/letter-story.js';

/** What every bench write posts: an expense claim the decider accepts on any started assignment. */
export const CLAIM_BODY = {
  category: 'language-training',
  amount: { amount: '120.00', currency: 'USD' },
  incurredOn: '2005-02-01',
  receipts: ['receipt-1'],
  description: 'Mandarin lesson',
};

const start = (assignmentId: string): AssignmentCommand => ({
  type: 'StartAssignment',
  data: { assignmentId, ...letterStart() },
});

/** The events the decider records for a start and for one claim, as templates to copy. */
const templates = (() => {
  const [started] = decide(start('template'), initialState());
  const state = foldEvents([
    { ...started!, eventId: 'e0', recordedAt: '2005-01-13T00:00:00.000Z', position: 1, revision: 0 },
  ] as unknown as Envelope<AssignmentEvent>[]);
  const [claimed] = decide(
    { type: 'ClaimExpense', data: { ...CLAIM_BODY, expenseId: 'x' } } as AssignmentCommand,
    state,
  );
  return { started: started!, claimed: claimed! };
})();

const newEvent = (streamId: string, commandId: string, type: string, data: object): NewEvent => ({
  eventId: nameBasedUuid(streamId, commandId, '0'),
  type,
  data: data as Record<string, unknown>,
  metadata: {
    actor: 'bench',
    commandId,
    correlationId: commandId,
    causationId: commandId,
    requestHash: 'bench-seed',
    schemaVersion: currentSchemaVersion(type as AssignmentEvent['type']) ?? DEFAULT_SCHEMA_VERSION,
  },
});

/**
 * Stores assignments of `events` events each (a start, then expense claims) straight into the store, the
 * events exactly as the command handler would record them: a fast way to long histories.
 */
export const seedAssignments = async (
  store: EventStore,
  assignmentIds: readonly string[],
  events: number,
): Promise<number> => {
  let position = 0;
  const PER_APPEND = 500;
  let appends: Promise<{ position: number }>[] = [];
  let queued = 0;
  const settle = async (): Promise<void> => {
    for (const appended of await Promise.all(appends)) position = Math.max(position, appended.position);
    appends = [];
    queued = 0;
  };
  for (const assignmentId of assignmentIds) {
    const streamId = streamIdOf(assignmentId);
    const all: NewEvent[] = [
      newEvent(streamId, `${assignmentId}-start`, 'AssignmentStarted', {
        ...templates.started.data,
        assignmentId,
      }),
    ];
    for (let i = 1; i < events; i++) {
      all.push(
        newEvent(streamId, `${assignmentId}-seed-${i}`, 'ExpenseClaimed', {
          ...templates.claimed.data,
          expenseId: `${assignmentId}-seed-${i}`,
        }),
      );
    }
    // Appends issued in one turn share one commit, checked in order: a stream may take several.
    for (let from = 0; from < all.length; from += PER_APPEND) {
      appends.push(
        store.appendToStream(streamId, all.slice(from, from + PER_APPEND), {
          expectedRevision: from === 0 ? 'no_stream' : from - 1,
        }),
      );
    }
    queued += all.length;
    if (queued >= 20_000) await settle();
  }
  await settle();
  return position;
};
