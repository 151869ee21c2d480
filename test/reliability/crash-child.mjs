// Appends from many concurrent writers and prints one line per acknowledged event:
// "ack <streamId> <revision> <position> <eventId>". Killed with SIGKILL by crash.test.ts.
// argv: <compiled sqlite-event-store.js> <ledger file> <writers>
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [modulePath, file, writersArg] = process.argv.slice(2);
const { SqliteEventStore } = await import(pathToFileURL(modulePath).href);
const store = new SqliteEventStore(file);
const writers = Number(writersArg);

const writer = async (w) => {
  const streamId = `crash-w${w}`;
  // After an earlier crash, carry on from what the file holds.
  const existing = await store.readStream(streamId);
  let revision = existing.length - 1;
  for (let i = 0; ; i += 1) {
    const events = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      eventId: randomUUID(),
      type: 'CrashTested',
      data: { w, i, k, padding: 'x'.repeat(200) },
      metadata: { actor: 'crash-child', commandId: randomUUID(), correlationId: randomUUID() },
    }));
    const result = await store.appendToStream(streamId, events, {
      expectedRevision: revision < 0 ? 'no_stream' : revision,
    });
    revision = result.revision;
    // Pipes are written synchronously on Linux: once write() returns, the line survives our death.
    process.stdout.write(
      result.events.map((e) => `ack ${e.streamId} ${e.revision} ${e.position} ${e.eventId}\n`).join(''),
    );
  }
};

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
