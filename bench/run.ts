import * as eventStore from './event-store.bench.js';
import * as query from './query.bench.js';
import * as replay from './replay.bench.js';
import * as personalData from './personal-data.bench.js';

/** Every bench module exports `run()`, which prints lines like `name: 12,345 events/s`. Add yours here. */
const benches: ReadonlyArray<{ run: () => Promise<void> }> = [eventStore, query, replay, personalData];

for (const bench of benches) await bench.run();
