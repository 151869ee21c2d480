import { setFlagsFromString } from 'node:v8';
import { loadConfig } from './config/ledger-config.js';
import { serve } from './serve.js';

/** `npm start`: the HTTP server on the store LEDGER_STORE_URL names (SQLite by default). */
const config = loadConfig();
// Under sustained writes V8 grows the heap to up to 4x what survives a collection (hundreds of MB of
// garbage held); V8 reads this at each collection, so setting it now bounds the heap from here on.
if (config.heapGrowingPercent) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
await serve(config);
