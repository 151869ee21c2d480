import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { LedgerConfig } from '../config/ledger-config.js';
import { PERSONAL_DATA, PersonalData, READER_GRANTS, type ReaderGrants } from './personal-data.js';

/** The data keys and the codec, for every layer that seals or opens personal values. */
@Global()
@Module({})
export class PersonalDataModule implements OnApplicationShutdown {
  constructor(@Inject(PERSONAL_DATA) private readonly personalData: PersonalData) {}

  static forRoot(config: LedgerConfig, grants: ReaderGrants): DynamicModule {
    return {
      module: PersonalDataModule,
      providers: [
        { provide: PERSONAL_DATA, useFactory: () => PersonalData.open(config) },
        { provide: READER_GRANTS, useValue: grants },
      ],
      exports: [PERSONAL_DATA, READER_GRANTS],
    };
  }

  onApplicationShutdown(): void {
    this.personalData.close();
  }
}
