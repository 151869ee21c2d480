import type { StoredEvent } from '../event-store/event-store.port.js';
import { storedSchemaVersion } from '../schemas/schema-versions.js';
import { upcast } from '../schemas/upcasters.js';

/** Brings a stored event to the current version of its type's schema, as every reader sees it. */
export const upcastStored = (event: StoredEvent): StoredEvent => {
  const stored = storedSchemaVersion(event.metadata);
  const { version, data } = upcast(event.type, stored, event.data);
  return version === stored && data === event.data
    ? event
    : { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
};
