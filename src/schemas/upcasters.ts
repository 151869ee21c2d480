/**
 * Upcasters turn the data of an older version of an event type into the current one when it is read,
 * so consumers and replays only ever see the current shape. Each step, from version n to n + 1, is
 * declared with the old shape in events.ts; `upcast` chains them. A stored event is never rewritten.
 */
import {
  ASSIGNMENT_EVENT_TYPES,
  isCorrectableType,
  olderVersionsOf,
  type Upcaster,
} from '../domain/assignment/events.js';
import { currentSchemaVersion } from './schema-versions.js';

export type { Upcaster };
type Data = Record<string, unknown>;

export class UpcastError extends Error {
  override name = 'UpcastError';
}

/** The step from each published old version of each type to the next. */
export const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = Object.fromEntries(
  ASSIGNMENT_EVENT_TYPES.flatMap((type) => {
    const older = olderVersionsOf(type);
    return older.length === 0
      ? []
      : [[type, Object.fromEntries(older.map((version, i) => [i + 1, version.upcast]))]];
  }),
);

/**
 * Corrections carry the corrected event's data in `replacement`, in the shape of its day (unstamped):
 * every step of the corrected type runs, each leaving data already in a later shape as it is.
 */
const upcastReplacement = (data: Data): Data => {
  const type = data.correctedType;
  const replacement = data.replacement;
  if (typeof type !== 'string' || !isCorrectableType(type)) return data;
  if (typeof replacement !== 'object' || replacement === null) return data;
  const upcasted = olderVersionsOf(type).reduce((d, step) => step.upcast(d), replacement as Data);
  return upcasted === replacement ? data : { ...data, replacement: upcasted };
};

/**
 * The data of an event of `type` stored at `version`, as the current version of that type.
 * A type this ledger does not publish, or a version newer than it knows, is returned unchanged.
 */
export const upcast = (type: string, version: number, data: Data): { version: number; data: Data } => {
  const current = currentSchemaVersion(type);
  let v = version;
  let d = data;
  if (current !== undefined) {
    while (v < current) {
      const step = UPCASTERS[type]?.[v];
      if (!step) throw new UpcastError(`no upcaster for ${type} from version ${v} to ${v + 1}`);
      d = step(d);
      v += 1;
    }
  }
  if (type === 'EventCorrected') d = upcastReplacement(d);
  return { version: v, data: d };
};
