import { ASSIGNMENT_EVENT_TYPES } from '../domain/assignment/events.js';
import { RequestValidationError } from '../http/problem/validation-error.js';

type Query = Record<string, unknown>;

const single = (query: Query, name: string): string | undefined => {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, `${name} must be given once`);
  return value.trim();
};

const invalid = (field: string, message: string): RequestValidationError =>
  new RequestValidationError([{ field, messages: [message] }]);

/** A global position: a non-negative integer ("0" = before the first event). */
export const parsePosition = (raw: string | undefined, field: string): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw))
    throw invalid(field, `${field} must be a global position, a whole number >= 0`);
  return Number(raw);
};

/** `types=A,B` (or repeated `types=`): known event type names; absent or empty means every type. */
export const parseTypes = (query: Query): string[] | undefined => {
  const value = query.types;
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = list.filter((t) => !(ASSIGNMENT_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw invalid(
      'types',
      `unknown event types ${unknown.join(', ')}; known: ${ASSIGNMENT_EVENT_TYPES.join(', ')}`,
    );
  }
  return list.length > 0 ? [...new Set(list)] : undefined;
};

export interface PageQuery {
  after: number;
  limit: number;
  types?: string[];
}

export const parsePageQuery = (query: Query, maxPageSize: number): PageQuery => {
  const after = parsePosition(single(query, 'after'), 'after') ?? 0;
  const rawLimit = single(query, 'limit');
  let limit = 100;
  if (rawLimit !== undefined && rawLimit !== '') {
    if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > maxPageSize) {
      throw invalid('limit', `limit must be a whole number from 1 to ${maxPageSize}`);
    }
    limit = Number(rawLimit);
  }
  return { after, limit, types: parseTypes(query) };
};

/**
 * Where a stream starts: after `Last-Event-ID` when the client reconnects (it wins over the URL, which
 * still holds the first `after`), else after `?after=`, else from the first event.
 */
export const parseStreamStart = (query: Query, lastEventId: string | string[] | undefined): number => {
  if (Array.isArray(lastEventId)) throw invalid('Last-Event-ID', 'Last-Event-ID must be given once');
  const resumed = parsePosition(lastEventId?.trim(), 'Last-Event-ID');
  return resumed ?? parsePosition(single(query, 'after'), 'after') ?? 0;
};
