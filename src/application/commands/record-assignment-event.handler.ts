import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ConcurrencyError,
  DuplicateEventError,
  EVENT_STORE,
  type EventStore,
  type StoredEvent,
} from '../../event-store/event-store.port.js';
import { decide, foldEvents, streamIdOf } from '../../domain/assignment/index.js';
import { SubjectErasedError } from '../../personal-data/data-key-store.js';
import { PERSONAL_DATA, type PersonalData } from '../../personal-data/personal-data.js';
import { toEnvelope } from '../envelope.js';
import { dataSubjectErased, idempotencyKeyReused, staleRevision } from '../application-errors.js';
import { upcastStored } from '../upcast.js';
import { nameBasedUuid } from '../ids.js';
import { currentSchemaVersion, DEFAULT_SCHEMA_VERSION } from '../../schemas/schema-versions.js';
import { RecordAssignmentEvent, type WriteResult } from './record-assignment-event.command.js';

/** How often a write without If-Match re-reads and re-decides after losing a race to another writer. */
const MAX_ATTEMPTS = 5;

/**
 * The whole command cycle: read the stream, fold (personal values opened), decide, seal the new events'
 * personal values under the employee's data key, append with the revision that was read.
 */
@CommandHandler(RecordAssignmentEvent)
export class RecordAssignmentEventHandler implements ICommandHandler<RecordAssignmentEvent> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async execute({ assignmentId, command, context, check }: RecordAssignmentEvent): Promise<WriteResult> {
    const streamId = streamIdOf(assignmentId);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.readStream(streamId);
      await check?.(stored);
      const earlier = stored.filter((e) => e.metadata.commandId === context.commandId);
      if (earlier.length > 0) {
        if (earlier[0]!.metadata.requestHash !== context.requestHash)
          throw idempotencyKeyReused(context.commandId);
        return resultOf(assignmentId, earlier, true);
      }
      const revision = stored.length > 0 ? stored[stored.length - 1]!.revision : -1;
      if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
        throw staleRevision(context.expectedRevision, revision < 0 ? 'no_stream' : revision);
      }
      const state = foldEvents(stored.map((e) => this.opened(e)));
      const known = state.assignment?.employee.id;
      if (known !== undefined) this.refuseErased(known);
      const decided = decide(command, state);
      const subject = known ?? decided.find((e) => e.type === 'AssignmentStarted')?.data.employee.id;
      const now = new Date();
      const sealed = (type: string, data: Record<string, unknown>) => {
        if (subject === undefined) return data;
        this.refuseErased(subject);
        try {
          return this.personalData.seal(type, data, subject, now);
        } catch (error) {
          throw error instanceof SubjectErasedError ? dataSubjectErased(subject) : error;
        }
      };
      const events = decided.map((event, index) => ({
        eventId: nameBasedUuid(streamId, context.commandId, String(index)),
        type: event.type,
        data: sealed(event.type, event.data as unknown as Record<string, unknown>),
        metadata: {
          actor: context.actor,
          commandId: context.commandId,
          correlationId: context.correlationId,
          causationId: context.causationId ?? context.commandId,
          requestHash: context.requestHash,
          schemaVersion: currentSchemaVersion(event.type) ?? DEFAULT_SCHEMA_VERSION,
          ...(context.source ? { source: context.source } : {}),
        },
      }));
      try {
        const appended = await this.store.appendToStream(streamId, events, {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        return resultOf(assignmentId, appended.events, appended.duplicate);
      } catch (error) {
        // Sealing draws a fresh IV, so a racing retry of this command stored other bytes under its
        // event ids: read again, and the idempotency check above answers it.
        if (error instanceof DuplicateEventError && attempt < MAX_ATTEMPTS) continue;
        if (!(error instanceof ConcurrencyError)) throw error;
        if (context.expectedRevision !== undefined)
          throw staleRevision(context.expectedRevision, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** A stored event as the decider sees it: current version, personal values opened. */
  private opened(stored: StoredEvent) {
    const event = upcastStored(stored);
    return toEnvelope({ ...event, data: this.personalData.reveal(event.type, event.data, 'clear') });
  }

  private refuseErased(subjectId: string): void {
    if (this.personalData.isErased(subjectId)) throw dataSubjectErased(subjectId);
  }
}

const resultOf = (assignmentId: string, events: StoredEvent[], replayed: boolean): WriteResult => {
  const last = events[events.length - 1]!;
  return {
    assignmentId,
    revision: last.revision,
    position: last.position,
    events: events.map((e) => ({ eventId: e.eventId, type: e.type })),
    replayed,
  };
};
