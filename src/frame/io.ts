// Reading tables: CSV files and text (whole or streamed in chunks of rows) and JSON.
import { createReadStream, readFileSync } from "node:fs";
import { ArgumentError, FileError } from "../core/errors.js";
import { type CsvOptions, parseCsvText, parseIsoDate, type ParseState } from "./csv.js";
import { type Column, toColumn } from "./column.js";
import { DataFrame, type Row } from "./frame.js";

function frameOf(names: string[], columns: Column[]): DataFrame {
  return DataFrame._of(names, columns);
}

function readText(op: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(op, path, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * Reads a CSV file into a DataFrame, as pd.read_csv: header, quoted fields (with delimiters,
 * quotes and line breaks inside), BOM, CRLF, missing values, int/float/bool/date inference.
 * A malformed file throws a FileError naming the file and line.
 * @example const df = frame.readCsv("iris.csv"); const tsv = frame.readCsv("x.tsv", { delimiter: "\t" })
 */
export function readCsv(path: string, opts: CsvOptions = {}): DataFrame {
  const { names, columns } = parseCsvText(readText("readCsv", path), path, opts);
  return frameOf(names, columns);
}

/** CSV text (not a path) into a DataFrame; errors name the source as "<text>". */
export function parseCsv(text: string, opts: CsvOptions = {}): DataFrame {
  const { names, columns } = parseCsvText(text, "<text>", opts);
  return frameOf(names, columns);
}

/**
 * Streams a CSV file of any size as DataFrames of `chunkSize` rows (the last may be shorter),
 * as pd.read_csv(chunksize=…). Types are inferred per chunk.
 * @example for await (const chunk of frame.readCsvChunks("big.csv", { chunkSize: 100_000 })) total += chunk.col("x").sum();
 */
export async function* readCsvChunks(path: string, opts: CsvOptions & { chunkSize?: number } = {}): AsyncGenerator<DataFrame> {
  const chunkSize = opts.chunkSize ?? 100_000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new ArgumentError("readCsvChunks", `chunkSize must be a positive integer, got ${chunkSize}`);
  const state: ParseState = { firstLine: 1 };
  let buf = "", need = 1 << 20, left = opts.nrows ?? Infinity;
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      buf += piece;
      while (buf.length >= need && left > 0) {
        const want = Math.min(chunkSize, left);
        const r = parseCsvText(buf, path, { ...opts, nrows: want }, { state, partial: true });
        const got = r.columns.length ? r.columns[0].length : 0;
        buf = buf.slice(r.consumed);
        if (got < want) { need = Math.max(need, buf.length * 2); break; }
        left -= got;
        need = Math.max(1, r.consumed);
        yield frameOf(r.names, r.columns);
      }
      if (left <= 0) return;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new FileError("readCsvChunks", path, "no such file");
    throw e;
  }
  while (left > 0 && (buf.length > 0 || state.names === undefined)) {
    const want = Math.min(chunkSize, left);
    const r = parseCsvText(buf, path, { ...opts, nrows: want }, { state, partial: false });
    const got = r.columns.length ? r.columns[0].length : 0;
    buf = buf.slice(r.consumed);
    left -= got;
    if (got > 0) yield frameOf(r.names, r.columns);
    if (got < want) break;
  }
}

/** Options of readJson. */
export interface JsonOptions {
  /** JSON Lines: one record per line (default: true for .jsonl/.ndjson files). */
  lines?: boolean;
  /** Turn text columns whose values all are ISO dates into dates (default true). */
  parseDates?: boolean;
}

/**
 * Reads JSON into a DataFrame: an array of records, an object of columns (arrays, or
 * { index: value } objects as pandas writes them), { columns, data } ("split"), or JSON Lines.
 * @example frame.readJson("rows.json"); frame.readJson("events.jsonl")
 */
export function readJson(path: string, opts: JsonOptions = {}): DataFrame {
  const text = readText("readJson", path);
  const lines = opts.lines ?? /\.(jsonl|ndjson)$/i.test(path);
  let value: unknown;
  if (lines) {
    value = text.split(/\r?\n/).flatMap((line, i) => (line.trim() === "" ? [] : [parseJsonText(line, path, i + 1)]));
  } else value = parseJsonText(text, path, 1);
  return fromJsonValue(value, path, opts.parseDates ?? true);
}

function parseJsonText(text: string, path: string, firstLine: number): unknown {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(body);
  } catch {
    const at = jsonErrorOffset(body);
    const line = firstLine + (body.slice(0, at).match(/\n/g)?.length ?? 0);
    const what = at >= body.length ? "unexpected end of input" : `unexpected ${JSON.stringify(body[at])}`;
    throw new FileError("readJson", path, `line ${line}: invalid JSON (${what})`);
  }
}

/** Where JSON text first goes wrong (JSON.parse in Node 20 does not say): a small recursive-descent check. */
function jsonErrorOffset(t: string): number {
  let i = 0;
  const ws = () => { while (i < t.length && " \t\r\n".includes(t[i])) i++; };
  const fail = (): never => { throw i; };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (t[i] === close) { i++; return; }
      for (;;) {
        if (c === "{") { ws(); if (t[i] !== '"') fail(); str(); ws(); if (t[i] !== ":") fail(); i++; }
        value();
        ws();
        if (t[i] === ",") { i++; continue; }
        if (t[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const str = () => {
    i++;
    while (i < t.length && t[i] !== '"') i += t[i] === "\\" ? 2 : t[i] < " " ? fail() : 1;
    if (i >= t.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return at as number;
  }
}

function fromJsonValue(value: unknown, path: string, parseDates: boolean): DataFrame {
  const bad = () => new FileError("readJson", path, "expected an array of records, an object of columns, or { columns, data }");
  let df: DataFrame;
  if (Array.isArray(value)) {
    if (!value.every((r) => typeof r === "object" && r !== null && !Array.isArray(r))) throw bad();
    df = new DataFrame(value as Row[]);
  } else if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.columns) && Array.isArray(o.data)) {
      const names = o.columns.map(String);
      df = new DataFrame((o.data as unknown[][]).map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]]))), { columns: names });
    } else {
      const cols: Record<string, Column> = {};
      for (const [k, v] of Object.entries(o)) {
        if (Array.isArray(v)) cols[k] = toColumn(v);
        else if (typeof v === "object" && v !== null) cols[k] = toColumn(Object.values(v));
        else throw bad();
      }
      df = new DataFrame(cols);
    }
  } else throw bad();
  if (!parseDates) return df;
  const dates: Record<string, Column> = {};
  for (const [name, d] of Object.entries(df.dtypes)) {
    if (d !== "string") continue;
    const c = df._column(name) as (string | null)[];
    const parsed = c.map((s) => (s === null ? null : parseIsoDate(s)));
    if (parsed.every((p, i) => p !== null || c[i] === null)) dates[name] = parsed;
  }
  return Object.keys(dates).length ? df.assign(dates) : df;
}

