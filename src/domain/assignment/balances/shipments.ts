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

const plus = (total: string, weight: Weight, sign: 1 | -1): string =>
  new Decimal(total).plus(new Decimal(weight.lb).times(sign)).toFixed();

/** The tally with one shipment added (sign 1) or taken away (-1). */
export const tallyShipment = (t: ShipmentTally, s: CountedShipment, sign: 1 | -1): ShipmentTally => {
  if (s.direction === 'return') return { ...t, returnUsedLb: plus(t.returnUsedLb, s.weight, sign) };
  if (s.mode === 'air') return { ...t, outboundAirLb: plus(t.outboundAirLb, s.weight, sign) };
  return {
    ...t,
    outboundSeaLb: plus(t.outboundSeaLb, s.weight, sign),
    containersUsed: t.containersUsed + sign * containersOf(s),
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

export const shipmentBalances = (t: ShipmentTally, policy: ShipmentTerms): ShipmentBalances => {
  const airLimit = new Decimal(policy.outboundAirLimitLb);
  const outboundTotal = new Decimal(t.outboundAirLb).plus(t.outboundSeaLb);
  const cap = outboundTotal.plus(policy.returnAllowanceOverOutboundLb);
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
    outboundTotalLb: outboundTotal.toFixed(),
    return: { capLb: cap.toFixed(), usedLb: t.returnUsedLb, remainingLb: remaining(cap, t.returnUsedLb) },
  };
};
