import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { erasureEventOf } from '../domain/assignment/decisions/erasure.js';
import { assignmentIdOf } from '../domain/assignment/events.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import type { ErasureRecord } from '../personal-data/data-key-store.js';
import { PERSONAL_DATA, type PersonalData } from '../personal-data/personal-data.js';
import { ApplicationError } from './application-errors.js';
import { nameBasedUuid } from './ids.js';
import { READ_MODELS, type ReadModels } from './queries/read-model.port.js';
import { currentSchemaVersion, DEFAULT_SCHEMA_VERSION } from '../schemas/schema-versions.js';

/** What `POST /data-subjects/{employeeId}/erasure` answers (the contract's "Extensions"). */
export interface ErasureAnswer {
  employeeId: string;
  erasedAt: string;
  /** The subject's assignments, each of which now ends with its erasure event. */
  assignments: string[];
  /** The erasure events, one per assignment. */
  events: { assignmentId: string; eventId: string; position: number }[];
}

export interface ErasureRequest {
  reason: string;
  reference?: string;
  actor: string;
}

const subjectNotFound = (employeeId: string) =>
  new ApplicationError(
    404,
    'DATA_SUBJECT.NOT_FOUND',
    `no assignment of employee ${employeeId} is recorded: there is no personal data to erase`,
    { employeeId },
  );

/**
 * Erasure by crypto-shredding: the subject's data key is destroyed and the erasure recorded as pending
 * (one transaction in the key store), then the erasure event is appended to each of the subject's
 * streams (name-based ids: a retry appends nothing twice), then the erasure is marked done with its
 * answer. A crash in between is completed on the next start, before the server answers anything.
 */
@Injectable()
export class ErasureService implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const pending of this.personalData.keys.pendingErasures()) await this.complete(pending);
  }

  /** `created` false: the subject had been erased before, and this is the first answer again. */
  async erase(
    employeeId: string,
    request: ErasureRequest,
  ): Promise<{ created: boolean; answer: ErasureAnswer }> {
    const earlier = this.personalData.erasureOf(employeeId);
    if (earlier?.state === 'done') return { created: false, answer: earlier.answer as ErasureAnswer };
    if (!earlier && (await this.streamsOf(employeeId)).length === 0) throw subjectNotFound(employeeId);
    const record = this.personalData.beginErasure({
      subjectId: employeeId,
      erasedAt: new Date().toISOString(),
      reason: request.reason,
      ...(request.reference === undefined ? {} : { reference: request.reference }),
      actor: request.actor,
    });
    const answer = await this.complete(record);
    const last = Math.max(0, ...answer.events.map((e) => e.position));
    // Reads answer "[erased]" once the read models have rebuilt the subject's documents.
    await this.readModels.waitFor(last, this.config.minPositionWaitMs);
    return { created: !earlier, answer };
  }

  /** Appends what is missing of a begun erasure and records its answer. */
  private async complete(record: ErasureRecord): Promise<ErasureAnswer> {
    const streams = await this.streamsOf(record.subjectId);
    const events: ErasureAnswer['events'] = [];
    const commandId = `erasure-${record.subjectId}`;
    const erasure = erasureEventOf({
      employeeId: record.subjectId,
      reason: record.reason,
      reference: record.reference,
    });
    for (const streamId of streams) {
      const appended = await this.store.appendToStream(
        streamId,
        [
          {
            eventId: nameBasedUuid(streamId, commandId, '0'),
            type: erasure.type,
            data: erasure.data,
            metadata: {
              actor: record.actor,
              commandId,
              correlationId: commandId,
              causationId: commandId,
              requestHash: createHash('sha256').update(commandId).digest('hex'),
              schemaVersion: currentSchemaVersion(erasure.type) ?? DEFAULT_SCHEMA_VERSION,
            },
          },
        ],
        { expectedRevision: 'any' },
      );
      const event = appended.events[0]!;
      events.push({
        assignmentId: assignmentIdOf(streamId),
        eventId: event.eventId,
        position: event.position,
      });
    }
    const answer: ErasureAnswer = {
      employeeId: record.subjectId,
      erasedAt: record.erasedAt,
      assignments: streams.map(assignmentIdOf),
      events,
    };
    this.personalData.keys.completeErasure(record.subjectId, answer);
    return answer;
  }

  /** The streams whose assignment was started for this employee, from the log itself (never stale). */
  private async streamsOf(employeeId: string): Promise<string[]> {
    const streams: string[] = [];
    for (let after = 0; ;) {
      const page: StoredEvent[] = await this.store.readAll({
        after,
        limit: 5000,
        types: ['AssignmentStarted'],
      });
      for (const event of page) {
        const employee = (event.data as { employee?: { id?: unknown } }).employee;
        if (employee?.id === employeeId && !streams.includes(event.streamId)) streams.push(event.streamId);
      }
      if (page.length < 5000) return streams;
      after = page[page.length - 1]!.position;
    }
  }
}
