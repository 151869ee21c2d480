import type { Money } from './types.js';

/** Amounts keep their decimal string and always show their currency. */
export const money = (m: Money | null | undefined): string => (m ? `${m.amount} ${m.currency}` : '-');

export const pounds = (lb: string | number): string => `${lb} lb`;

export const todayIso = (): string => new Date().toISOString().slice(0, 10);

/** An ISO instant to the second, UTC, as the ledger records it. */
export const instant = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

/** `datetime-local` value (local wall time) to an ISO instant in UTC. */
export const localToInstant = (value: string): string | undefined =>
  value ? new Date(value).toISOString() : undefined;

export const ratio = (used: string | number, of: string | number): number => {
  const u = Number(used);
  const o = Number(of);
  return o > 0 ? Math.max(0, Math.min(1, u / o)) : u > 0 ? 1 : 0;
};

export const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;
