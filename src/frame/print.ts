// pandas-like text for frames: right-aligned columns, a row-number index, floats to a shared precision.
import { type Column, dtypeOf, isMissing, isNumericArray } from "./column.js";
import { formatDate, hasTimeOfDay } from "./csv.js";

/** How many decimals (≤ 6) the values need, as pandas picks one precision per float column. */
function decimals(c: Float64Array | Float32Array | number[], rows: number[]): number {
  let d = 0;
  for (const i of rows) {
    const v = c[i];
    if (!Number.isFinite(v) || Number.isInteger(v)) continue;
    const s = v.toFixed(6).replace(/0+$/, "");
    d = Math.max(d, s.length - s.indexOf(".") - 1);
  }
  return d;
}

function useExp(c: ArrayLike<number>, rows: number[]): boolean {
  let big = 0, small = Infinity;
  for (const i of rows) {
    const a = Math.abs(c[i]);
    if (!Number.isFinite(a) || a === 0) continue;
    big = Math.max(big, a);
    small = Math.min(small, a);
  }
  return big >= 1e15 || small < 1e-6;
}

/** The cells of a column, as text, at the given rows. */
export function formatColumn(c: Column, rows: number[]): string[] {
  if (c instanceof Int32Array) return rows.map((i) => String(c[i]));
  const nums = isNumericArray(c) ? c : c.every((v) => typeof v === "number" || isMissing(v)) ? (c as number[]).map((v) => v ?? NaN) : null;
  if (nums) {
    if (useExp(nums, rows)) return rows.map((i) => (Number.isNaN(nums[i]) ? "NaN" : nums[i].toExponential(6)));
    const d = Math.max(1, decimals(nums as Float64Array, rows));
    return rows.map((i) => (Number.isNaN(nums[i]) ? "NaN" : Number.isFinite(nums[i]) ? nums[i].toFixed(d) : nums[i] > 0 ? "inf" : "-inf"));
  }
  const withTime = hasTimeOfDay(c);
  return rows.map((i) => {
    const v = c[i];
    if (v === null || v === undefined) return c.some((x) => x instanceof Date) ? "NaT" : "NaN";
    if (typeof v === "boolean") return v ? "True" : "False";
    if (v instanceof Date) return formatDate(v, withTime);
    if (typeof v === "number") return String(v);
    const s = typeof v === "string" ? v : JSON.stringify(v);
    const flat = s.replace(/\r?\n/g, "\\n");
    return flat.length > 50 ? `${flat.slice(0, 47)}...` : flat;
  });
}

/** A frame as pandas prints it; long frames show their first and last `edge` rows. */
export function formatFrame(names: readonly string[], cols: readonly Column[], nrows: number, opts: { maxRows?: number; edge?: number; index?: { values: Column; name: string } } = {}): string {
  const maxRows = opts.maxRows ?? 60, edge = opts.edge ?? 5;
  const cut = nrows > maxRows;
  const rows = cut ? [...Array(edge).keys(), ...Array.from({ length: edge }, (_, k) => nrows - edge + k)] : [...Array(nrows).keys()];
  const table: string[][] = [["", ...names]];
  const body = cols.map((c) => formatColumn(c, rows));
  // Row labels: setIndex's values (its name on a line of its own, as pandas prints a named index), else positions.
  const labels = opts.index ? formatColumn(opts.index.values, rows).map((l) => l.trim()) : rows.map(String);
  if (opts.index?.name) table.push([opts.index.name, ...names.map(() => "")]);
  rows.forEach((r, k) => {
    table.push([labels[k], ...body.map((b) => b[k])]);
    if (cut && k === edge - 1) table.push(["...", ...names.map(() => "...")]);
  });
  const widths = table[0].map((_, j) => Math.max(...table.map((row) => row[j].length)));
  const lines = table.map((row) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[j]))).join("  ").trimEnd());
  if (cut || names.length === 0) lines.push("", `[${nrows} rows x ${names.length} columns]`);
  return lines.join("\n");
}

/** pandas' `df.info()` text, with deepscript's dtype names and the bytes its columns hold. */
export function formatInfo(names: readonly string[], cols: readonly Column[], rows: number): string {
  const counts = cols.map((c) => {
    let k = 0;
    for (let i = 0; i < c.length; i++) if (!isMissing(c[i])) k++;
    return k;
  });
  const dtypes = cols.map(dtypeOf);
  const nameW = Math.max(6, ...names.map((n) => n.length));
  const countText = counts.map((k) => `${k} non-null`);
  const countW = Math.max(14, ...countText.map((t) => t.length));
  const typeW = Math.max(5, ...dtypes.map((d) => d.length));
  const idxW = Math.max(3, String(names.length - 1).length + 1);
  // pandas indents the header and the rows by one space but starts the rule line at the margin.
  const line = (a: string, b: string, c: string, d: string) => `${(a === "---" ? a : ` ${a}`).padEnd(idxW + 1)} ${b.padEnd(nameW)}  ${c.padEnd(countW)}  ${d.padEnd(typeW)}`;
  const tally = new Map<string, number>();
  for (const d of dtypes) tally.set(d, (tally.get(d) ?? 0) + 1);
  // Typed columns hold their bytes; other columns hold a reference (8 bytes) per cell plus the objects, hence "+".
  let bytes = 0, plus = false;
  for (const c of cols) {
    if (ArrayBuffer.isView(c)) bytes += c.byteLength;
    else { bytes += 8 * c.length; plus = true; }
  }
  const units = ["bytes", "KB", "MB", "GB"];
  let size = bytes, u = 0;
  while (size >= 1024 && u < units.length - 1) { size /= 1024; u++; }
  return [
    "<class 'deepscript.frame.DataFrame'>",
    `RangeIndex: ${rows} entries${rows ? `, 0 to ${rows - 1}` : ""}`,
    `Data columns (total ${names.length} columns):`,
    line("#", "Column", "Non-Null Count", "Dtype"),
    line("---", "------", "--------------", "-----"),
    ...names.map((n, i) => line(String(i), n, countText[i], dtypes[i])),
    `dtypes: ${[...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, k]) => `${d}(${k})`).join(", ")}`,
    `memory usage: ${size.toFixed(1)}${plus ? "+" : ""} ${units[u]}`,
    "",
  ].join("\n");
}
