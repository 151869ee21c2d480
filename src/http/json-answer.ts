/**
 * Query answers that are served again and again (the entitlements handler keeps its answers until the
 * read models move on) are serialized once: the same answer object gets the same bytes back, and the
 * bytes go out as they are. Answers are keys of a WeakMap, so the bytes leave memory with the answer.
 */
import { Header } from '@nestjs/common';

const serialized = new WeakMap<object, Buffer>();

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The answer's JSON bytes; computed at the first call for this object. */
export const jsonBytesOf = (answer: object): Buffer => {
  let bytes = serialized.get(answer);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(answer), 'utf8');
    serialized.set(answer, bytes);
  }
  return bytes;
};

/** For a route that returns jsonBytesOf(...): bytes are sent as they are, so say what they are. */
export const AnswersJson = (): MethodDecorator => Header('Content-Type', JSON_CONTENT_TYPE);
