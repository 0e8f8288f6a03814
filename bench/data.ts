// The deterministic data generator of shared/bench/WORKLOADS.md §1 (bit-identical to the Python one),
// so every library in a run multiplies and sums the very same numbers.

const SEED = 42;

function h32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function key(s: number): number {
  // (s * 0x9e3779b9 + SEED) mod 2^32, exactly: Math.imul gives the low 32 bits of the product.
  return h32((Math.imul(s, 0x9e3779b9) + SEED) >>> 0);
}

/** `uniform(s, n, lo, hi)`: n float32 values in [lo, hi) from stream s. */
export function uniform(s: number, n: number, lo = 0, hi = 1): Float32Array {
  const k = key(s);
  const out = new Float32Array(n);
  const scale = (hi - lo) / 2 ** 24;
  for (let i = 0; i < n; i++) out[i] = lo + (h32((i ^ k) >>> 0) >>> 8) * scale;
  return out;
}

/** `labels(s, n, k)`: n integer labels in [0, k) from stream s (as float32, exact). */
export function labels(s: number, n: number, k: number): Float32Array {
  const key0 = key(s);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(((h32((i ^ key0) >>> 0) >>> 8) / 2 ** 24) * k);
  return out;
}

/** `glorot(fanIn, fanOut)`: the half-width of the Glorot-uniform range. */
export const glorot = (fanIn: number, fanOut: number): number => Math.sqrt(6 / (fanIn + fanOut));
