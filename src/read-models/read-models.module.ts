/**
 * Thin Nest wiring around the plain read-model classes (the CLI uses those without Nest). Global, so
 * query handlers and the health check can inject `ReadModelStore` and `ProjectionRunner` by class.
 */
import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { LedgerConfig } from '../config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import type { AnyProjection } from '../../projections/projection.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import { ReadModelStore } from './read-model-store.js';

export interface ReadModelsOptions {
  /** Read-model file, or ':memory:'. */
  path: string;
  /** Default: ALL_PROJECTIONS. */
  projections?: readonly AnyProjection[];
  runner?: ProjectionRunnerOptions;
  /** Start following the log when the application boots (default true). */
  autoStart?: boolean;
}

/** DI token of the ReadModelsOptions in force. */
export const READ_MODELS_OPTIONS = Symbol('READ_MODELS_OPTIONS');

const toOptions = (config: LedgerConfig | ReadModelsOptions): ReadModelsOptions =>
  'readModelPath' in config ? { path: config.readModelPath } : config;

@Injectable()
export class ReadModelsLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(ReadModelStore) private readonly store: ReadModelStore,
    @Inject(READ_MODELS_OPTIONS) private readonly options: ReadModelsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.autoStart ?? true) await this.runner.start();
  }

  /** Before the event store closes (it does so in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  onApplicationShutdown(): void {
    this.store.close();
  }
}

@Global()
@Module({})
export class ReadModelsModule {
  static forRoot(config: LedgerConfig | ReadModelsOptions): DynamicModule {
    const options = toOptions(config);
    return {
      module: ReadModelsModule,
      providers: [
        { provide: READ_MODELS_OPTIONS, useValue: options },
        // A server's live commits write a few documents at a time: the OS keeps the rest of the file.
        { provide: ReadModelStore, useFactory: () => new ReadModelStore(options.path, { cacheMb: 16 }) },
        {
          provide: ProjectionRunner,
          useFactory: (events: EventStore, store: ReadModelStore) =>
            new ProjectionRunner(events, store, options.projections ?? ALL_PROJECTIONS, options.runner),
          inject: [EVENT_STORE, ReadModelStore],
        },
        ReadModelsLifecycle,
      ],
      exports: [READ_MODELS_OPTIONS, ReadModelStore, ProjectionRunner],
    };
  }
}
