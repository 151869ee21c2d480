import type { DataKeyStore } from './data-key-store.js';
import { mapPersonalValues, type PersonalPath } from './personal-paths.js';
import { ERASED, isSealed, openSealed, REDACTED, sealValue, subjectOfSealed } from './sealed-value.js';

/** Who reads: `clear` for roles that see personal data, `redacted` for those that do not. */
export type PersonalView = 'clear' | 'redacted';

/** Seals personal values before they reach the event store, and opens them for each reader's view. */
export class PersonalDataCodec {
  constructor(private readonly keys: DataKeyStore) {}

  /** The data as the store should hold it: each personal value sealed under the subject's key. */
  seal<T>(data: T, paths: readonly PersonalPath[], subjectId: string, now: Date): T {
    if (paths.length === 0) return data;
    let key: Buffer | undefined;
    // Every value is sealed, even one that looks sealed: a client cannot slip in another subject's value.
    return mapPersonalValues(data, paths, (value) => {
      key ??= this.keys.keyFor(subjectId, now);
      return sealValue(value, subjectId, key);
    }) as T;
  }

  /**
   * The data as a reader sees it: values of an erased subject are `[erased]` for everyone, others are
   * opened for `clear` readers and `[redacted]` for the rest. A value stored in clear before sealing
   * existed is treated the same way, with `subjectId` naming its subject.
   */
  reveal<T>(data: T, paths: readonly PersonalPath[], view: PersonalView, subjectId?: string): T {
    if (paths.length === 0) return data;
    return mapPersonalValues(data, paths, (value) => {
      const subject = isSealed(value) ? subjectOfSealed(value) : subjectId;
      const key = subject === undefined ? undefined : this.keys.existingKey(subject);
      if (subject !== undefined && !key && this.keys.erasureOf(subject)) return ERASED;
      if (view === 'redacted') return REDACTED;
      if (!isSealed(value)) return value;
      return key ? openSealed(value, key) : ERASED;
    }) as T;
  }
}
