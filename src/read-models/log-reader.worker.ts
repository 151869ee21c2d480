/** The read-ahead thread of log-reader.ts: pages of `readAll` on its own connection, a few ahead at most. */
import { parentPort, workerData } from 'node:worker_threads';
import { createEventStore } from '../event-store/create-event-store.js';
import type { LogReaderJob, LogReaderMessage } from './log-reader.js';

const job = workerData as LogReaderJob;
const port = parentPort!;
let credits = job.window;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  wake?.();
});
const send = (message: LogReaderMessage): void => port.postMessage(message);

const store = await createEventStore(job.url);
try {
  let position = job.after;
  while (position < job.stopAt) {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    const limit = Math.min(job.pageSize, job.stopAt - position);
    let count: number;
    if (job.replay && store.rebuild) {
      const replay = store.rebuild.readReplayPage(position, limit);
      credits -= 1;
      send({ replay });
      count = replay.count;
      position = replay.last;
    } else {
      const page = await store.readAll({ after: position, limit });
      credits -= 1;
      send({ page });
      count = page.length;
      if (page.length > 0) position = page[page.length - 1]!.position;
    }
    if (count < limit) break;
  }
  send({ done: true });
} catch (error) {
  send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  await store.close();
  port.close();
}
