import type { StoredEvent } from '../event-store/event-store.port.js';

/** Brings a stored event to the current version of its type's schema (identity until a type evolves). */
export const upcastStored = (event: StoredEvent): StoredEvent => event;
