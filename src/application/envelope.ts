import type { StoredEvent } from '../event-store/event-store.port.js';
import type { AssignmentEvent, Envelope } from '../domain/assignment/events.js';
import { upcastStored } from './upcast.js';

/** A stored event as the decider sees it: the domain event plus the envelope facts it may use. */
export const toEnvelope = (stored: StoredEvent): Envelope => {
  const e = upcastStored(stored);
  return {
    type: e.type,
    data: e.data,
    eventId: e.eventId,
    recordedAt: e.metadata.recordedAt,
    position: e.position,
    revision: e.revision,
  } as unknown as Envelope<AssignmentEvent>;
};
