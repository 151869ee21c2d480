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

// `npm run bench -- deadlines http` runs only the parts named (for a quick look; the table is partial).
const PARTS = ['event-store', 'replay', 'http', 'deadlines', 'personal-data', 'console'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !(PARTS as readonly string[]).includes(part));
if (unknown.length > 0)
  throw new Error(`unknown bench part ${unknown.join(', ')}: choose from ${PARTS.join(', ')}`);
const runs = (part: (typeof PARTS)[number]) => asked.length === 0 || asked.includes(part);

if (runs('event-store')) await eventStore.run();
// The HTTP figures at 1,000,000 events reuse the replay's log.
if (runs('replay') || runs('http'))
  await replay.run(runs('http') ? (storePath, events) => httpBench.run(storePath, events) : undefined);
// Issue 13's deadline and entitlement query figures print their own lines.
if (runs('deadlines')) await deadlines.run();
// Issue 14's sealing overhead on appends and replay, beside the same runs in clear.
if (runs('personal-data')) await personalData.run();
// Issue 15's console: first load and the list of 40,000 assignments (in Chromium where it exists).
if (runs('console')) await consoleBench.run();

record('loadAverageAtEnd', loadavg());
record('seconds', Math.round((Date.now() - started) / 1000));
say(
  `bench: done in ${Math.round((Date.now() - started) / 1000)} s, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
printReport();
