// CSV text → typed columns: one pass finds the fields (RFC 4180 quoting, BOM, CRLF, line numbers
// for errors), a second infers each column's type (int, float, bool, ISO date, text) and converts.
import { ArgumentError, FileError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import type { Column, FrameDType } from "./column.js";
import { maxCellsOption, maxColumnsOption } from "./limits.js";

/** Options of readCsv / parseCsv, named after pandas.read_csv's. */
export interface CsvOptions {
  /** One-character field separator (default ","; "\t" for TSV). */
  delimiter?: string;
  /** Whether the first record holds column names (default true). */
  header?: boolean;
  /** Column names to use (with `header: false`, or to replace the header's). */
  names?: string[];
  /** Extra strings that mean "missing" besides pandas' defaults ("", "NA", "NaN", "null", "None", "N/A", …). */
  naValues?: string[];
  /** Keep pandas' default missing-value strings (default true); false leaves only "" and `naValues`. */
  keepDefaultNa?: boolean;
  /** Force a column's type instead of inferring it ("float64", "int32", "bool", "string", "datetime"). */
  dtype?: Record<string, FrameDType>;
  /** Parse ISO-8601 dates (2024-01-31, 2024-01-31T08:00:00Z, …): true (default) for every column
   * whose values all are dates, false for none, or a list of columns. */
  parseDates?: boolean | string[];
  /** Only these columns, in this order. */
  usecols?: string[];
  /** Skip this many lines at the start of the file. */
  skipRows?: number;
  /** Read at most this many data rows. */
  nrows?: number;
  /** Lines starting with this string are skipped. */
  comment?: string;
  /**
   * The most cells (rows × columns) the table may have (default: twice the text's length in
   * characters plus 2^20, which only rows much shorter than the header reach). A file beyond it is a
   * FileError before the table is allocated.
   */
  maxCells?: number;
  /** The most columns the table may have (default 2^17 = 131,072); the header, or the first row, is checked before any table is allocated. */
  maxColumns?: number;
}

/** The names of CsvOptions' fields, for checking an options object. */
export const CSV_OPTIONS = ["delimiter", "header", "names", "naValues", "keepDefaultNa", "dtype", "parseDates", "usecols", "skipRows", "nrows", "comment", "maxCells", "maxColumns"] as const;
const DTYPES: readonly FrameDType[] = ["float64", "float32", "int32", "bool", "string", "datetime"];

/** The pandas default strings read as missing values. */
export const DEFAULT_NA = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"];

const QUOTE = 34, LF = 10, CR = 13;

/** Result of the tokenizing pass. */
export interface Tokens {
  names: string[];
  ncol: number;
  rows: number;
  /**
   * Where each field lies in the text, row-major: field k of row r spans
   * [spans[2(r·ncol+k)], spans[2(r·ncol+k)+1]); a negative start marks a quoted field with doubled quotes.
   */
  spans: Int32Array;
  /** 1-based line on which each data row starts. */
  lines: Int32Array;
  /** Offset just after the last complete record consumed. */
  consumed: number;
}

interface TokenizeOptions {
  delimiter: number;
  header: boolean;
  skipRows: number;
  nrows: number;
  comment?: string;
  /** Streaming: stop at the last complete record instead of failing on an unterminated one. */
  partial: boolean;
  firstLine: number;
  expectCols?: number;
  /** The text starts at the start of the file (a byte-order mark there is skipped). */
  startOfFile: boolean;
  /** A chunk of a stream (the tables grow from a small size instead of being sized by counting lines). */
  streaming: boolean;
  maxCells: number;
  maxColumns: number;
}

export function fail(source: string, line: number, reason: string): never {
  throw new FileError("readCsv", source, `line ${line}: ${reason}`);
}

/** Splits text into records and fields. Errors name the source and line. Linear in the text. */
function tokenize(text: string, source: string, o: TokenizeOptions): Tokens {
  const n = text.length, D = o.delimiter;
  // a byte-order mark only at the start of the file, not of each chunk of a stream
  let i = o.startOfFile && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = o.firstLine;
  let ncol = o.expectCols ?? -1;
  let names: string[] = [];
  const rowLimit = o.nrows + (o.header ? 1 : 0);
  // Line breaks + 1 bound the row count of most files, which sizes the tables of a whole file at once
  // (CR-only or mixed line ends grow them instead). A chunk of a stream starts small and grows: counting
  // would rescan the rest of the buffer for every chunk.
  let breaks = 16;
  if (!o.streaming) {
    breaks = 1;
    for (let k = text.indexOf("\n", i); k >= 0 && breaks < rowLimit; k = text.indexOf("\n", k + 1)) breaks++;
  }
  let spans = new Int32Array(0);
  let lines = new Int32Array(0);
  let capRows = 0;
  let rows = 0, consumed = i;
  let headerPending = o.header;
  // Room for `need` rows of ncol fields. A full row holds at least one character per field, so the text
  // bounds the first size; short rows (padded with missing values) grow it, within maxCells.
  const reserve = (need: number, at: number) => {
    if (need * ncol > o.maxCells) {
      fail(source, at, `the table would exceed ${o.maxCells} cells (${need} rows × ${ncol} columns); the maxCells option raises the limit`);
    }
    let cap = capRows === 0 ? Math.min(Math.max(breaks, 16), rowLimit, Math.floor((n - i) / Math.max(ncol, 1)) + 2) : capRows * 2;
    cap = Math.min(Math.max(cap, need), rowLimit, Math.max(need, Math.floor(o.maxCells / Math.max(ncol, 1))));
    const s2 = new Int32Array(cap * ncol * 2), l2 = new Int32Array(cap);
    if (rows > 0) {
      s2.set(spans.subarray(0, rows * ncol * 2));
      l2.set(lines.subarray(0, rows));
    }
    spans = s2;
    lines = l2;
    capRows = cap;
  };

  for (let skip = 0; skip < o.skipRows && i < n; skip++) {
    while (i < n && text.charCodeAt(i) !== LF) i++;
    i++;
    line++;
  }
  if (ncol >= 0) reserve(1, line);
  // One record's field spans, reused.
  const fs: number[] = [], fe: number[] = [];
  // The next line feed at or after the scan position in a quoted field (n: none), so counting the lines
  // of a field with many doubled quotes does not rescan the rest of the text at each one.
  let nextLf = -1;
  while (i < n && rows < o.nrows) {
    const c0 = text.charCodeAt(i);
    if (c0 === LF || c0 === CR) { // blank line
      i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      consumed = i;
      continue;
    }
    if (o.comment !== undefined && text.startsWith(o.comment, i)) {
      while (i < n && text.charCodeAt(i) !== LF) i++;
      i++;
      line++;
      consumed = Math.min(i, n);
      continue;
    }
    const recLine = line;
    let nf = 0;
    // data rows go straight into the span table; the header (or a first row of unknown width) via fs/fe
    const direct = !headerPending && ncol >= 0;
    if (direct && rows >= capRows) reserve(rows + 1, recLine);
    const base = rows * ncol * 2;
    let incomplete = false;
    for (;;) {
      let s: number, e: number;
      if (text.charCodeAt(i) === QUOTE) {
        const open = line;
        let j = i + 1;
        let escaped = false;
        for (;;) {
          const q = text.indexOf('"', j);
          const stop = q < 0 ? n : q;
          if (nextLf < j) { nextLf = text.indexOf("\n", j); if (nextLf < 0) nextLf = n; }
          while (nextLf < stop) { line++; nextLf = text.indexOf("\n", nextLf + 1); if (nextLf < 0) nextLf = n; }
          if (q < 0) {
            if (o.partial) { incomplete = true; break; }
            fail(source, open, "unterminated quoted field (a \" opened here is never closed)");
          }
          if (text.charCodeAt(q + 1) === QUOTE) { escaped = true; j = q + 2; continue; }
          s = i + 1;
          e = q;
          i = q + 1;
          break;
        }
        if (incomplete) break;
        const c = i < n ? text.charCodeAt(i) : -1;
        if (c !== D && c !== LF && c !== CR && c !== -1) {
          fail(source, line, `unexpected character '${text[i]}' after a closing quote (quotes inside a quoted field must be doubled: "")`);
        }
        if (escaped) s = -s! - 1;
      } else {
        s = i;
        let c = 0;
        while (i < n && (c = text.charCodeAt(i)) !== D && c !== LF && c !== CR) i++;
        e = i;
      }
      if (direct) {
        if (nf < ncol) { spans[base + 2 * nf] = s!; spans[base + 2 * nf + 1] = e!; }
      } else { fs[nf] = s!; fe[nf] = e!; }
      nf++;
      if (i < n && text.charCodeAt(i) === D) { i++; continue; }
      // end of record; in a stream the last line (or a CR whose LF is in the next chunk) may continue
      if (o.partial && (i >= n || (text.charCodeAt(i) === CR && i + 1 >= n))) { incomplete = true; break; }
      if (i < n) {
        i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (incomplete) break;
    consumed = i;
    if (ncol < 0 && nf > o.maxColumns) fail(source, recLine, `${nf} columns, more than ${o.maxColumns}; the maxColumns option raises the limit`);
    if (headerPending) {
      headerPending = false;
      names = [];
      for (let k = 0; k < nf; k++) names.push(fieldText(text, fs[k], fe[k]));
      ncol = nf;
      fs.length = fe.length = 0;
      continue;
    }
    if (ncol < 0) ncol = nf;
    if (nf > ncol) fail(source, recLine, `expected ${ncol} fields, saw ${nf}`);
    if (!direct) {
      if (rows >= capRows) reserve(rows + 1, recLine);
      for (let k = 0, at = rows * ncol * 2; k < nf; k++) { spans[at++] = fs[k]; spans[at++] = fe[k]; }
      fs.length = fe.length = 0;
    }
    // a short row: the rest stays [0, 0), which reads as missing, as pandas fills it
    lines[rows++] = recLine;
  }
  if (ncol < 0) ncol = 0;
  return { names, ncol, rows, spans, lines, consumed };
}

/** The text of a field, with doubled quotes undone. */
export function fieldText(text: string, s: number, e: number): string {
  if (s >= 0) return text.slice(s, e);
  return text.slice(-s - 1, e).replace(/""/g, '"');
}

// ---- type inference and conversion ----

let numOk = false, numInt = false;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
// No nested or adjacent unbounded repeats of digits, so a long run of digits that fails is rejected in linear time.
const NUM_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a decimal number from text[s, e); sets numOk. Exact: fast path only where it rounds correctly. */
function parseNumber(text: string, s: number, e: number): number {
  let i = s, neg = false, c = text.charCodeAt(i);
  if (c === 45) { neg = true; i++; } else if (c === 43) i++;
  let mant = 0, digits = 0, exp = 0;
  while (i < e && (c = text.charCodeAt(i)) >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; i++; }
  numInt = true;
  if (i < e && c === 46) {
    i++;
    numInt = false;
    while (i < e && (c = text.charCodeAt(i)) >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; exp--; i++; }
  }
  if (digits > 0 && i === e && mant < 9007199254740992 && exp >= -22) {
    numOk = true;
    const v = exp === 0 ? mant : mant / POW10[-exp];
    return neg ? -v : v;
  }
  return parseNumberSlow(text.slice(s, e));
}

export function parseNumberSlow(raw: string): number {
  const t = raw.trim();
  numInt = false;
  if (NUM_RE.test(t)) { numOk = true; numInt = !/[.eE]/.test(t); return Number(t); }
  const l = t.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") { numOk = true; return Infinity; }
  if (l === "-inf" || l === "-infinity") { numOk = true; return -Infinity; }
  numOk = false;
  return NaN;
}

/** Whether readCsv reads this text as a number (decimal, with an optional exponent, or inf): "0x10" is not one. */
export function readsAsNumber(text: string): boolean {
  parseNumberSlow(text);
  return numOk;
}

const TRUE = new Set(["True", "TRUE", "true"]), FALSE = new Set(["False", "FALSE", "false"]);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO-8601 date or date-time (UTC unless it names an offset), or null if the text is not one. */
export function parseIsoDate(t: string): Date | null {
  const m = DATE_RE.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", tz] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
  const probe = new Date(Date.UTC(+y, +mo - 1, +d));
  if (probe.getUTCDate() !== +d || probe.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +sec > 59) return null;
  if (tz && tz !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    const hhmm = tz.slice(1).replace(":", "");
    ms -= sign * (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(2))) * 60000;
  }
  return new Date(ms);
}

export interface ConvertContext {
  text: string;
  source: string;
  na: Set<string>;
  lines: Int32Array;
}

/** Converts one column's fields: the forced dtype, else the narrowest of int → float → bool → date → text. */
// Numbers are parsed into this array when a column is short, then copied into the column's own: a wide
// table of short columns allocates one typed array per column, not two.
let scratch = new Float64Array(0);
function numberScratch(rows: number): Float64Array {
  if (rows > 4096) return new Float64Array(rows);
  if (scratch.length !== rows) scratch = new Float64Array(rows);
  return scratch;
}

export function convert(ctx: ConvertContext, name: string, tok: Tokens, col: number, forced: FrameDType | undefined, dates: boolean): Column {
  const { text, na } = ctx;
  const { rows, spans } = tok;
  // Field k of this column spans [spans[first + k·stride], spans[first + k·stride + 1]), read in place:
  // no per-column copies or closures, so a table of a million short columns costs one array per column.
  const first = col * 2, stride = tok.ncol * 2;
  if (forced === undefined || forced === "float64" || forced === "int32" || forced === "float32") {
    const out = numberScratch(rows);
    let ok = true, allInt = true;
    for (let k = 0, at = first; k < rows; k++, at += stride) {
      const s = spans[at], e = spans[at + 1];
      if (s === e) { out[k] = NaN; allInt = false; continue; }
      const v = s >= 0 ? parseNumber(text, s, e) : NaN;
      if (s >= 0 && numOk) {
        out[k] = v;
        if (allInt && (!numInt || v > 2147483647 || v < -2147483648)) allInt = false;
        continue;
      }
      if (na.has(fieldText(text, s, e))) { out[k] = NaN; allInt = false; continue; }
      if (forced) badValue(ctx, name, k, forced, fieldText(text, s, e));
      ok = false;
      break;
    }
    if (ok) {
      if (forced === "int32") {
        for (let k = 0; k < rows; k++) if (!Number.isInteger(out[k])) badValue(ctx, name, k, "int32", fieldText(text, spans[first + k * stride], spans[first + k * stride + 1]));
        return new Int32Array(out);
      }
      if (forced === "float32") return new Float32Array(out);
      if (allInt && rows > 0 && !forced) return new Int32Array(out);
      return out === scratch ? out.slice() : out;
    }
  }
  if (forced === undefined || forced === "bool") {
    const out = new Array<boolean | null>(rows);
    let ok = true;
    for (let k = 0, at = first; k < rows; k++, at += stride) {
      const s = spans[at], e = spans[at + 1];
      const t = s === e ? "" : fieldText(text, s, e);
      if (s === e || na.has(t)) { out[k] = null; continue; }
      if (TRUE.has(t)) out[k] = true;
      else if (FALSE.has(t)) out[k] = false;
      else { if (forced) badValue(ctx, name, k, "bool", t); ok = false; break; }
    }
    if (ok && (forced || rows > 0)) return out;
  }
  if (forced === "datetime" || (forced === undefined && dates)) {
    const out = new Array<Date | null>(rows);
    let ok = true, any = false;
    for (let k = 0, at = first; k < rows; k++, at += stride) {
      const s = spans[at], e = spans[at + 1];
      const t = s === e ? "" : fieldText(text, s, e);
      if (s === e || na.has(t)) { out[k] = null; continue; }
      const d = parseIsoDate(t.trim());
      if (d === null) { if (forced) badValue(ctx, name, k, "datetime", t); ok = false; break; }
      out[k] = d;
      any = true;
    }
    if (ok && (any || forced)) return out;
  }
  const out = new Array<string | null>(rows);
  for (let k = 0, at = first; k < rows; k++, at += stride) {
    const s = spans[at], e = spans[at + 1];
    if (s === e) { out[k] = null; continue; }
    const t = fieldText(text, s, e);
    out[k] = na.has(t) ? null : t;
  }
  return out;
}

function badValue(ctx: ConvertContext, name: string, row: number, dtype: string, value: string): never {
  fail(ctx.source, ctx.lines[row], `column "${name}": "${value.slice(0, 40)}" is not a valid ${dtype}`);
}

/** pandas' names for a header: empty names become "Unnamed: i", repeats get ".1", ".2", … */
export function fixNames(names: string[]): string[] {
  // name → the last suffix given to a repeat of it: the next repeat searches on from there, so a header
  // of many repeats (and names like "x.1" that the suffixes must skip) stays linear.
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    let name = raw === "" ? `Unnamed: ${i}` : raw;
    const k = seen.get(name);
    if (k !== undefined) {
      let c = k + 1;
      while (seen.has(`${name}.${c}`)) c++;
      seen.set(name, c);
      name = `${name}.${c}`;
    }
    seen.set(name, 0);
    return name;
  });
}

