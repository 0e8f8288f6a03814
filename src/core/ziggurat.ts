// The tables of the 256-box ziggurat for the standard normal (Marsaglia & Tsang 2000, with
// Doornik's 52-bit layout as NumPy's random_standard_normal uses it), computed once on first
// use from the two constants that define them: the rightmost box edge r and the common area v.

/** r: where the base strip ends and the tail begins. */
export const ZIGGURAT_NOR_R = 3.6541528853610088;
/** 1 / r. */
export const ZIGGURAT_NOR_INV_R = 0.27366123732975828;
// v: the area of each box, r·f(r) + the tail beyond r (r·e^(−r²/2) + √(π/2)·erfc(r/√2)), to the last bit:
// the rounded 0.00492867323399 of the original papers shifts the widths by 1e-12.
const V = 0.004928673233974658;

export interface ZigguratTables {
  /** Acceptance thresholds on the 52-bit magnitude (exact integers below 2^53). */
  ki: Float64Array;
  /** Box widths divided by 2^52. */
  wi: Float64Array;
  /** exp(-x^2/2) at each box's edge. */
  fi: Float64Array;
}

let tables: ZigguratTables | null = null;

/** The ziggurat's tables for 52-bit magnitudes (built on first call). */
export function zigguratTables(): ZigguratTables {
  if (tables) return tables;
  const ki = new Float64Array(256), wi = new Float64Array(256), fi = new Float64Array(256);
  const m1 = 4503599627370496; // 2^52
  let dn = ZIGGURAT_NOR_R, tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  ki[0] = Math.floor((dn / q) * m1);
  ki[1] = 0;
  wi[0] = q / m1;
  wi[255] = dn / m1;
  fi[0] = 1;
  fi[255] = Math.exp(-0.5 * dn * dn);
  for (let i = 254; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    ki[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    fi[i] = Math.exp(-0.5 * dn * dn);
    wi[i] = dn / m1;
  }
  tables = { ki, wi, fi };
  return tables;
}
