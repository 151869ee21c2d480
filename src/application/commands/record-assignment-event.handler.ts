import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ConcurrencyError,
  DuplicateEventError,
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../event-store/event-store.port.js';
import {
  decide,
  foldEvents,
  foldEventsInto,
  streamIdOf,
  type AssignmentCommand,
  type Envelope,
} from '../../domain/assignment/index.js';
import { SubjectErasedError } from '../../personal-data/data-key-store.js';
import { PERSONAL_DATA, type PersonalData } from '../../personal-data/personal-data.js';
import { toEnvelope } from '../envelope.js';
import { dataSubjectErased, idempotencyKeyReused, staleRevision } from '../application-errors.js';
import { nameBasedUuid } from '../ids.js';
import { currentSchemaVersion, DEFAULT_SCHEMA_VERSION } from '../../schemas/schema-versions.js';
import {
  RecordAssignmentEvent,
  type CommandContext,
  type WriteResult,
} from './record-assignment-event.command.js';
import { FoldedStreamCache, KeyedQueue, type FoldedStream } from './folded-streams.js';

/** How often a write without If-Match re-reads and re-decides after losing a race to another writer. */
const MAX_ATTEMPTS = 5;

export const FOLDED_STREAM_CACHE = Symbol('FOLDED_STREAM_CACHE');

/**
 * `from` (which the caller alone holds) with `events` (the stream after it, as the decider sees them)
 * folded in, in place; or a new stream's state.
 */
const extend = (
  from: FoldedStream | undefined,
  events: readonly StoredEvent[],
  opened: (stored: StoredEvent) => Envelope,
): FoldedStream => {
  const commandIds = from?.commandIds ?? new Set<string>();
  for (const event of events) commandIds.add(event.metadata.commandId);
  const envelopes = events.map(opened);
  return {
    revision: events.length > 0 ? events[events.length - 1]!.revision : (from?.revision ?? -1),
    state: from ? foldEventsInto(from.state, envelopes) : foldEvents(envelopes),
    commandIds,
  };
};

/**
 * The command cycle: fold the stream, decide, append with the revision folded. The folded state is
 * cached per stream and brought up to the store's revision before each use (a read of only what was
 * appended since, usually nothing), so a write costs the same on a long history as on a short one and
 * a write by another process is never missed. Writes to one stream in this process queue, so they do
 * not race each other and re-decide; writes to different streams share the store's group commit.
 * The fold sees personal values opened; the new events' are sealed under the employee's data key.
 */
@CommandHandler(RecordAssignmentEvent)
export class RecordAssignmentEventHandler implements ICommandHandler<RecordAssignmentEvent> {
  private readonly queue = new KeyedQueue();
  private readonly cache: FoldedStreamCache;
  private erasureEpoch = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    @Optional() @Inject(FOLDED_STREAM_CACHE) cache?: FoldedStreamCache,
  ) {
    this.cache = cache ?? new FoldedStreamCache();
  }

  execute(command: RecordAssignmentEvent): Promise<WriteResult> {
    return this.queue.run(streamIdOf(command.assignmentId), () => this.record(command));
  }

  /**
   * The stream folded up to the store's current revision, taken out of the cache: the caller alone
   * holds it until it gives it back (`keep`).
   */
  private async folded(streamId: string): Promise<FoldedStream> {
    // Folded states hold personal values in clear: an erasure drops them all.
    const epoch = this.personalData.erasureEpoch();
    if (epoch !== this.erasureEpoch) {
      this.cache.clear();
      this.erasureEpoch = epoch;
    }
    const cached = this.cache.take(streamId);
    const newer = await this.store.readStream(streamId, { fromRevision: cached ? cached.revision + 1 : 0 });
    return cached && newer.length === 0 ? cached : extend(cached, newer, this.opened);
  }

  /** Puts a folded stream (back) in the cache, unless an erasure dropped the cache since it was folded. */
  private keep(streamId: string, folded: FoldedStream): void {
    if (this.personalData.erasureEpoch() === this.erasureEpoch) this.cache.set(streamId, folded);
  }

  private async record({
    assignmentId,
    command,
    context,
    check,
  }: RecordAssignmentEvent): Promise<WriteResult> {
    const streamId = streamIdOf(assignmentId);
    for (let attempt = 1; ; attempt++) {
      if (check) await check(await this.store.readStream(streamId));
      const folded = await this.folded(streamId);
      let events: NewEvent[];
      try {
        if (folded.commandIds.has(context.commandId)) {
          this.keep(streamId, folded);
          return await this.replayed(assignmentId, streamId, context);
        }
        events = this.decided(streamId, folded, command, context);
      } catch (error) {
        // Refused before anything was folded in: the state goes back as it was.
        this.keep(streamId, folded);
        throw error;
      }
      const { revision } = folded;
      try {
        const appended = await this.store.appendToStream(streamId, events, {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        // A duplicate stored other bytes than these (a racing retry): the next write folds anew.
        if (!appended.duplicate) this.keep(streamId, extend(folded, appended.events, this.opened));
        return resultOf(assignmentId, appended.events, appended.duplicate);
      } catch (error) {
        // Sealing draws a fresh IV, so a racing retry of this command stored other bytes under its
        // event ids: read again, and the idempotency check above answers it.
        if (error instanceof DuplicateEventError && attempt < MAX_ATTEMPTS) continue;
        if (!(error instanceof ConcurrencyError)) throw error;
        // Lost to another process, or the stream is not what the cache said: the entry is not put back.
        if (context.expectedRevision !== undefined)
          throw staleRevision(context.expectedRevision, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The answer to a command already recorded (same key): its events, if the request was the same. */
  private async replayed(
    assignmentId: string,
    streamId: string,
    context: CommandContext,
  ): Promise<WriteResult> {
    const earlier = (await this.store.readStream(streamId)).filter(
      (e) => e.metadata.commandId === context.commandId,
    );
    if (earlier[0]!.metadata.requestHash !== context.requestHash)
      throw idempotencyKeyReused(context.commandId);
    return resultOf(assignmentId, earlier, true);
  }

  /** The events the command records on this state, with their ids and metadata, sealed. */
  private decided(
    streamId: string,
    folded: FoldedStream,
    command: AssignmentCommand,
    context: CommandContext,
  ): NewEvent[] {
    const { revision } = folded;
    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      throw staleRevision(context.expectedRevision, revision < 0 ? 'no_stream' : revision);
    }
    const known = folded.state.assignment?.employee.id;
    if (known !== undefined) this.refuseErased(known);
    const decided = decide(command, folded.state);
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
    return decided.map((event, index) => ({
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
  }

  /** A stored event as the decider sees it: current version, personal values opened. */
  private readonly opened = (stored: StoredEvent): Envelope => {
    const envelope = toEnvelope(stored);
    return {
      ...envelope,
      data: this.personalData.reveal(envelope.type, envelope.data, 'clear'),
    } as Envelope;
  };

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
