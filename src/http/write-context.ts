import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from './problem/validation-error.js';
import { newId, requestHashOf } from '../application/ids.js';
import type { CommandContext } from '../application/commands/record-assignment-event.command.js';
import type { Caller } from './auth/api-key.guard.js';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

/** `If-Match: 3` or `If-Match: "3"`: the stream revision the client last saw. */
export const parseIfMatch = (request: FastifyRequest): number | undefined => {
  const raw = header(request, 'if-match');
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(-1|\d{1,15})"?$/.exec(raw);
  if (!m) {
    throw new RequestValidationError([
      { field: 'If-Match', messages: ['If-Match must be the stream revision last seen, e.g. 3 or "3"'] },
    ]);
  }
  return Number(m[1]);
};

/**
 * The idempotency key (header or body `commandId`), the request's fingerprint and the caller:
 * everything a write carries besides its command.
 */
export const writeContext = (
  request: FastifyRequest,
  caller: Caller,
  body: { commandId?: string; source?: string },
): CommandContext => {
  const fromHeader = header(request, 'idempotency-key');
  if (fromHeader && body.commandId && fromHeader !== body.commandId) {
    throw new RequestValidationError([
      {
        field: 'commandId',
        messages: ['commandId differs from the Idempotency-Key header; send one or the same'],
      },
    ]);
  }
  if (fromHeader && fromHeader.length > 200) {
    throw new RequestValidationError([{ field: 'Idempotency-Key', messages: ['at most 200 characters'] }]);
  }
  const commandId = fromHeader ?? body.commandId ?? newId();
  const { commandId: _ignored, ...rest } = body as Record<string, unknown>;
  // The path as sent, without the query: the same text Express gave as baseUrl + path.
  const route = `${request.method} ${request.url.split('?', 1)[0]}`;
  return {
    actor: caller.actor,
    commandId,
    requestHash: requestHashOf(route, rest),
    correlationId: header(request, 'x-correlation-id') ?? commandId,
    causationId: header(request, 'x-causation-id'),
    source: body.source,
    expectedRevision: parseIfMatch(request),
  };
};
