import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventDataSchema, publishedEventSchemas } from '../../../src/schemas/event-schemas.js';

/** The schemas as they were published when they were still written by hand, before events.ts declared them. */
const handWritten = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'published-event-schemas.json'), 'utf8'),
) as Record<string, unknown>;

describe('event schemas declared once, in events.ts', () => {
  it('publish exactly what the hand-written schemas published, version by version', () => {
    const now = Object.fromEntries(
      publishedEventSchemas().map(({ type, version }) => [
        `${type}:v${version}`,
        eventDataSchema(type, version),
      ]),
    );
    expect(Object.keys(now)).toEqual(Object.keys(handWritten));
    for (const key of Object.keys(handWritten))
      expect({ [key]: now[key] }).toEqual({ [key]: handWritten[key] });
  });
});
