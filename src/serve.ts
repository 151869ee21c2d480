import { type INestApplication, Logger } from '@nestjs/common';
import { resolveApiKeys } from './config/api-keys.js';
import type { LedgerConfig } from './config/ledger-config.js';
import type { FastifyInstance } from 'fastify';
import { EventStreamService } from './feed/event-stream.service.js';
import { createHttpApp, listen } from './http/bootstrap.js';

/** A shutdown that takes longer than this ends the process anyway (orchestrators kill at 10 s). */
const SHUTDOWN_LIMIT_MS = 9_000;
/** Connections still open this long after the signal (a client not reading its answer) are cut. */
const DRAIN_MS = 5_000;

/**
 * SIGTERM or SIGINT: event streams end (clients resume with Last-Event-ID), new connections are refused
 * and the requests in flight answered, and only then the runner's checkpoints and the store's group
 * commit flushed and the store closed (Nest alone would stop the runner while requests still append);
 * then exit code 0 (Nest's own shutdown hooks would re-raise the signal instead).
 */
const stopOnSignals = (app: INestApplication, logger: Logger): void => {
  const stop = (signal: NodeJS.Signals): void => {
    logger.log(`${signal}: finishing the requests in flight, then stopping`);
    setTimeout(() => {
      logger.error(`still stopping after ${SHUTDOWN_LIMIT_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    const http = app.getHttpAdapter().getInstance() as FastifyInstance;
    setTimeout(() => http.server.closeAllConnections(), DRAIN_MS).unref();
    app
      .get(EventStreamService)
      .closeAll()
      .then(() => http.close())
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

/** Starts the HTTP server and says where it is, where the keys are, and what it records into. */
export const serve = async (config: LedgerConfig): Promise<void> => {
  const logger = new Logger('Ledger');
  const keys = resolveApiKeys(config);
  const app = await createHttpApp(config);
  const url = await listen(app, config.port, config.host);
  stopOnSignals(app, logger);
  logger.log(`serving on ${url} (store ${config.storeUrl}; read models ${config.readModelPath})`);
  logger.log(`API documentation: ${url}/docs ; web console: ${url}/console ; health: ${url}/health`);
  if (keys.file) {
    logger.log(
      `API keys (one per role) ${keys.generated ? 'generated and ' : ''}written to ${keys.file} (owner-only) to hand out; delete it then: the server keeps only their SHA-256`,
    );
  } else if (config.apiKeys) {
    logger.log('API keys taken from LEDGER_API_KEYS');
  } else {
    logger.log('API keys: the generated ones, known to the server by their SHA-256 only');
  }
};
