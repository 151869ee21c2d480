/** Clause 4: outbound airfreight and sea containers, and the return cap that follows from them. */
import { Decimal } from 'decimal.js';
import type { Weight } from '../../shared/weight.js';
import type { Direction, ShipmentMode } from '../events.js';
import type { AssignmentPolicy } from '../policy.js';

/** What the shipments so far add up to, in pounds (decimal strings) and containers. */
export interface ShipmentTally {
  outboundAirLb: string;
  outboundSeaLb: string;
  containersUsed: number;
  returnUsedLb: string;
}

export const NO_SHIPMENTS: ShipmentTally = {
  outboundAirLb: '0',
  outboundSeaLb: '0',
  containersUsed: 0,
  returnUsedLb: '0',
};

/** Any size of container counts as one, and a sea shipment uses at least one. */
export const countedContainers = (containers: number | undefined): number => Math.max(containers ?? 1, 1);

export interface CountedShipment {
  direction: Direction;
  mode: ShipmentMode;
  weight: Weight;
  containers?: number | undefined;
}

/** The outbound sea containers one shipment counts against the limit (0 unless outbound by sea). */
export const containersOf = (s: Pick<CountedShipment, 'direction' | 'mode' | 'containers'>): number =>
  s.direction === 'outbound' && s.mode === 'sea' ? countedContainers(s.containers) : 0;

type WeightBucket = 'outboundAirLb' | 'outboundSeaLb' | 'returnUsedLb';

/** Which total a shipment's weight counts in: returns against the cap, outbound air against its limit. */
const bucketOf = (s: Pick<CountedShipment, 'direction' | 'mode'>): WeightBucket =>
  s.direction === 'return' ? 'returnUsedLb' : s.mode === 'air' ? 'outboundAirLb' : 'outboundSeaLb';

/**
 * Adds one shipment to (sign 1) or takes it from (-1) a tally the caller owns, in place: the decider's
 * tally is its draft state, folded once per event.
 */
export const tallyShipment = (t: ShipmentTally, s: CountedShipment, sign: 1 | -1): void => {
  const bucket = bucketOf(s);
  const total = new Decimal(t[bucket]);
  t[bucket] = (sign === 1 ? total.plus(s.weight.lb) : total.minus(s.weight.lb)).toFixed();
  t.containersUsed += sign * containersOf(s);
};

/** The tally of these shipments at once (the entitlements query's way: one decimal sum per total). */
export const tallyShipments = (shipments: Iterable<CountedShipment>): ShipmentTally => {
  const sums = { outboundAirLb: new Decimal(0), outboundSeaLb: new Decimal(0), returnUsedLb: new Decimal(0) };
  let containersUsed = 0;
  for (const s of shipments) {
    const bucket = bucketOf(s);
    sums[bucket] = sums[bucket].plus(s.weight.lb);
    containersUsed += containersOf(s);
  }
  return {
    outboundAirLb: sums.outboundAirLb.toFixed(),
    outboundSeaLb: sums.outboundSeaLb.toFixed(),
    containersUsed,
    returnUsedLb: sums.returnUsedLb.toFixed(),
  };
};

export interface ShipmentBalances {
  outboundAir: { limitLb: string; usedLb: string; remainingLb: string };
  outboundSea: { containerLimit: number; containersUsed: number; weightLb: string };
  outboundTotalLb: string;
  /** Outbound total (air + sea) plus the policy's allowance: 1,000 lb before anything was shipped out. */
  return: { capLb: string; usedLb: string; remainingLb: string };
}

export type ShipmentTerms = Pick<
  AssignmentPolicy,
  'outboundAirLimitLb' | 'outboundContainerLimit' | 'returnAllowanceOverOutboundLb'
>;

const remaining = (limit: Decimal, used: string): string => Decimal.max(limit.minus(used), 0).toFixed();

/** Everything shipped out (air + sea) and the return cap: that plus the policy's allowance. */
export const returnCapOf = (
  t: ShipmentTally,
  policy: Pick<ShipmentTerms, 'returnAllowanceOverOutboundLb'>,
): { outboundTotalLb: string; capLb: string } => {
  const outboundTotal = new Decimal(t.outboundAirLb).plus(t.outboundSeaLb);
  return {
    outboundTotalLb: outboundTotal.toFixed(),
    capLb: outboundTotal.plus(policy.returnAllowanceOverOutboundLb).toFixed(),
  };
};

export const shipmentBalances = (t: ShipmentTally, policy: ShipmentTerms): ShipmentBalances => {
  const airLimit = new Decimal(policy.outboundAirLimitLb);
  const { outboundTotalLb, capLb } = returnCapOf(t, policy);
  const cap = new Decimal(capLb);
  return {
    outboundAir: {
      limitLb: airLimit.toFixed(),
      usedLb: t.outboundAirLb,
      remainingLb: remaining(airLimit, t.outboundAirLb),
    },
    outboundSea: {
      containerLimit: policy.outboundContainerLimit,
      containersUsed: t.containersUsed,
      weightLb: t.outboundSeaLb,
    },
    outboundTotalLb,
    return: { capLb, usedLb: t.returnUsedLb, remainingLb: remaining(cap, t.returnUsedLb) },
  };
};
