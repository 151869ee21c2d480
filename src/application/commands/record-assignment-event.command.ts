import { Command } from '@nestjs/cqrs';
import type { AssignmentCommand } from '../../domain/assignment/index.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';

/** Who asked, under which idempotency key, against which revision: everything but the command itself. */
export interface CommandContext {
  actor: string;
  commandId: string;
  /** Fingerprint of the request body: the same key with another body is a conflict. */
  requestHash: string;
  correlationId: string;
  causationId?: string;
  source?: string;
  /** From If-Match: the stream revision the client last saw. */
  expectedRevision?: number;
}

export interface WriteResult {
  assignmentId: string;
  revision: number;
  position: number;
  events: { eventId: string; type: string }[];
  /** True when this answer repeats the first one for the same idempotency key. */
  replayed: boolean;
}

/**
 * A check of the write against the stream the handler read for it, before anything is decided: what it
 * throws answers the request. It spares a caller that needs the history a read of its own.
 */
export type HistoryCheck = (history: readonly StoredEvent[]) => void | Promise<void>;

/**
 * One Nest command carries every assignment command: the per-command logic lives in the pure decider
 * (`decide` switches on the command type), so a handler per command would only repeat the cycle.
 */
export class RecordAssignmentEvent extends Command<WriteResult> {
  constructor(
    readonly assignmentId: string,
    readonly command: AssignmentCommand,
    readonly context: CommandContext,
    readonly check?: HistoryCheck,
  ) {
    super();
  }
}
