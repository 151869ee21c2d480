/**
 * Size limits on everything a request carries, checked before validation (which recurses) ever sees
 * it: a body of 5,000 nested arrays, a million-element array or a megabyte string is refused with a
 * problem naming the limit, at a cost linear in the bytes received.
 */
import type { Socket } from 'node:net';
import { problem, PROBLEM_CONTENT_TYPE } from './problem/problem.js';

export const INPUT_LIMITS = {
  /** Request body in bytes (413). */
  bodyBytes: 256 * 1024,
  /** Objects and arrays nested in a body. */
  jsonDepth: 32,
  /** Characters of one string (a value or a member name) in a body. */
  stringLength: 10_000,
  /** Elements of one array in a body. */
  arrayLength: 1_000,
  /** Members of one object in a body. */
  objectMembers: 200,
  /** Characters of the path, without the query. */
  pathLength: 2_048,
  /** Characters of the query string. */
  queryLength: 4_096,
} as const;

export type InputLimit = keyof typeof INPUT_LIMITS;

/** A request beyond one of INPUT_LIMITS; the problem filter answers it 400 (413 for the body size). */
export class InputLimitError extends Error {
  readonly status: 400 | 413;
  constructor(
    readonly limit: InputLimit,
    detail: string,
  ) {
    super(detail);
    this.name = 'InputLimitError';
    this.status = limit === 'bodyBytes' ? 413 : 400;
  }

  get max(): number {
    return INPUT_LIMITS[this.limit];
  }
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throws when JSON text nests deeper than the limit; scans the text without parsing it. */
export const assertJsonDepth = (text: string): void => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > INPUT_LIMITS.jsonDepth) {
        throw new InputLimitError(
          'jsonDepth',
          `the body nests objects and arrays deeper than ${INPUT_LIMITS.jsonDepth} levels`,
        );
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
};

/** Throws at the first string, array or object of a parsed body beyond its limit, naming where it is. */
export const assertJsonSizes = (root: unknown): void => {
  const pending: [unknown, string][] = [[root, 'body']];
  while (pending.length > 0) {
    const [value, at] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.length > INPUT_LIMITS.stringLength) {
        throw new InputLimitError(
          'stringLength',
          `${at} is longer than ${INPUT_LIMITS.stringLength} characters`,
        );
      }
    } else if (Array.isArray(value)) {
      if (value.length > INPUT_LIMITS.arrayLength) {
        throw new InputLimitError('arrayLength', `${at} has more than ${INPUT_LIMITS.arrayLength} elements`);
      }
      value.forEach((item, i) => pending.push([item, `${at}[${i}]`]));
    } else if (typeof value === 'object' && value !== null) {
      const names = Object.keys(value);
      if (names.length > INPUT_LIMITS.objectMembers) {
        throw new InputLimitError(
          'objectMembers',
          `${at} has more than ${INPUT_LIMITS.objectMembers} members`,
        );
      }
      for (const name of names) {
        if (name.length > INPUT_LIMITS.stringLength) {
          throw new InputLimitError(
            'stringLength',
            `a member name in ${at} is longer than ${INPUT_LIMITS.stringLength} characters`,
          );
        }
        pending.push([(value as Record<string, unknown>)[name], `${at}.${name.slice(0, 40)}`]);
      }
    }
  }
};

/** The limit an over-long path or query string breaks, checked before its parameters reach validation. */
export const urlLimitError = (url: string): InputLimitError | undefined => {
  const mark = url.indexOf('?');
  const pathLength = mark < 0 ? url.length : mark;
  if (pathLength > INPUT_LIMITS.pathLength) {
    return new InputLimitError('pathLength', `the path is longer than ${INPUT_LIMITS.pathLength} characters`);
  }
  if (mark >= 0 && url.length - mark - 1 > INPUT_LIMITS.queryLength) {
    return new InputLimitError(
      'queryLength',
      `the query string is longer than ${INPUT_LIMITS.queryLength} characters`,
    );
  }
  return undefined;
};

/**
 * Requests Node's parser refuses before Fastify sees them (headers over 16 KiB, a malformed request
 * line, a slow client): answered as problem+json with nosniff like every other answer, then closed.
 */
export const answerClientError = (error: { code?: string }, socket: Socket): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'REQUEST.HEADERS_TOO_LARGE', 'the request headers are larger than 16 KiB')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'REQUEST.TIMEOUT', 'the request did not arrive in time')
        : problem(400, 'REQUEST.MALFORMED', 'the request is not well-formed HTTP/1.1');
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
};