/** Parsed columns, in order. */
export interface ParsedCsv {
  names: string[];
  columns: Column[];
}

export interface ParseState {
  names?: string[];
  firstLine: number;
  /** What the options imply, made once per stream rather than once per chunk. */
  made?: Made;
}

export interface Made {
  na: Set<string>;
  forced: Map<string, FrameDType>;
  dateCols: Set<string>;
}

export function make(opts: CsvOptions): Made {
  const na = new Set<string>(opts.keepDefaultNa === false ? [""] : DEFAULT_NA);
  for (const v of opts.naValues ?? []) na.add(v);
  const pd = opts.parseDates;
  return { na, forced: new Map(Object.entries(opts.dtype ?? {})), dateCols: new Set(Array.isArray(pd) ? pd : []) };
}

/**
 * Throws an ArgumentError naming `op` for an unknown option or a value of the wrong kind, before any
 * file is read. `extra` names options the caller takes besides CsvOptions' (readCsvChunks' chunkSize).
 */
export function checkCsvOptions(op: string, opts: unknown, extra: readonly string[] = []): CsvOptions {
  const o = checkOptions(op, opts, [...CSV_OPTIONS, ...extra]) as CsvOptions;
  const strings = (what: string, v: unknown) => {
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) throw new ArgumentError(op, `${what} must be an array of strings, got ${String(v)}`);
  };
  const bool = (what: string, v: unknown) => {
    if (v !== undefined && typeof v !== "boolean") throw new ArgumentError(op, `${what} must be true or false, got ${String(v)}`);
  };
  const d = o.delimiter;
  if (d !== undefined && (typeof d !== "string" || d.length !== 1 || d === '"' || d === "\n" || d === "\r")) {
    throw new ArgumentError(op, `delimiter must be one character other than a quote or newline, got ${JSON.stringify(d)}`);
  }
  bool("header", o.header);
  bool("keepDefaultNa", o.keepDefaultNa);
  strings("names", o.names);
  strings("naValues", o.naValues);
  strings("usecols", o.usecols);
  if (o.usecols && new Set(o.usecols).size !== o.usecols.length) throw new ArgumentError(op, `usecols names a column twice: ${o.usecols.join(", ")}`);
  if (o.parseDates !== undefined && typeof o.parseDates !== "boolean") strings("parseDates (when not true or false)", o.parseDates);
  if (o.dtype !== undefined) {
    if (o.dtype === null || typeof o.dtype !== "object") throw new ArgumentError(op, `dtype must be an object of column → dtype, got ${String(o.dtype)}`);
    for (const [col, t] of Object.entries(o.dtype)) {
      if (!DTYPES.includes(t)) throw new ArgumentError(op, `dtype of column "${col}" must be one of ${DTYPES.join(", ")}, got ${JSON.stringify(t)}`);
    }
  }
  if (o.skipRows !== undefined) checkNumber(op, "skipRows", o.skipRows, { integer: true, min: 0 });
  if (o.nrows !== undefined && o.nrows !== Infinity) checkNumber(op, "nrows", o.nrows, { integer: true, min: 0 });
  if (o.comment !== undefined && (typeof o.comment !== "string" || o.comment === "")) throw new ArgumentError(op, `comment must be a non-empty string, got ${JSON.stringify(o.comment)}`);
  if (o.maxCells !== undefined) maxCellsOption(op, o.maxCells, 0);
  maxColumnsOption(op, o.maxColumns);
  return o;
}

