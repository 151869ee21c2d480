import { assignmentIdOf } from '../domain/assignment/events.js';
import type { EventMetadata, StoredEvent } from '../event-store/event-store.port.js';
import { storedSchemaVersion } from '../schemas/schema-versions.js';
import { upcast } from '../schemas/upcasters.js';
import type { PersonalData, PersonalView } from '../personal-data/personal-data.js';

/** One event as every consumer receives it (GET /events, the SSE `data:`, a webhook's body). */
export interface FeedEvent {
  position: number;
  streamId: string;
  assignmentId: string;
  revision: number;
  eventId: string;
  type: string;
  /** Version of `data` as delivered: always the type's current one (older events are upcast). */
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Omit<EventMetadata, 'requestHash'>;
}

/** Internal bookkeeping that stays inside the ledger. */
const PRIVATE_METADATA = new Set(['requestHash']);

/** Who reads: personal values are opened for a `clear` view, `[redacted]` otherwise, `[erased]` for all. */
export interface FeedReader {
  personalData: PersonalData;
  view: PersonalView;
}

export const toFeedEvent = (event: StoredEvent, reader: FeedReader): FeedEvent => {
  const upcasted = upcast(event.type, storedSchemaVersion(event.metadata), event.data);
  const version = upcasted.version;
  const data = reader.personalData.reveal(
    event.type,
    upcasted.data,
    reader.view,
    reader.personalData.erasedSubjectOf(event.streamId),
  );
  const metadata = Object.fromEntries(
    Object.entries(event.metadata).filter(([key]) => !PRIVATE_METADATA.has(key)),
  ) as FeedEvent['metadata'];
  return {
    position: event.position,
    streamId: event.streamId,
    assignmentId: assignmentIdOf(event.streamId),
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: version,
    data,
    metadata: { ...metadata, schemaVersion: version },
  };
};
