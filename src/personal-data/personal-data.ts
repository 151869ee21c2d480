import { join } from 'node:path';
import { personalPathsOfEvent } from '../domain/assignment/events.js';
import type { LedgerConfig } from '../config/ledger-config.js';
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

/** The data keys' file: beside the read models, or in memory with a throwaway ledger. */
export const dataKeysPathOf = (config: LedgerConfig): string =>
  config.readModelPath === ':memory:' ? ':memory:' : join(config.dataDir, 'data-keys.sqlite');

/**
 * The ledger's personal data, by event: sealed under the data subject's key before an event is stored,
 * and opened for each reader (`clear`, `redacted`; `[erased]` for everyone once the subject is erased).
 */
export class PersonalData {
  private readonly codec: PersonalDataCodec;
  private erasuresBegun = 0;
  private erasedStreams: { at: number; subjects: Map<string, string> } | undefined;

  constructor(
    readonly keys: DataKeyStore,
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
    return new PersonalData(new DataKeyStore(path, master.key), master.source);
  }

  /** An event's data as the store must hold it. */
  seal<T>(type: string, data: T, subjectId: string, now: Date): T {
    return this.codec.seal(data, personalPathsOfEvent(type, data), subjectId, now);
  }

  /** An event's data as a reader sees it; `subjectId` names the subject of values stored in clear. */
  reveal<T>(type: string, data: T, view: PersonalView, subjectId?: string): T {
    return this.codec.reveal(data, personalPathsOfEvent(type, data), view, subjectId);
  }

  /**
   * A read-model document or answer as a reader sees it: read models hold personal values sealed, as
   * the events do, so an erasure needs no rewrite of them and their files never hold a clear value.
   */
  revealWithin<T>(value: T, view: PersonalView): T {
    return this.codec.revealWithin(value, view);
  }

  erasureOf(subjectId: string): ErasureRecord | undefined {
    return this.keys.erasureOf(subjectId);
  }

  /** An erasure destroys the key first: a subject whose key is there is not erased. */
  isErased(subjectId: string): boolean {
    return this.keys.existingKey(subjectId) === undefined && this.keys.erasureOf(subjectId) !== undefined;
  }

  /**
   * The erased subject a stream belonged to, as its erasure answered: lets values stored in clear
   * before sealing existed read `[erased]` too.
   */
  erasedSubjectOf(streamId: string): string | undefined {
    const at = this.keys.generation();
    if (this.erasedStreams?.at !== at) {
      const subjects = new Map<string, string>();
      for (const erasure of this.keys.erasures()) {
        const assignments = (erasure.answer as { assignments?: unknown } | undefined)?.assignments;
        if (Array.isArray(assignments))
          for (const id of assignments) subjects.set(`assignment-${String(id)}`, erasure.subjectId);
      }
      this.erasedStreams = { at, subjects };
    }
    return this.erasedStreams.subjects.get(streamId);
  }

  /** Destroys the subject's key and records the erasure as pending (data-key-store.ts). */
  beginErasure(request: Omit<ErasureRecord, 'state' | 'answer'>): ErasureRecord {
    const record = this.keys.beginErasure(request);
    this.erasuresBegun += 1;
    return record;
  }

  /** Changes whenever this process erased a subject: answers revealed before must be dropped. */
  erasureEpoch(): number {
    return this.erasuresBegun;
  }

  close(): void {
    this.keys.close();
  }
}
