import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A worker script is there to start: compiled JavaScript on disk (not a source run by ts-jest). */
export const workerFileExists = (worker: URL): boolean =>
  worker.protocol === 'file:' && existsSync(fileURLToPath(worker));
