/**
 * Upcasters turn the data of an older version of an event type into the current one when it is read,
 * so consumers and replays only ever see the current shape. Each step goes from version n to n + 1;
 * `upcast` chains them. A stored event is never rewritten.
 */
import { toWeight } from '../domain/shared/weight.js';
import { currentSchemaVersion } from './schema-versions.js';

type Data = Record<string, unknown>;
export type Upcaster = (data: Data) => Data;

export class UpcastError extends Error {
  override name = 'UpcastError';
}

/**
 * ShipmentRecorded v1 -> v2: `weightLb: "480"` becomes `weight: { lb: "480", original: { value: "480", unit: "lb" } }`,
 * exactly what the v2 writer records for a weight given in pounds. Data already in the v2 shape passes
 * unchanged (events written with the v2 shape before their writer stamped schemaVersion 2).
 */
const shipmentV1toV2: Upcaster = (data) => {
  if (typeof data.weightLb !== 'string' || data.weight !== undefined) return data;
  const { weightLb, ...rest } = data;
  return { ...rest, weight: toWeight(weightLb as string, 'lb') };
};

export const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  ShipmentRecorded: { 1: shipmentV1toV2 },
};

/**
 * Corrections carry the corrected event's data in `replacement`, in the shape of its day: bring it to
 * the corrected type's current shape too. Only shape-preserving, idempotent steps belong here.
 */
const REPLACEMENT_UPCASTERS: Readonly<Record<string, Upcaster>> = {
  ShipmentRecorded: shipmentV1toV2,
};

const upcastReplacement = (data: Data): Data => {
  const step = typeof data.correctedType === 'string' ? REPLACEMENT_UPCASTERS[data.correctedType] : undefined;
  const replacement = data.replacement;
  if (!step || typeof replacement !== 'object' || replacement === null) return data;
  const upcasted = step(replacement as Data);
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
