/**
 * The one request body format the ledger reads: a JSON object or array, UTF-8, at most 256 KiB. Every
 * other content type is refused (415) before any handler runs, so a form post or a text body can never
 * be half-understood; a body that is not valid JSON is a 400 naming the problem.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertJsonDepth, assertJsonSizes, INPUT_LIMITS } from './input-limits.js';

export const BODY_LIMIT_BYTES = INPUT_LIMITS.bodyBytes;

/** A body the parser refuses; the problem filter turns it into application/problem+json. */
export class BodyParseError extends Error {
  constructor(
    readonly status: 400 | 415,
    readonly code: 'REQUEST.MALFORMED_JSON' | 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    message: string,
  ) {
    super(message);
    this.name = 'BodyParseError';
  }
}

const charsetOf = (contentType: string | undefined): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();

/** Parses a JSON body as express' strict json parser did: objects and arrays only; empty is no body. */
export const parseJsonBody = (request: Pick<FastifyRequest, 'headers'>, raw: Buffer): unknown => {
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new BodyParseError(
      415,
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      `the body must be UTF-8 JSON; charset ${charset} is not accepted`,
    );
  }
  const text = raw.toString('utf8').trim();
  if (text === '') return undefined;
  if (text[0] !== '{' && text[0] !== '[') {
    throw new BodyParseError(
      400,
      'REQUEST.MALFORMED_JSON',
      'the body is not valid JSON: it must be an object or an array',
    );
  }
  assertJsonDepth(text);
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BodyParseError(
      400,
      'REQUEST.MALFORMED_JSON',
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
  assertJsonSizes(body);
  return body;
};

/** Replaces Fastify's content-type parsers with the JSON one above: anything else is a 415. */
export const acceptJsonBodiesOnly = (fastify: FastifyInstance): void => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    (request, raw, done) => {
      try {
        done(null, parseJsonBody(request, raw as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
};
