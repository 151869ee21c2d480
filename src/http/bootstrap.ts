import 'reflect-metadata';
import { ConsoleLogger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { ledgerValidationPipe } from './validation.pipe.js';

export interface BootstrapOptions {
  /** Listen on this port (0 = any free port); default config.port. */
  port?: number;
  logLevels?: LogLevel[] | false;
  json?: boolean;
}

/** Builds the HTTP application (shared by `npm start`, `ledger serve` and the end-to-end tests). */
export const createHttpApp = async (
  config: LedgerConfig,
  options: BootstrapOptions = {},
): Promise<INestApplication> => {
  const logger =
    options.logLevels === false
      ? false
      : new ConsoleLogger({
          json: options.json ?? false,
          logLevels: options.logLevels ?? ['log', 'warn', 'error'],
        });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '256kb', strict: true });
  app.set('x-powered-by', false);
  app.useGlobalPipes(ledgerValidationPipe());
  app.enableShutdownHooks();
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
  return app.getUrl();
};
