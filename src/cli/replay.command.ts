import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { createEventStore } from '../event-store/create-event-store.js';
import { replayAll, verifyReplay } from '../read-models/replay.js';
import { EXIT } from './exit-codes.js';
import { progressBar } from './progress.js';

/**
 * `ledger replay`: rebuild every read model from the first event into the live read-model file (the old
 * generation answers until the new one has caught up). With `verify`, rebuild into scratch storage and
 * compare instead, leaving the live read models untouched.
 */
export const replayLedger = async (config: LedgerConfig, options: { verify: boolean; quiet: boolean }) => {
  if (config.readModelPath === ':memory:' && !options.verify) {
    console.error(
      'replay: the read models are in memory (sqlite::memory:); there is nothing durable to rebuild',
    );
    return EXIT.USAGE;
  }
  const store = await createEventStore(config.storeUrl);
  const bar = progressBar(options.verify ? 'replay --verify' : 'replay', options.quiet);
  const onProgress = (p: { position: number; head: number }) => bar.update(p.position, p.head);
  try {
    if (options.verify) {
      const differences = await verifyReplay(store, config.readModelPath, ALL_PROJECTIONS, { onProgress });
      bar.stop();
      if (differences.length === 0) {
        console.log('replay --verify ok: a rebuild from the first event gives the very same read models');
        return EXIT.OK;
      }
      for (const d of differences) {
        console.error(`DIFFERENT ${d.projection} ${d.key ?? '(whole read model)'} ${d.kind}: ${d.detail}`);
      }
      return EXIT.CHECK_FAILED;
    }
    mkdirSync(dirname(config.readModelPath), { recursive: true });
    const result = await replayAll(store, config.readModelPath, ALL_PROJECTIONS, onProgress);
    bar.stop();
    console.log(
      `replay ok: ${result.events} events up to position ${result.position} in ${Math.round(result.elapsedMs)} ms ` +
        `(${result.eventsPerSecond} events/s); generations ${result.generations.map((g) => `${g.projection} v${g.version}`).join(', ')}`,
    );
    return EXIT.OK;
  } finally {
    bar.stop();
    await store.close();
  }
};
