import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventDataSchema, publishedEventSchemas } from '../../../src/schemas/event-schemas.js';

/** The schemas as they were published when they were still written by hand, before events.ts declared them. */
const handWritten = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'published-event-schemas.json'), 'utf8'),
) as Record<string, Schema>;

type Schema = { [key: string]: unknown };
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `now` less what was added since `before`, where an addition keeps every value `before` accepted valid:
 * an optional property (a policy term declared later) or an enum value (a new correctable type).
 * Anything else added, removed or changed is left in, for toEqual to show.
 */
const withoutAdditions = (now: unknown, before: unknown): unknown => {
  if (!isSchema(now) || !isSchema(before)) return now;
  const out: Schema = {};
  for (const [key, value] of Object.entries(now)) {
    const was = before[key];
    if (key === 'enum' && Array.isArray(value) && Array.isArray(was) && was.every((v) => value.includes(v)))
      out[key] = was;
    else if (key === 'properties' && isSchema(value) && isSchema(was)) {
      const required = (now.required as string[] | undefined) ?? [];
      out[key] = Object.fromEntries(
        Object.entries(value)
          .filter(([name]) => name in was || required.includes(name))
          .map(([name, property]) => [name, withoutAdditions(property, was[name])]),
      );
    } else out[key] = Array.isArray(value) ? value : withoutAdditions(value, was);
  }
  return out;
};

/** A published schema without its personal-data marks: each marked value back to its own schema. */
const unmarked = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(unmarked);
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  if (n['x-personal'] === true) return unmarked((n.anyOf as unknown[])[0]);
  return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, unmarked(v)]));
};

describe('event schemas declared once, in events.ts', () => {
  // The personal-data marks (x-personal, anyOf with "[redacted]" and "[erased]") are left out here.
  const now = Object.fromEntries(
    publishedEventSchemas().map(({ type, version }) => [
      `${type}:v${version}`,
      unmarked(eventDataSchema(type, version)),
    ]),
  );

  it('publish what the hand-written schemas published, version by version, plus additions only', () => {
    expect(Object.keys(now)).toEqual(expect.arrayContaining(Object.keys(handWritten)));
    for (const key of Object.keys(handWritten))
      expect({ [key]: withoutAdditions(now[key], handWritten[key]) }).toEqual({ [key]: handWritten[key] });
  });

  it('added since: the relocation bonus (a new type, an optional policy term, a correctable type) the exceptions and the erasure', () => {
    expect(Object.keys(now).filter((key) => !(key in handWritten))).toEqual([
      'RelocationBonusPaid:v1',
      'ExceptionRequested:v1',
      'ExceptionApproved:v1',
      'ExceptionDeclined:v1',
      'DataSubjectErased:v1',
    ]);
    const policy = (now['AssignmentStarted:v1'] as Schema).properties as Schema;
    expect((policy.policy as Schema).required).not.toContain('relocationBonus');
    expect(((policy.policy as Schema).properties as Schema).relocationBonus).toBeDefined();
  });
});
