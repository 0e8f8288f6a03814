// Reading JSON into tables: records, columns, pandas' "split" form and JSON Lines, with the nesting
// depth and the table's size bounded before anything is built.
import { ArgumentError, FileError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import { parseIsoDate } from "./csv.js";
import { type Column, dtypeOf, toColumn } from "./column.js";
import { DataFrame } from "./frame.js";
import { sourceText } from "./io.js";
import { sourceName, type AsyncSource, type FileSource, type SyncSource } from "../core/source.js";
import { maxCellsOption, maxColumnsOption } from "./limits.js";

/** Options of readJson. */
export interface JsonOptions {
  /** JSON Lines: one record per line (default: true for .jsonl/.ndjson files). */
  lines?: boolean;
  /** Turn text columns whose values all are ISO dates into dates (default true). */
  parseDates?: boolean;
  /** The deepest nesting of arrays and objects the file may have (default 64; a table needs 2 or 3). */
  maxDepth?: number;
  /** The most cells (rows × columns) the table may have (default: twice the file's length in characters plus 2^20). */
  maxCells?: number;
  /** The most columns the table may have (default 2^17 = 131,072). */
  maxColumns?: number;
}

/** readJson's default `maxDepth`. */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * Reads JSON into a DataFrame: an array of records, an object of columns (arrays, or
 * { index: value } objects as pandas writes them), { columns, data } ("split"), or JSON Lines.
 * A file that is not one of these, nests deeper than `maxDepth` or would make a table of more than
 * `maxCells` cells is a FileError naming the file and the reason. Takes a path or bytes (and
 * returns the frame), or a URL, Response, File or Blob (and returns a Promise of it).
 * @example frame.readJson("rows.json"); frame.readJson("events.jsonl")
 */
export function readJson(src: SyncSource, opts?: JsonOptions): DataFrame;
export function readJson(src: AsyncSource, opts?: JsonOptions): Promise<DataFrame>;
export function readJson(src: FileSource, opts?: JsonOptions): DataFrame | Promise<DataFrame>;
export function readJson(src: FileSource, opts: JsonOptions = {}): DataFrame | Promise<DataFrame> {
  const op = "readJson";
  checkOptions(op, opts, ["lines", "parseDates", "maxDepth", "maxCells", "maxColumns"]);
  for (const k of ["lines", "parseDates"] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== "boolean") throw new ArgumentError(op, `${k} must be true or false, got ${String(opts[k])}`);
  }
  const maxDepth = opts.maxDepth === undefined ? DEFAULT_MAX_DEPTH : checkNumber(op, "maxDepth", opts.maxDepth, { integer: true, min: 1 });
  if (opts.maxCells !== undefined) maxCellsOption(op, opts.maxCells, 0);
  const maxColumns = maxColumnsOption(op, opts.maxColumns);
  const path = sourceName(src);
  const text = sourceText(op, src);
  return typeof text === "string" ? jsonFrame(text, path, opts, maxDepth, maxColumns) : text.then((t) => jsonFrame(t, path, opts, maxDepth, maxColumns));
}

/** readJson on the text of `path` (the name errors give and `.jsonl` is told from). */
function jsonFrame(text: string, path: string, opts: JsonOptions, maxDepth: number, maxColumns: number): DataFrame {
  const op = "readJson";
  const limits = { cells: maxCellsOption(op, opts.maxCells, text.length), columns: maxColumns };
  const lines = opts.lines ?? /\.(jsonl|ndjson)$/i.test(path);
  let value: unknown;
  if (lines) {
    value = text.split(/\r?\n/).flatMap((line, i) => (line.trim() === "" ? [] : [parseJsonText(line, path, i + 1, maxDepth)]));
  } else value = parseJsonText(text, path, 1, maxDepth);
  return fromJsonValue(value, path, opts.parseDates ?? true, limits);
}

/** The line of offset `at` in text that starts on line `firstLine`. */
function lineAt(text: string, at: number, firstLine: number): number {
  let line = firstLine;
  for (let k = text.indexOf("\n"); k >= 0 && k < at; k = text.indexOf("\n", k + 1)) line++;
  return line;
}

