import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { DEFAULT_SECURITY, LEDGER_CONFIG, type LedgerConfig } from './config/ledger-config.js';
import { resolveApiKeys } from './config/api-keys.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { API_KEYS, ApiKeyGuard } from './http/auth/api-key.guard.js';
import { AUTH_THROTTLE, AuthThrottle } from './http/auth/auth-throttle.js';
import { keptAnswersProvider } from './http/kept-answers.js';
import { ProblemFilter } from './http/problem/problem.filter.js';
import { COMMAND_HANDLERS, QUERY_HANDLERS } from './application/handlers.js';
import { HTTP_CONTROLLERS } from './http/controllers.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { FeedModule } from './feed/feed.module.js';
import { PersonalDataModule } from './personal-data/personal-data.module.js';
import { ErasureService } from './application/erasure.service.js';
import { ProjectionRunner } from './read-models/projection-runner.js';
import { ReadModelStore } from './read-models/read-model-store.js';
import { PROJECTION_HEALTH, READ_MODELS, type ReadModels } from './application/queries/read-model.port.js';

/** The queries' view of the read models: documents from the store, progress from the runner. */
const readModelsOf = (store: ReadModelStore, runner: ProjectionRunner): ReadModels => ({
  get: (projection, key) => store.get(projection, key),
  list: (projection, options) => store.list(projection, options),
  count: (projection, filter, search) => store.count(projection, filter, search),
  values: (projection, path) => store.values(projection, path),
  intervalItems: (projection, day, atMost, page) => store.intervalItems(projection, day, atMost, page),
  waitFor: (position, timeoutMs) => runner.waitFor(position, timeoutMs),
  position: () => runner.position(),
  epoch: () => runner.epoch(),
});

/** Wires the ledger: the store chosen by LEDGER_STORE_URL, the CQRS handlers, read models and HTTP. */
@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    const keys = resolveApiKeys(config);
    const security = config.security ?? DEFAULT_SECURITY;
    if (config.readModelPath !== ':memory:') mkdirSync(dirname(config.readModelPath), { recursive: true });
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule,
        EventStoreModule.forRoot(config),
        PersonalDataModule.forRoot(config, keys.ring),
        ReadModelsModule.forRoot(config),
        FeedModule.forRoot(config),
      ],
      controllers: HTTP_CONTROLLERS,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: API_KEYS, useValue: keys.ring },
        {
          provide: AUTH_THROTTLE,
          useValue: new AuthThrottle(security.authFailureLimit, security.authFailureWindowSeconds * 1000),
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: READ_MODELS, useFactory: readModelsOf, inject: [ReadModelStore, ProjectionRunner] },
        { provide: PROJECTION_HEALTH, useExisting: ProjectionRunner },
        ErasureService,
        keptAnswersProvider,
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
      ],
    };
  }
}
