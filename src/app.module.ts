import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LEDGER_CONFIG, type LedgerConfig } from './config/ledger-config.js';
import { resolveApiKeys } from './config/api-keys.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { API_KEYS, ApiKeyGuard } from './http/auth/api-key.guard.js';
import { ProblemFilter } from './http/problem/problem.filter.js';
import { COMMAND_HANDLERS, QUERY_HANDLERS } from './application/handlers.js';
import { HTTP_CONTROLLERS } from './http/controllers.js';
import { ReadModelsModule } from './read-models/read-models.module.js';

/** Wires the ledger: the store chosen by LEDGER_STORE_URL, the CQRS handlers, read models and HTTP. */
@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    const keys = resolveApiKeys(config);
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule,
        EventStoreModule.forRoot(config),
        ReadModelsModule.forRoot(config),
      ],
      controllers: HTTP_CONTROLLERS,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: API_KEYS, useValue: keys.byKey },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
      ],
    };
  }
}
