import type { DataKeyStore } from './data-key-store.js';
import { mapPersonalValues, type PersonalPath } from './personal-paths.js';
import {
  ERASED,
  isSealed,
  openSealed,
  REDACTED,
  SealedValueError,
  sealValue,
  subjectOfSealed,
} from './sealed-value.js';

/** Who reads: `clear` for roles that see personal data, `redacted` for those that do not. */
export type PersonalView = 'clear' | 'redacted';

/** Seals personal values before they reach the event store, and opens them for each reader's view. */
/** Opened values kept, by sealed text (unique: a fresh IV each), so a fold does not open them again. */
const OPENED_CACHE = 100_000;

export class PersonalDataCodec {
  private readonly opened = new Map<string, unknown>();
  private openedAt = -1;

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
    return mapPersonalValues(data, paths, (value) => this.revealValue(value, view, subjectId)) as T;
  }

  /** One personal value (sealed, or stored in clear for `subjectId`) as a reader sees it. */
  revealValue(value: unknown, view: PersonalView, subjectId?: string): unknown {
    const subject = isSealed(value) ? subjectOfSealed(value) : subjectId;
    const key = subject === undefined ? undefined : this.keys.existingKey(subject);
    if (subject !== undefined && !key && this.keys.erasureOf(subject)) return ERASED;
    if (view === 'redacted') return REDACTED;
    if (!isSealed(value)) return value;
    if (!key) return ERASED;
    const generation = this.keys.generation();
    if (generation !== this.openedAt) {
      this.opened.clear();
      this.openedAt = generation;
    }
    if (this.opened.has(value)) return this.opened.get(value);
    const clear = openSealed(value, key);
    if (this.opened.size >= OPENED_CACHE) this.opened.clear();
    this.opened.set(value, clear);
    return clear;
  }

  /**
   * Any JSON value with every sealed value inside it revealed: a string that is one, or sealed values
   * within a longer string (a read model's sentence). A text that only looks sealed is left as it is.
   */
  revealWithin<T>(value: T, view: PersonalView): T {
    return revealDeep(value, (sealed) => {
      try {
        return this.revealValue(sealed, view);
      } catch (error) {
        if (error instanceof SealedValueError) return sealed;
        throw error;
      }
    }) as T;
  }
}

const SEALED_WITHIN = /pd1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

const revealDeep = (value: unknown, reveal: (sealed: string) => unknown): unknown => {
  if (typeof value === 'string') {
    if (!value.includes('pd1.')) return value;
    if (isSealed(value) && value.match(SEALED_WITHIN)?.[0] === value) return reveal(value);
    return value.replace(SEALED_WITHIN, (sealed) => {
      const shown = reveal(sealed);
      return typeof shown === 'string' ? shown : JSON.stringify(shown);
    });
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = revealDeep(item, reveal);
      changed ||= next !== item;
      return next;
    });
    return changed ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = revealDeep(item, reveal);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
};
