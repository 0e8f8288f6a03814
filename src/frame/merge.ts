// pd.merge: database-style joins of two frames on key columns.
import { ArgumentError } from "../core/errors.js";
import { type Column, take, toColumn } from "./column.js";
import { DataFrame } from "./frame.js";
import { keyOf, list } from "./labels.js";

/** How a merge keeps rows: as pandas' `how`. */
export type MergeHow = "inner" | "left" | "right" | "outer";

export interface MergeOptions {
  /** Key column(s) present in both frames (default: the columns they share). */
  on?: string | string[];
  leftOn?: string | string[];
  rightOn?: string | string[];
  how?: MergeHow;
  /** Added to clashing non-key column names (default ["_x", "_y"]). */
  suffixes?: [string, string];
}

/**
 * Database-style join on key columns, as pd.merge: inner and left keep the left rows' order,
 * right the right's, outer sorts by key. Missing keys match each other, as in pandas.
 */
export function merge(left: DataFrame, right: DataFrame, opts: MergeOptions = {}): DataFrame {
  const how = opts.how ?? "inner";
  if (!["inner", "left", "right", "outer"].includes(how)) throw new ArgumentError("merge", `how must be inner, left, right or outer, got "${how}"`);
  let lk: string[], rk: string[];
  if (opts.on !== undefined) lk = rk = list(opts.on);
  else if (opts.leftOn !== undefined || opts.rightOn !== undefined) {
    if (opts.leftOn === undefined || opts.rightOn === undefined) throw new ArgumentError("merge", "leftOn and rightOn go together");
    lk = list(opts.leftOn);
    rk = list(opts.rightOn);
    if (lk.length !== rk.length) throw new ArgumentError("merge", `leftOn has ${lk.length} columns, rightOn ${rk.length}`);
  } else {
    lk = rk = left.columns.filter((c) => right.has(c));
    if (!lk.length) throw new ArgumentError("merge", "the frames share no column to join on; pass on, or leftOn and rightOn");
  }
  const L = lk.map((k) => left._column(k, "merge")), R = rk.map((k) => right._column(k, "merge"));
  const key = (cols: Column[], i: number) => (cols.length === 1 ? keyOf(cols[0][i]) : JSON.stringify(cols.map((c) => keyOf(c[i]))));
  const index = new Map<unknown, number[]>();
  for (let j = 0; j < right.length; j++) {
    const k = key(R, j);
    const e = index.get(k);
    if (e) e.push(j);
    else index.set(k, [j]);
  }
  const li: number[] = [], ri: number[] = [];
  if (how === "right") {
    const lindex = new Map<unknown, number[]>();
    for (let i = 0; i < left.length; i++) {
      const k = key(L, i);
      const e = lindex.get(k);
      if (e) e.push(i);
      else lindex.set(k, [i]);
    }
    for (let j = 0; j < right.length; j++) {
      const m = lindex.get(key(R, j));
      if (m) for (const i of m) { li.push(i); ri.push(j); }
      else { li.push(-1); ri.push(j); }
    }
  } else {
    const matched = new Uint8Array(right.length);
    for (let i = 0; i < left.length; i++) {
      const m = index.get(key(L, i));
      if (m) for (const j of m) { li.push(i); ri.push(j); matched[j] = 1; }
      else if (how !== "inner") { li.push(i); ri.push(-1); }
    }
    if (how === "outer") for (let j = 0; j < right.length; j++) if (!matched[j]) { li.push(-1); ri.push(j); }
  }
  // Output: left columns, then right non-key columns (right keys too when named differently).
  const sameKeys = lk.every((k, i) => k === rk[i]);
  const rightCols = right.columns.filter((c) => !(sameKeys && rk.includes(c)));
  const leftNames = left.columns;
  const clash = new Set(leftNames.filter((c) => rightCols.includes(c) && !(sameKeys && lk.includes(c))));
  const [sx, sy] = opts.suffixes ?? ["_x", "_y"];
  const names: string[] = [], cols: Column[] = [];
  for (const c of leftNames) {
    names.push(clash.has(c) ? c + sx : c);
    let col = take(left._column(c), li);
    const kpos = lk.indexOf(c);
    if (sameKeys && kpos >= 0 && how !== "inner" && how !== "left") {
      // key columns take the right side's value where the left row is missing
      const rcol = take(R[kpos], ri);
      col = toColumn(Array.from(col as ArrayLike<unknown>, (v, r) => (li[r] < 0 ? rcol[r] : v)));
    }
    cols.push(col);
  }
  for (const c of rightCols) {
    names.push(clash.has(c) ? c + sy : c);
    cols.push(take(right._column(c), ri));
  }
  let out = DataFrame._of(names, cols);
  if (how === "outer") out = out.sortValues(lk);
  return out;
}
