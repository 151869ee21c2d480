/** mulberry32: a tiny seeded PRNG (uint32 draws), so every run stores the same history. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
};

/** The same draws as fractions in [0, 1). */
export const unitPrng = (seed: number): (() => number) => {
  const next = prng(seed);
  return () => next() / 4294967296;
};
