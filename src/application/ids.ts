import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../event-store/integrity.js';

/** The same command always yields the same event ids (see the command handler). */
export { nameBasedUuid } from '../event-store/name-based-uuid.js';

export const newId = (): string => randomUUID();

/** Fingerprint of a request, to tell an idempotent retry (same body) from a reused key (another body). */
export const requestHashOf = (route: string, body: unknown): string =>
  createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('hex');
