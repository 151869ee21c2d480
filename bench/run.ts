import { cpus, loadavg } from 'node:os';
import * as eventStore from './event-store.bench.js';
import * as httpBench from './http.bench.js';
import * as replay from './replay.bench.js';
import * as deadlines from './deadlines.bench.js';
import * as personalData from './personal-data.bench.js';
import * as consoleBench from './console.bench.js';
import { printReport, record, say } from './report.js';

/**
 * `npm run bench`: figures 1-7 of the benchmark set, each the median of several runs, then one table
 * and, last, one JSON line. The replay's 1,000,000-event log is reused for the HTTP figures at that size.
 */
const started = Date.now();
const load = loadavg().map((l) => l.toFixed(2));
say(`bench: ${new Date().toISOString()}, ${cpus().length} CPUs, load average ${load.join(' ')}`);
record('startedAt', new Date().toISOString());
record('loadAverageAtStart', loadavg());

await eventStore.run();
await replay.run((storePath, events) => httpBench.run(storePath, events));
// Issue 13's deadline and entitlement query figures print their own lines.
await deadlines.run();
// Issue 14's sealing overhead on appends and replay, beside the same runs in clear.
await personalData.run();
// Issue 15's console: first load and the list of 40,000 assignments (in Chromium where it exists).
await consoleBench.run();

record('loadAverageAtEnd', loadavg());
record('seconds', Math.round((Date.now() - started) / 1000));
say(
  `bench: done in ${Math.round((Date.now() - started) / 1000)} s, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
printReport();
