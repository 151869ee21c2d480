import { afterAll, describe, expect, it } from '@jest/globals';
import { RecordAssignmentEventHandler } from '../../../src/application/commands/record-assignment-event.handler.js';
import { RecordAssignmentEvent } from '../../../src/application/commands/record-assignment-event.command.js';
import { requestHashOf } from '../../../src/application/ids.js';
import { letterStory } from '../../../src/demo/letter-story.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { storedSchemaVersion } from '../../../src/schemas/schema-versions.js';
import { validateEvent } from '../../../src/schemas/validate-event.js';
import { DataKeyStore } from '../../../src/personal-data/data-key-store.js';
import { PersonalData } from '../../../src/personal-data/personal-data.js';
import { isSealed } from '../../../src/personal-data/sealed-value.js';
import { PERSONAL_PATHS } from '../../../src/domain/assignment/events.js';
import { mapPersonalValues } from '../../../src/personal-data/personal-paths.js';
import { randomBytes } from 'node:crypto';

/** Every event the ledger stores for the letter's story matches the JSON Schema it is published under. */
describe('the published event schemas', () => {
  const store = new SqliteEventStore(':memory:');
  const personalData = new PersonalData(new DataKeyStore(':memory:', randomBytes(32)));
  afterAll(async () => {
    personalData.close();
    await store.close();
  });

  it('accept every event of the demo story as readers get it, and the store holds its personal values sealed', async () => {
    const handler = new RecordAssignmentEventHandler(store, personalData);
    for (const [index, step] of letterStory('schema-check').entries()) {
      await handler.execute(
        new RecordAssignmentEvent('schema-check', step.command, {
          actor: 'hr:test',
          commandId: `step-${index}`,
          requestHash: requestHashOf('test', step.command),
          correlationId: 'schema-check',
        }),
      );
    }
    const stored = await store.readStream('assignment-schema-check');
    expect(stored).toHaveLength(letterStory().length);
    for (const view of ['clear', 'redacted'] as const) {
      const failures = stored
        .map((e) => ({
          type: e.type,
          view,
          ...validateEvent(
            e.type,
            storedSchemaVersion(e.metadata),
            personalData.reveal(e.type, e.data, view),
          ),
        }))
        .filter((r) => !r.valid);
      expect(failures).toEqual([]);
    }
    const inClear: string[] = [];
    for (const e of stored) {
      mapPersonalValues(e.data, PERSONAL_PATHS[e.type as keyof typeof PERSONAL_PATHS], (value, path) => {
        if (!isSealed(value)) inClear.push(`${e.type} ${path}`);
        return value;
      });
    }
    expect(inClear).toEqual([]);
    expect(new Set(stored.map((e) => e.type)).size).toBeGreaterThanOrEqual(17);
  });
});
