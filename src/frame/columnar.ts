// Columnar files and tables: Apache Arrow (tables in memory and IPC files, through `apache-arrow`)
// and Parquet (through `hyparquet` / `hyparquet-writer`). The libraries load on first use by
// dynamic import, so `deepscript/frame` costs nothing for them until a user asks; that makes the
// readers and writers async (pandas' are not). One place turns Arrow and Parquet columns into ours
// and back, so both formats share the type mapping (docs/frame.md "Columnar files").
import { ArgumentError, FileError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { writeAtomic } from "../core/atomic.js";
import { type FileSource, checkSource, readSource, sourceName } from "../core/source.js";
import { type Column, dtypeOf, isMissing, toColumn } from "./column.js";
import { DataFrame } from "./frame.js";

type Arrow = typeof import("apache-arrow");
type ArrowTable = import("apache-arrow").Table;

let arrowLib: Promise<Arrow> | null = null;
const arrow = (): Promise<Arrow> => (arrowLib ??= import("apache-arrow"));

/** Whole numbers in int32 range stay int32; anything else becomes float64 (missing = NaN), as our columns hold numbers. */
function numbersColumn(values: ArrayLike<number | bigint | null>): Column {
  const n = values.length, out = new Float64Array(n);
  let int = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const x = v === null || v === undefined ? NaN : typeof v === "bigint" ? Number(v) : v;
    out[i] = x;
    if (int && !(Number.isInteger(x) && x >= -2147483648 && x <= 2147483647)) int = false;
  }
  return int ? Int32Array.from(out) : out;
}

/**
 * Arrow's type ids (the order of the Type union in Arrow's Schema.fbs, which apache-arrow's `Type`
 * enum mirrors): fixed by the format, so fromArrow can read a table without loading the library.
 */
const T = { Int: 2, Float: 3, Utf8: 5, Bool: 6, Date: 8, Timestamp: 10, LargeUtf8: 20, Dictionary: -1 } as const;

/** An Arrow column (a Vector) as one of ours: numbers, bool, text, dates; other types by their JavaScript values. */
function fromVector(v: import("apache-arrow").Vector): Column {
  const t = v.type.typeId as number, n = v.length;
  const plain = () => Array.from({ length: n }, (_, i) => v.get(i) ?? null);
  switch (t) {
    case T.Float: {
      // Zero-copy when one chunk holds the values with no nulls and float32/64 storage.
      if (v.nullCount === 0 && v.data.length === 1) {
        const vals = v.data[0].values as unknown;
        if (vals instanceof Float64Array || vals instanceof Float32Array) return vals.length === n ? vals : vals.subarray(0, n);
      }
      return Float64Array.from(plain(), (x) => (x === null ? NaN : (x as number)));
    }
    case T.Int: {
      if (v.nullCount === 0 && v.data.length === 1 && v.data[0].values instanceof Int32Array) return v.data[0].values.subarray(0, n);
      return numbersColumn(plain() as (number | bigint | null)[]);
    }
    case T.Bool: return toColumn(plain());
    case T.Utf8: case T.LargeUtf8: return plain() as unknown[];
    case T.Timestamp: case T.Date: {
      // get() gives milliseconds since 1970 for every unit (apache-arrow converts).
      return plain().map((x) => (x === null ? null : new Date(Number(x))));
    }
    case T.Dictionary: return plain().map((x) => (x === undefined ? null : x));
    default: return plain();
  }
}

/**
 * An Arrow table as a DataFrame (pandas' `table.to_pandas()`): float columns without nulls share
 * the table's memory (no copy), int32 too; nulls become NaN (numbers) or missing (others);
 * timestamps and dates become Dates; int64 numbers (exact up to 2^53).
 * @example const df = frame.fromArrow(table)
 */
export function fromArrow(table: ArrowTable): DataFrame {
  if (!table || typeof table !== "object" || !("schema" in table) || typeof (table as ArrowTable).getChildAt !== "function") {
    throw new ArgumentError("fromArrow", `expected an apache-arrow Table, got ${table === null ? "null" : typeof table}`);
  }
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((_, i) => fromVector(table.getChildAt(i)!));
  return DataFrame._of(names, cols);
}

/** Our column as an Arrow vector: numbers (NaN → null) over the same memory where possible. */
function toVector(A: Arrow, name: string, c: Column): import("apache-arrow").Vector {
  if (c instanceof Float64Array || c instanceof Float32Array) {
    const n = c.length;
    let nulls = 0;
    for (let i = 0; i < n; i++) if (c[i] !== c[i]) nulls++;
    const type = c instanceof Float64Array ? new A.Float64() : new A.Float32();
    if (!nulls) return A.makeVector(c);
    const bitmap = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (c[i] === c[i]) bitmap[i >> 3] |= 1 << (i & 7);
    return A.makeVector({ type, data: c, nullBitmap: bitmap, length: n, nullCount: nulls } as never);
  }
  if (c instanceof Int32Array) return A.makeVector(c);
  const d = dtypeOf(c);
  if (d === "string") return A.vectorFromArray(c.map((v) => (isMissing(v) ? null : v)) as (string | null)[], new A.Utf8());
  if (d === "bool") return A.vectorFromArray(c.map((v) => (isMissing(v) ? null : v)) as (boolean | null)[], new A.Bool());
  if (d === "datetime") return A.vectorFromArray(c.map((v) => (isMissing(v) ? null : v)) as (Date | null)[], new A.TimestampMillisecond());
  throw new ArgumentError("toArrow", `column "${name}" holds ${d} values; Arrow columns take numbers, bool, text or dates`);
}

