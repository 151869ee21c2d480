import { loadConfig } from './config/ledger-config.js';
import { serve } from './serve.js';

/** `npm start`: the HTTP server on the store LEDGER_STORE_URL names (SQLite by default). */
await serve(loadConfig());