/** Parses CSV text (the whole file, or with `partial` the complete records of a chunk); `opts` already checked. */
export function parseCsvText(text: string, source: string, opts: CsvOptions = {}, stream?: { state: ParseState; partial: boolean }): ParsedCsv & { consumed: number } {
  const delimiter = opts.delimiter ?? ",";
  const first = !stream || stream.state.names === undefined;
  const tok = tokenize(text, source, {
    delimiter: delimiter.charCodeAt(0),
    header: first && opts.header !== false,
    skipRows: first ? opts.skipRows ?? 0 : 0,
    nrows: opts.nrows ?? Infinity,
    comment: opts.comment,
    partial: stream?.partial ?? false,
    firstLine: stream?.state.firstLine ?? 1,
    expectCols: first ? undefined : stream!.state.names!.length,
    startOfFile: first,
    streaming: stream !== undefined,
    maxCells: maxCellsOption("readCsv", opts.maxCells, text.length),
    maxColumns: maxColumnsOption("readCsv", opts.maxColumns),
  });
  const made = stream ? (stream.state.made ??= make(opts)) : make(opts);
  const ctx: ConvertContext = { text, source, na: made.na, lines: tok.lines };
  const { names, want, columns } = assemble(tok, source, opts, made, first ? undefined : stream!.state.names!,
    (name, col, forced, dates) => convert(ctx, name, tok, col, forced, dates));
  if (stream) {
    stream.state.firstLine += countLines(text, tok.consumed);
    stream.state.names = names;
  }
  return { names: want, columns, consumed: tok.consumed };
}

