/** A seeded pseudo-random source: the same seed always yields the same sequence. */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Normal with mean 0 and the given standard deviation (Box–Muller). */
  gauss(sd: number): number;
};

/**
 * mulberry32: 32 bits of state, fast, and good enough for noise. `Math.random` cannot be seeded,
 * and tests assert on exact readings, so every random choice in the simulator comes from here.
 */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    gauss(sd) {
      // 1 - u keeps the logarithm finite (next() may return 0).
      const u = 1 - next();
      const v = next();
      return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * Derives a per-device seed from the run seed and the device id (FNV-1a), so adding a device to
 * a run does not change the readings of the others.
 */
export function deviceSeed(seed: number, deviceId: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < deviceId.length; i++) {
    h ^= deviceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
