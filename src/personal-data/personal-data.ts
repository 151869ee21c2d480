import { join } from 'node:path';
import { personalPathsOfEvent } from '../domain/assignment/events.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { DataKeyStore, type ErasureRecord } from './data-key-store.js';
import { resolveMasterKey, type MasterKey } from './master-key.js';
import { PersonalDataCodec, type PersonalView } from './personal-data-codec.js';

export type { PersonalView } from './personal-data-codec.js';

export const PERSONAL_DATA = Symbol('PERSONAL_DATA');

/** The grants of the keys the ledger accepts, by fingerprint (the KeyRing): whom a webhook delivers to. */
export const READER_GRANTS = Symbol('READER_GRANTS');
export interface ReaderGrants {
  grantByFingerprint(fingerprint: string): { role: string; scopes: readonly string[] } | undefined;
}

/** `hr`, `auditor` and `admin` see personal data; a subscriber only with the scope `personal-data`. */
export const personalViewOf = (
  grant: { role: string; scopes: readonly string[] } | undefined,
): PersonalView =>
  grant !== undefined && (grant.role !== 'subscriber' || grant.scopes.includes('personal-data'))
    ? 'clear'
    : 'redacted';

/** What the owner of a webhook (`<role>:key-<fingerprint>`) may see; a revoked key sees no personal data. */
export const personalViewOfOwner = (grants: ReaderGrants | undefined, owner: string): PersonalView => {
  const fingerprint = /:key-([0-9a-f]{16})$/.exec(owner)?.[1];
  return personalViewOf(fingerprint && grants ? grants.grantByFingerprint(fingerprint) : undefined);
};

/** What another thread needs to open the same key store (stream-ordered rebuild workers). */
export interface PersonalDataSpec {
  keyStorePath: string;
  /** The master key, base64: passed between threads of one process, never written anywhere. */
  masterKey: string;
}

/** The data keys' file: beside the read models, or in memory with a throwaway ledger. */
export const dataKeysPathOf = (config: LedgerConfig): string =>
  config.readModelPath === ':memory:' ? ':memory:' : join(config.dataDir, 'data-keys.sqlite');

/**
 * The ledger's personal data, by event: sealed under the data subject's key before an event is stored,
 * and opened for each reader (`clear`, `redacted`; `[erased]` for everyone once the subject is erased).
 */
export class PersonalData {
  private readonly codec: PersonalDataCodec;

  constructor(
    readonly keys: DataKeyStore,
    readonly spec?: PersonalDataSpec,
    readonly masterKeySource?: MasterKey['source'],
  ) {
    this.codec = new PersonalDataCodec(keys);
  }

  static open(config: LedgerConfig): PersonalData {
    const path = dataKeysPathOf(config);
    const master = resolveMasterKey(
      config.masterKey === undefined ? {} : { LEDGER_MASTER_KEY: config.masterKey },
      config.dataDir,
      path === ':memory:',
    );
    const spec =
      path === ':memory:' ? undefined : { keyStorePath: path, masterKey: master.key.toString('base64') };
    return new PersonalData(new DataKeyStore(path, master.key), spec, master.source);
  }

  static fromSpec(spec: PersonalDataSpec): PersonalData {
    return new PersonalData(new DataKeyStore(spec.keyStorePath, Buffer.from(spec.masterKey, 'base64')), spec);
  }

  /** An event's data as the store must hold it. */
  seal<T>(type: string, data: T, subjectId: string, now: Date): T {
    return this.codec.seal(data, personalPathsOfEvent(type, data), subjectId, now);
  }

  /** An event's data as a reader sees it; `subjectId` names the subject of values stored in clear. */
  reveal<T>(type: string, data: T, view: PersonalView, subjectId?: string): T {
    return this.codec.reveal(data, personalPathsOfEvent(type, data), view, subjectId);
  }

  /** An event as projections see it: every personal value opened (or `[erased]`). */
  readonly openProjected = (event: ProjectedEvent): ProjectedEvent => {
    const data = this.reveal(event.type, event.data, 'clear');
    return data === event.data ? event : { ...event, data };
  };

  erasureOf(subjectId: string): ErasureRecord | undefined {
    return this.keys.erasureOf(subjectId);
  }

  close(): void {
    this.keys.close();
  }
}