/** Converts one column: its name, position in the file, forced dtype and whether dates are parsed. */
export type ConvertColumn = (name: string, col: number, forced: FrameDType | undefined, dates: boolean) => Column;

/**
 * What both readers (text: parseCsvText; bytes: csvbytes.ts) do after tokenizing: the names (the
 * header's, `names`, or a stream's), `usecols`, and each wanted column converted by `convertColumn`.
 */
export function assemble(tok: Tokens, source: string, opts: CsvOptions, made: Made, streamNames: string[] | undefined, convertColumn: ConvertColumn): { names: string[]; want: string[]; columns: Column[] } {
  let names: string[];
  if (streamNames) names = streamNames;
  else {
    const given = opts.names;
    if (given && given.length !== tok.ncol && tok.ncol > 0) {
      throw new ArgumentError("readCsv", `${source}: names has ${given.length} entries but the file has ${tok.ncol} columns`);
    }
    names = fixNames(given ?? (opts.header === false ? Array.from({ length: tok.ncol }, (_, i) => String(i)) : tok.names));
  }
  const { forced, dateCols } = made;
  // usecols' names → positions: a Map, so a wide file is linear and a column named "constructor" is just a name
  let want = names, at = (j: number) => j;
  if (opts.usecols) {
    const pos = new Map<string, number>();
    names.forEach((name, j) => pos.set(name, j));
    for (const u of opts.usecols) {
      if (!pos.has(u)) {
        const shown = names.length > 20 ? `${names.slice(0, 20).join(", ")}, … (${names.length} in all)` : names.join(", ");
        throw new ArgumentError("readCsv", `${source}: usecols names "${u}", which is not a column (columns: ${shown})`);
      }
    }
    want = opts.usecols;
    at = (j) => pos.get(want[j])!;
  }
  const pd = opts.parseDates ?? true;
  const columns = new Array<Column>(want.length);
  for (let j = 0; j < want.length; j++) {
    const name = want[j];
    columns[j] = convertColumn(name, at(j), forced.size ? forced.get(name) : undefined, pd === true || (dateCols.size > 0 && dateCols.has(name)));
  }
  return { names, want, columns };
}

