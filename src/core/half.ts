// IEEE 754 half precision (float16) without a Float16Array (Node 20 has none): rounding a number
// to the nearest float16 value, and the 16-bit encoding files use (safetensors F16).
//
// A float16 tensor holds its values in a Float32Array (every float16 is exactly a float32) and
// rounds everything stored into it with roundHalf, as a Float32Array rounds with Math.fround.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds half to even on a non-negative double (Math.round rounds halves up). */
function rintPositive(v: number): number {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/**
 * The float16 value nearest to `x` (ties to even), as a number: overflow (|x| ≥ 65520) gives ±Inf,
 * magnitudes below 2^-14 round to multiples of 2^-24 (subnormals), NaN stays NaN, -0 stays -0.
 * Like PyTorch (c10::Half takes a float), a double is rounded to float32 first, so a double
 * just above a float16 midpoint may round down where NumPy's direct conversion rounds up.
 */
export function roundHalf(x: number): number {
  const v = Math.fround(x);
  if (v !== v || v === Infinity || v === -Infinity || v === 0) return v;
  const a = Math.abs(v);
  if (a >= 65520) return v > 0 ? Infinity : -Infinity;
  let q: number; // the spacing of float16 values around a
  if (a < 6.103515625e-5) q = 5.960464477539063e-8; // 2^-14 and 2^-24
  else {
    f32[0] = a;
    q = 2 ** (((u32[0] >>> 23) & 0xff) - 127 - 10);
  }
  return Math.sign(v) * rintPositive(a / q) * q;
}

/** The 16-bit IEEE encoding of roundHalf(x) (NaN as the quiet NaN 0x7e00). */
export function halfBits(x: number): number {
  const v = roundHalf(x);
  if (v !== v) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 6.103515625e-5) return sign | (a / 5.960464477539063e-8); // subnormal (or zero)
  f32[0] = a;
  const e = ((u32[0] >>> 23) & 0xff) - 127;
  return sign | ((e + 15) << 10) | ((u32[0] >>> 13) & 0x3ff);
}

/** The value of a 16-bit IEEE half-precision encoding. */
export function halfFromBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 5.960464477539063e-8;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}
