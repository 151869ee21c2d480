/**
 * Query answers that are served again and again (the entitlements handler keeps its answers until the
 * read models move on) are serialized once: the same answer object gets the same JSON text back, and
 * the text goes out as it is. Answers are keys of a WeakMap, so the text leaves memory with the answer.
 */
import { Header } from '@nestjs/common';

const serialized = new WeakMap<object, string>();

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The answer's JSON text; computed at the first call for this object. A string rather than a Buffer:
 * Node writes a string body together with the headers in one write, a Buffer as a second chunk.
 */
export const jsonTextOf = (answer: object): string => {
  let text = serialized.get(answer);
  if (text === undefined) {
    text = JSON.stringify(answer);
    serialized.set(answer, text);
  }
  return text;
};

/** For a route that returns jsonTextOf(...): the text is sent as it is, so say what it is. */
export const AnswersJson = (): MethodDecorator => Header('Content-Type', JSON_CONTENT_TYPE);
