import 'reflect-metadata';
import { ConsoleLogger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { acceptJsonBodiesOnly, BODY_LIMIT_BYTES } from './json-body.js';
import { answerClientError } from './input-limits.js';
import { KeptAnswers, registerKeptAnswers } from './kept-answers.js';
import { registerSecurity } from './security.js';
import { ledgerValidationPipe } from './validation.pipe.js';

export interface BootstrapOptions {
  /** Listen on this port (0 = any free port); default config.port. */
  port?: number;
  logLevels?: LogLevel[] | false;
  json?: boolean;
  /** Replaces the console logger (tests read what the server logs). */
  logger?: LoggerService;
}

/**
 * Nest on Fastify: Fastify's router and reply path cost a fraction of Express's per request, which is
 * most of an entitlements answer (see the benchmark in README). Bodies are JSON only (json-body.ts);
 * `/assignments/` and `/assignments` are the same route, as they were under Express.
 */
export const ledgerHttpAdapter = (): FastifyAdapter => {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    clientErrorHandler: answerClientError,
    // As long as Node's 16 KiB request line: the path limit (input-limits.ts) answers, not a bare 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
  });
  acceptJsonBodiesOnly(adapter.getInstance());
  // Once the server stops listening (a shutdown), every answer ends its connection: a keep-alive
  // connection would otherwise hold the shutdown until its timeout, or be cut under a client's request.
  adapter.getInstance().addHook('onSend', (request, reply, payload, done) => {
    if (!request.server.server.listening) reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
};

/** Builds the HTTP application (shared by `npm start`, `ledger serve` and the end-to-end tests). */
export const createHttpApp = async (
  config: LedgerConfig,
  options: BootstrapOptions = {},
): Promise<INestApplication> => {
  const logger =
    options.logger ??
    (options.logLevels === false
      ? false
      : new ConsoleLogger({
          json: options.json ?? false,
          logLevels: options.logLevels ?? ['log', 'warn', 'error'],
        }));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    ledgerHttpAdapter(),
    {
      logger,
      bodyParser: false,
    },
  );
  await registerSecurity(app.getHttpAdapter().getInstance(), config);
  registerKeptAnswers(app.getHttpAdapter().getInstance(), app.get(KeptAnswers));
  app.useGlobalPipes(ledgerValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Assignment ledger')
      .setDescription(
        'Event-sourced ledger of expatriate assignments: every event immutable, balances derived by projections.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};

export const listen = async (app: INestApplication, port: number, host: string): Promise<string> => {
  await app.listen(port, host);
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
};