function parseJsonText(text: string, path: string, firstLine: number, maxDepth: number): unknown {
  const body = text.replace(/^\uFEFF/, "");
  // Before JSON.parse and the recursive error locator below: a file nested thousands deep would
  // otherwise overflow the stack (a RangeError, not a FileError) or build values nothing can print.
  const deep = depthBeyond(body, maxDepth);
  if (deep >= 0) {
    throw new FileError("readJson", path, `line ${lineAt(body, deep, firstLine)}: arrays and objects nested more than ${maxDepth} deep (the maxDepth option raises the limit)`);
  }
  try {
    return JSON.parse(body);
  } catch {
    const at = jsonErrorOffset(body);
    const what = at >= body.length ? "unexpected end of input" : `unexpected ${JSON.stringify(body[at])}`;
    throw new FileError("readJson", path, `line ${lineAt(body, at, firstLine)}: invalid JSON (${what})`);
  }
}

/** The offset of the first bracket that opens level `max + 1`, or -1; brackets inside strings do not count. */
function depthBeyond(t: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) { // a string: skip to its closing quote, past escapes
      for (i++; i < t.length; i++) {
        const d = t.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
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
    // depthBeyond has bounded the nesting, so this is the offset thrown by fail()
    return typeof at === "number" ? at : 0;
  }
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** The table a parsed JSON value describes. Columns are kept in a Map, so any name ("__proto__", "constructor") is just a name. */
function fromJsonValue(value: unknown, path: string, parseDates: boolean, limits: { cells: number; columns: number }): DataFrame {
  const fail = (why: string) => new FileError("readJson", path, why);
  const expected = "expected an array of records, an object of columns, or { columns, data }";
  const tooWide = (cols: number) => {
    if (cols > limits.columns) throw fail(`the table would have ${cols} columns, more than ${limits.columns} (the maxColumns option raises the limit)`);
  };
  const tooBig = (rows: number, cols: number) => {
    tooWide(cols);
    if (rows * cols > limits.cells) throw fail(`the table would have ${rows} rows × ${cols} columns, more than ${limits.cells} cells (the maxCells option raises the limit)`);
  };
  const cols = new Map<string, Column>();
  if (Array.isArray(value)) {
    // records: the columns are the union of their keys, in order of first appearance
    const seen = new Set<string>();
    const names: string[] = [];
    value.forEach((r, i) => {
      if (typeof r !== "object" || r === null || Array.isArray(r)) throw fail(`record ${i} is ${kind(r)}; ${expected}`);
      for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); names.push(k); }
    });
    tooBig(value.length, names.length);
    const rows = value as Record<string, unknown>[];
    for (const name of names) cols.set(name, toColumn(rows.map((r) => (Object.hasOwn(r, name) ? r[name] : undefined))));
  } else if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    if (Object.hasOwn(o, "columns") && Object.hasOwn(o, "data") && Array.isArray(o.columns) && Array.isArray(o.data)) {
      // pandas' orient="split": short rows are padded with missing values, as pd.DataFrame pads them
      const names = o.columns.map((c) => (typeof c === "string" ? c : JSON.stringify(c)));
      const data = o.data;
      const seen = new Set<string>();
      for (const n of names) {
        if (seen.has(n)) throw fail(`"columns" names "${n.slice(0, 40)}" twice`);
        seen.add(n);
      }
      data.forEach((r, i) => {
        if (!Array.isArray(r)) throw fail(`"data" row ${i} is ${kind(r)}; expected an array of ${names.length} values`);
        if (r.length > names.length) throw fail(`"data" row ${i} has ${r.length} values for ${names.length} columns`);
      });
      tooBig(data.length, names.length);
      names.forEach((n, j) => cols.set(n, toColumn((data as unknown[][]).map((r) => r[j]))));
    } else {
      let rows = -1, first = "";
      const entries = Object.entries(o);
      tooWide(entries.length);
      for (const [k, v] of entries) {
        let values: unknown[];
        if (Array.isArray(v)) values = v;
        else if (typeof v === "object" && v !== null) values = Object.values(v);
        else throw fail(`column "${k.slice(0, 40)}" is ${kind(v)}; ${expected}`);
        if (rows < 0) { rows = values.length; first = k; }
        else if (values.length !== rows) throw fail(`columns differ in length: "${first.slice(0, 40)}" has ${rows} values, "${k.slice(0, 40)}" has ${values.length}`);
        cols.set(k, toColumn(values));
      }
    }
  } else throw fail(`the file holds ${kind(value)}; ${expected}`);
  if (parseDates) {
    for (const [name, c] of cols) {
      if (dtypeOf(c) !== "string") continue;
      const s = c as (string | null)[];
      const parsed = s.map((v) => (v === null ? null : parseIsoDate(v)));
      if (parsed.every((p, i) => p !== null || s[i] === null)) cols.set(name, parsed);
    }
  }
  return DataFrame._of([...cols.keys()], [...cols.values()]);
}
