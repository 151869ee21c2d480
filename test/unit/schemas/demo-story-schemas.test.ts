import { afterAll, describe, expect, it } from '@jest/globals';
import { RecordAssignmentEventHandler } from '../../../src/application/commands/record-assignment-event.handler.js';
import { RecordAssignmentEvent } from '../../../src/application/commands/record-assignment-event.command.js';
import { requestHashOf } from '../../../src/application/ids.js';
import { letterStory } from '../../../src/demo/letter-story.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { storedSchemaVersion } from '../../../src/schemas/schema-versions.js';
import { validateEvent } from '../../../src/schemas/validate-event.js';

/** Every event the ledger stores for the letter's story matches the JSON Schema it is published under. */
describe('the published event schemas', () => {
  const store = new SqliteEventStore(':memory:');
  afterAll(() => store.close());

  it('accept every stored event of the demo story, at the version stamped on it', async () => {
    const handler = new RecordAssignmentEventHandler(store);
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
    const failures = stored
      .map((e) => ({ type: e.type, ...validateEvent(e.type, storedSchemaVersion(e.metadata), e.data) }))
      .filter((r) => !r.valid);
    expect(failures).toEqual([]);
    expect(new Set(stored.map((e) => e.type)).size).toBeGreaterThanOrEqual(17);
  });
});