/** The frame as an Arrow table (pandas' `pa.Table.from_pandas(df)`); numeric columns share memory when nothing is missing. */
export async function toArrow(df: DataFrame): Promise<ArrowTable> {
  const A = await arrow();
  const vectors: Record<string, import("apache-arrow").Vector> = {};
  for (const name of df.columns) vectors[name] = toVector(A, name, df._column(name));
  return new A.Table(vectors);
}

/**
 * Reads an Arrow IPC file or stream (`.arrow`, `.feather` v2) into a DataFrame: a path, bytes, URL,
 * Response, File or Blob. A file that is not Arrow IPC is a FileError naming it.
 * @example const df = await frame.readArrow("data.arrow")
 */
export async function readArrow(src: FileSource): Promise<DataFrame> {
  checkSource("readArrow", src);
  const name = sourceName(src);
  const bytes = await readSource("readArrow", src);
  const A = await arrow();
  let table: ArrowTable;
  try {
    table = A.tableFromIPC(bytes);
  } catch (e) {
    throw new FileError("readArrow", name, `not an Arrow IPC file or stream (${(e as Error).message})`);
  }
  return fromArrow(table);
}

/** The frame as Arrow IPC bytes (`format` "file", the default, or "stream"), written atomically to `path` if given. */
export async function toArrowIPC(df: DataFrame, path?: string, opts: { format?: "file" | "stream" } = {}): Promise<Uint8Array> {
  checkOptions("toArrowIPC", opts, ["format"]);
  const format = opts.format ?? "file";
  if (format !== "file" && format !== "stream") throw new ArgumentError("toArrowIPC", `format must be "file" or "stream", got "${String(format)}"`);
  const A = await arrow();
  const bytes = A.tableToIPC(await toArrow(df), format);
  if (path !== undefined) writeAtomic("toArrowIPC", path, bytes, { mkdirs: true });
  return bytes;
}

/**
 * Reads a Parquet file into a DataFrame (pandas' `read_parquet`): a path, bytes, URL, Response,
 * File or Blob; `columns` reads only those. Plain and snappy-compressed pages (what pandas and
 * most writers use); other codecs (gzip, zstd, …) are a FileError naming the codec.
 * @example const df = await frame.readParquet("sales.parquet", { columns: ["region", "total"] })
 */
export async function readParquet(src: FileSource, opts: { columns?: string[] } = {}): Promise<DataFrame> {
  checkOptions("readParquet", opts, ["columns"]);
  checkSource("readParquet", src);
  const name = sourceName(src);
  const bytes = await readSource("readParquet", src);
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 4)) !== "PAR1" || String.fromCharCode(...bytes.subarray(bytes.length - 4)) !== "PAR1") {
    throw new FileError("readParquet", name, "not a Parquet file (no PAR1 magic at its start and end)");
  }
  const hp = await import("hyparquet");
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let meta: import("hyparquet").FileMetaData;
  try {
    meta = hp.parquetMetadata(file);
  } catch (e) {
    throw new FileError("readParquet", name, `corrupt Parquet footer (${(e as Error).message})`);
  }
  const top = hp.parquetSchema(meta).children.map((c) => c.element.name);
  const names = opts.columns ?? top;
  for (const c of names) if (!top.includes(c)) throw new ArgumentError("readParquet", `no column "${c}" in ${name}; it has ${top.map((x) => `"${x}"`).join(", ")}`);
  const data = new Map<string, unknown[]>(names.map((c) => [c, []]));
  try {
    await hp.parquetRead({
      file, columns: names, rowFormat: "array",
      onChunk: (chunk) => {
        const out = data.get(chunk.columnName)!;
        for (let i = 0; i < chunk.columnData.length; i++) out[chunk.rowStart + i] = chunk.columnData[i];
      },
    });
  } catch (e) {
    throw new FileError("readParquet", name, `cannot decode: ${(e as Error).message}`);
  }
  const rows = Number(meta.num_rows);
  const cols = names.map((c) => {
    const vals = data.get(c)!;
    vals.length = rows;
    return toColumn(Array.from(vals, (v) => (typeof v === "bigint" ? Number(v) : v === undefined ? null : v)));
  });
  return DataFrame._of(names, cols);
}

/** The parquet type of one of our columns. */
function parquetColumn(name: string, c: Column): { name: string; data: ArrayLike<unknown>; type: "DOUBLE" | "FLOAT" | "INT32" | "BOOLEAN" | "STRING" | "TIMESTAMP" } {
  if (c instanceof Float64Array) return { name, data: Array.from(c, (v) => (v === v ? v : null)), type: "DOUBLE" };
  if (c instanceof Float32Array) return { name, data: Array.from(c, (v) => (v === v ? v : null)), type: "FLOAT" };
  if (c instanceof Int32Array) return { name, data: c, type: "INT32" };
  const d = dtypeOf(c), vals = c.map((v) => (isMissing(v) ? null : v));
  if (d === "string") return { name, data: vals, type: "STRING" };
  if (d === "bool") return { name, data: vals, type: "BOOLEAN" };
  if (d === "datetime") return { name, data: vals, type: "TIMESTAMP" };
  if (vals.every((v) => v === null)) return { name, data: vals, type: "DOUBLE" };
  throw new ArgumentError("toParquet", `column "${name}" holds ${d} values; Parquet columns take numbers, bool, text or dates`);
}

/**
 * The frame as a Parquet file (snappy-compressed, as pandas writes by default), written atomically
 * to `path` if given; the bytes either way.
 * @example await df.toParquet("sales.parquet")
 */
export async function toParquet(df: DataFrame, path?: string): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const buf = parquetWriteBuffer({ columnData: df.columns.map((n) => parquetColumn(n, df._column(n))) as never, createdBy: "deepscript" });
  const bytes = new Uint8Array(buf);
  if (path !== undefined) writeAtomic("toParquet", path, bytes, { mkdirs: true });
  return bytes;
}