function countLines(text: string, upto: number): number {
  let c = 0;
  for (let k = text.indexOf("\n"); k >= 0 && k < upto; k = text.indexOf("\n", k + 1)) c++;
  return c;
}

// ---- writing ----

/** Options of toCsv. */
export interface ToCsvOptions {
  delimiter?: string;
  /** Write the header line (default true). */
  header?: boolean;
  /** Text for missing values (default ""). */
  naRep?: string;
  /** Line ending (default "\n"). */
  lineTerminator?: string;
}

/** One value as CSV text, quoted when it holds the delimiter, a quote or a line break. */
export function csvCell(v: unknown, delimiter: string, naRep: string, withTime?: boolean): string {
  let s: string;
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return naRep;
  if (typeof v === "boolean") s = v ? "True" : "False";
  else if (v instanceof Date) s = formatDate(v, withTime);
  else s = String(v);
  if (s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r")) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Whether any date of a column has a time of day (then pandas prints every date of it with one). */
export function hasTimeOfDay(c: ArrayLike<unknown>): boolean {
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (v instanceof Date && v.getTime() % 86400000 !== 0) return true;
  }
  return false;
}

/** A date as pandas prints it: 2024-01-31, or 2024-01-31 08:30:00 with a time of day (UTC). */
export function formatDate(d: Date, withTime = d.getTime() % 86400000 !== 0): string {
  const iso = d.toISOString();
  if (!withTime) return iso.slice(0, 10);
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, ms ? 23 : 19)}`;
}
