import { Logger } from '@nestjs/common';
import { resolveApiKeys } from './config/api-keys.js';
import type { LedgerConfig } from './config/ledger-config.js';
import { createHttpApp, listen } from './http/bootstrap.js';

/** Starts the HTTP server and says where it is, where the keys are, and what it records into. */
export const serve = async (config: LedgerConfig): Promise<void> => {
  const logger = new Logger('Ledger');
  const keys = resolveApiKeys(config);
  const app = await createHttpApp(config);
  const url = await listen(app, config.port, config.host);
  logger.log(`serving on ${url} (store ${config.storeUrl}; read models ${config.readModelPath})`);
  logger.log(`API documentation: ${url}/docs ; web console: ${url}/console ; health: ${url}/health`);
  if (keys.file) {
    logger.log(
      `API keys (one per role) ${keys.generated ? 'generated and ' : ''}stored in ${keys.file} (owner-only)`,
    );
  } else {
    logger.log('API keys taken from LEDGER_API_KEYS');
  }
};
