// readCsv's fast path: CSV bytes → typed columns without decoding the file to a string first. One
// pass over the bytes finds the fields (as csv.ts's tokenizer does over text) and, in the same scan
// that finds an unquoted field's end, parses it as a number into its column's Float64Array; a column
// whose every field parsed (or was empty) is done when the pass ends. Only the other columns (text,
// bools, dates, numbers the fast parser leaves to Number(): exponents past 10^22, 17+ digits, "NaN",
// "inf", spaces) keep their fields' spans, and go through csv.ts's convert on their distinct fields,
// so they read exactly as the text path reads them. It takes ASCII files (a byte-order mark allowed),
// where a byte is a character; others return null and are decoded and read by parseCsvText, the
// composed reference this path is tested against (test/frame-csvbytes.test.ts).
import type { Column } from "./column.js";
import { assemble, convert, type ConvertContext, type CsvOptions, fail, make, type ParsedCsv, type Tokens } from "./csv.js";
import { maxCellsOption, maxColumnsOption } from "./limits.js";
import { nodeBuiltin } from "../core/source.js";

const QUOTE = 34, LF = 10, CR = 13;
/** 10^k for k ≤ 22: every one is exact in a double, so one multiply or divide rounds correctly (Clinger). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const TWO53 = 9007199254740992;

/** Set by parseNumberBytes: whether the fast path read the field, and whether it was written as an integer. */
export let fastOk = false, fastInt = false;

/**
 * A decimal number from bytes[s, e) (sign, digits, '.', exponent), exact where it answers: the
 * mantissa below 2^53 and the power of ten within 10^±22, so that the result is one correctly
 * rounded multiply or divide — the same double as Number(text). Anything else clears fastOk and
 * leaves the field to the caller's Number()-based path.
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  let i = s, neg = false, c = b[i];
  if (c === 45) { neg = true; i++; } else if (c === 43) i++;
  let mant = 0, digits = 0, exp = 0;
  while (i < e && (c = b[i]) >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; i++; }
  fastInt = true;
  if (i < e && c === 46) {
    i++;
    fastInt = false;
    while (i < e && (c = b[i]) >= 48 && c <= 57) { mant = mant * 10 + (c - 48); digits++; exp--; i++; }
  }
  if (digits > 0 && i < e && (c === 101 || c === 69)) {
    i++;
    fastInt = false;
    let eneg = false, ev = 0, edigits = 0;
    c = b[i];
    if (c === 45) { eneg = true; i++; } else if (c === 43) i++;
    while (i < e && (c = b[i]) >= 48 && c <= 57 && edigits < 6) { ev = ev * 10 + (c - 48); edigits++; i++; }
    if (edigits === 0) { fastOk = false; return NaN; }
    exp += eneg ? -ev : ev;
  }
  if (digits === 0 || i !== e || mant >= TWO53 || exp < -22 || exp > 22) { fastOk = false; return NaN; }
  fastOk = true;
  const v = exp === 0 ? mant : exp > 0 ? mant * POW10[exp] : mant / POW10[-exp];
  return neg ? -v : v;
}

/** Column flags of the tokenizing pass. */
const SLOW = 1, NOT_INT = 2;

interface ByteTokens {
  names: string[];
  ncol: number;
  rows: number;
  /** 1-based line on which each data row starts, and the byte at which it starts. */
  lines: Int32Array;
  rowStart: Int32Array;
  /** Per column: the values the fast parser read (NaN for empty fields), and SLOW / NOT_INT flags. */
  values: Float64Array[];
  flags: Uint8Array;
  /**
   * Per SLOW column, its fields' spans as csv.ts's Tokens hold them for a table of one column (a
   * negative start marks doubled quotes); null for the others, which need none.
   */
  spans: (Int32Array | null)[];
}

interface ByteOptions {
  delimiter: number;
  header: boolean;
  skipRows: number;
  nrows: number;
  comment?: Uint8Array;
  start: number;
  maxCells: number;
  maxColumns: number;
}

/** Fields of a row already tokenized, found again: field k of the row starting at `at` (set into span0/span1). */
let span0 = 0, span1 = 0;
function findField(b: Uint8Array, stop: Uint8Array, D: number, at: number, k: number): void {
  const n = b.length;
  let i = at;
  for (let f = 0; ; f++) {
    let s: number, e: number;
    if (b[i] === QUOTE) {
      let j = i + 1, escaped = false;
      for (;;) {
        const q = b.indexOf(QUOTE, j);
        if (b[q + 1] === QUOTE) { escaped = true; j = q + 2; continue; }
        s = escaped ? -(i + 1) - 1 : i + 1;
        e = q;
        i = q + 1;
        break;
      }
    } else {
      s = i;
      while (i < n && stop[b[i]] === 0) i++;
      e = i;
    }
    if (f === k) { span0 = s; span1 = e; return; }
    if (i < n && b[i] === D) { i++; continue; }
    span0 = span1 = 0; // a short row: missing
    return;
  }
}

/**
 * A byte-level copy of csv.ts's tokenize for a whole file (not a stream). It keeps no span per field:
 * numbers are parsed as each field is found, and only a column that needs the text path (SLOW)
 * records spans — from the row where it turned SLOW on, its earlier rows' found again then.
 */
function tokenizeBytes(b: Uint8Array, source: string, o: ByteOptions): ByteTokens & { stop: Uint8Array } {
  const n = b.length, D = o.delimiter;
  // 1 for the bytes that end an unquoted field (delimiter, LF, CR)
  const stop = new Uint8Array(256);
  stop[LF] = stop[CR] = 1;
  if (D < 256) stop[D] = 1;
  let i = o.start, line = 1, ncol = -1;
  let names: string[] = [];
  const rowLimit = o.nrows + (o.header ? 1 : 0);
  // Lines bound the rows (the header's is not one, nor the empty "line" after a final line feed), which
  // sizes the tables of most files exactly; CR-only line ends grow them instead.
  let breaks = 1;
  for (let k = b.indexOf(LF, i); k >= 0 && breaks < rowLimit; k = b.indexOf(LF, k + 1)) breaks++;
  if (n > 0 && b[n - 1] === LF) breaks--;
  if (o.header) breaks--;
  // The tables live in one object that the closures below share: a variable a closure captures is a
  // context slot, read from memory at each use, and the scan's own (i, rows) must stay in registers.
  const t = { values: [] as Float64Array[], flags: new Uint8Array(0), spans: [] as (Int32Array | null)[], lines: new Int32Array(0), rowStart: new Int32Array(0), cap: 0 };
  let headerPending = o.header;
  const grow = <T extends Int32Array | Float64Array>(a: T, len: number, used: number): T => {
    const a2 = new (a.constructor as new (n: number) => T)(len);
    a2.set(a.subarray(0, used));
    return a2;
  };
  const reserve = (need: number, at: number, ncol: number, rows: number, from: number) => {
    if (need * ncol > o.maxCells) {
      fail(source, at, `the table would exceed ${o.maxCells} cells (${need} rows × ${ncol} columns); the maxCells option raises the limit`);
    }
    let cap = t.cap === 0 ? Math.min(Math.max(breaks, 16), rowLimit, Math.floor((n - from) / Math.max(ncol, 1)) + 2) : t.cap * 2;
    cap = Math.min(Math.max(cap, need), rowLimit, Math.max(need, Math.floor(o.maxCells / Math.max(ncol, 1))));
    if (t.values.length !== ncol) {
      t.values = Array.from({ length: ncol }, () => new Float64Array(0));
      t.flags = new Uint8Array(ncol);
      t.spans = new Array(ncol).fill(null);
    }
    for (let k = 0; k < ncol; k++) {
      const sp = t.spans[k];
      if (sp) t.spans[k] = grow(sp, cap * 2, rows * 2);
      else t.values[k] = grow(t.values[k], cap, rows);
    }
    t.lines = grow(t.lines, cap, rows);
    t.rowStart = grow(t.rowStart, cap, rows);
    t.cap = cap;
  };
  // A column turns SLOW at row r: its spans from here on, and rows 0..r-1's found again.
  const slow = (k: number, r: number) => {
    t.flags[k] |= SLOW;
    t.values[k] = new Float64Array(0);
    const sp = (t.spans[k] = new Int32Array(t.cap * 2));
    for (let q = 0; q < r; q++) {
      findField(b, stop, D, t.rowStart[q], k);
      sp[2 * q] = span0;
      sp[2 * q + 1] = span1;
    }
  };
  // Field k of row r into its column: a number, or its span in a SLOW column.
  const note = (k: number, r: number, s: number, e: number) => {
    const f = t.flags[k];
    if (!(f & SLOW)) {
      if (s === e) { t.values[k][r] = NaN; t.flags[k] = f | NOT_INT; return; }
      const v = s >= 0 ? parseNumberBytes(b, s, e) : NaN;
      if (s >= 0 && fastOk) {
        t.values[k][r] = v;
        if (!fastInt || v > 2147483647 || v < -2147483648) t.flags[k] = f | NOT_INT;
        return;
      }
      slow(k, r);
    }
    const sp = t.spans[k]!;
    sp[2 * r] = s;
    sp[2 * r + 1] = e;
  };
  const C = o.comment;
  const startsComment = (at: number) => {
    if (C === undefined || at + C.length > n) return false;
    for (let k = 0; k < C.length; k++) if (b[at + k] !== C[k]) return false;
    return true;
  };

  for (let skip = 0; skip < o.skipRows && i < n; skip++) {
    while (i < n && b[i] !== LF) i++;
    i++;
    line++;
  }
  const fs: number[] = [], fe: number[] = [];
  let nextLf = -1, rows = 0;
  let { values, flags, spans, lines, rowStart, cap: capRows } = t;
  while (i < n && rows < o.nrows) {
    const c0 = b[i];
    if (c0 === LF || c0 === CR) {
      i += c0 === CR && b[i + 1] === LF ? 2 : 1;
      line++;
      continue;
    }
    if (C !== undefined && startsComment(i)) {
      while (i < n && b[i] !== LF) i++;
      i++;
      line++;
      continue;
    }
    const recLine = line, recStart = i;
    let nf = 0;
    const direct = !headerPending && ncol >= 0;
    if (direct && rows >= capRows) {
      reserve(rows + 1, recLine, ncol, rows, i);
      ({ values, flags, spans, lines, rowStart, cap: capRows } = t);
    }
    for (;;) {
      let s: number, e: number;
      if (b[i] === QUOTE) {
        const open = line;
        let j = i + 1;
        let escaped = false;
        for (;;) {
          const q = b.indexOf(QUOTE, j);
          const end = q < 0 ? n : q;
          if (nextLf < j) { nextLf = b.indexOf(LF, j); if (nextLf < 0) nextLf = n; }
          while (nextLf < end) { line++; nextLf = b.indexOf(LF, nextLf + 1); if (nextLf < 0) nextLf = n; }
          if (q < 0) fail(source, open, "unterminated quoted field (a \" opened here is never closed)");
          if (b[q + 1] === QUOTE) { escaped = true; j = q + 2; continue; }
          s = i + 1;
          e = q;
          i = q + 1;
          break;
        }
        const c = i < n ? b[i] : -1;
        if (c !== D && c !== LF && c !== CR && c !== -1) {
          fail(source, line, `unexpected character '${String.fromCharCode(c)}' after a closing quote (quotes inside a quoted field must be doubled: "")`);
        }
        if (escaped) s = -s! - 1;
        if (direct && nf < ncol) note(nf, rows, s!, e!);
      } else if (direct && nf < ncol && (flags[nf] & SLOW) === 0) {
        // parseNumberBytes fused with the scan for the field's end: each byte is read once
        s = i;
        let c = i < n ? b[i] : 0, neg = false;
        if (c === 45) { neg = true; c = b[++i]; } else if (c === 43) c = b[++i];
        let mant = 0, digits = 0, exp = 0, isInt = true;
        while (c >= 48 && c <= 57 && i < n) { mant = mant * 10 + (c - 48); digits++; c = b[++i]; }
        if (c === 46 && i < n) {
          isInt = false;
          c = b[++i];
          while (c >= 48 && c <= 57 && i < n) { mant = mant * 10 + (c - 48); digits++; exp--; c = b[++i]; }
        }
        if (i >= n || stop[c] === 1) {
          e = i;
          const col = values[nf];
          if (digits > 0 && mant < TWO53 && exp >= -22) {
            const v = exp === 0 ? mant : mant / POW10[-exp];
            col[rows] = neg ? -v : v;
            if (!isInt || v > (neg ? 2147483648 : 2147483647)) flags[nf] |= NOT_INT;
          } else if (s === e) {
            col[rows] = NaN;
            flags[nf] |= NOT_INT;
          } else note(nf, rows, s, e);
        } else {
          while (i < n && stop[b[i]] === 0) i++;
          e = i;
          note(nf, rows, s, e);
        }
      } else {
        s = i;
        while (i < n && stop[b[i]] === 0) i++;
        e = i;
        if (direct && nf < ncol) {
          const sp = spans[nf];
          if (sp !== null) { sp[2 * rows] = s; sp[2 * rows + 1] = e; } else note(nf, rows, s, e);
        }
      }
      if (!direct) { fs[nf] = s!; fe[nf] = e!; }
      nf++;
      if (i < n && b[i] === D) { i++; continue; }
      if (i < n) {
        i += b[i] === CR && b[i + 1] === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (ncol < 0 && nf > o.maxColumns) fail(source, recLine, `${nf} columns, more than ${o.maxColumns}; the maxColumns option raises the limit`);
    if (headerPending) {
      headerPending = false;
      names = [];
      for (let k = 0; k < nf; k++) names.push(asciiField(b, fs[k], fe[k]));
      ncol = nf;
      fs.length = fe.length = 0;
      continue;
    }
    if (ncol < 0) ncol = nf;
    if (nf > ncol) fail(source, recLine, `expected ${ncol} fields, saw ${nf}`);
    if (!direct) {
      if (rows >= capRows) {
        reserve(rows + 1, recLine, ncol, rows, i);
        ({ values, flags, spans, lines, rowStart, cap: capRows } = t);
      }
      for (let k = 0; k < nf; k++) note(k, rows, fs[k], fe[k]);
      fs.length = fe.length = 0;
    }
    // a short row: the rest is missing, as pandas fills it
    for (let k = nf; k < ncol; k++) note(k, rows, 0, 0);
    rowStart[rows] = recStart;
    lines[rows++] = recLine;
  }
  if (ncol < 0) ncol = 0;
  if (t.values.length !== ncol) { // no data rows: no table was reserved
    t.values = Array.from({ length: ncol }, () => new Float64Array(0));
    t.flags = new Uint8Array(ncol);
    t.spans = new Array(ncol).fill(null);
  }
  return { names, ncol, rows, lines: t.lines, rowStart: t.rowStart, values: t.values, flags: t.flags, spans: t.spans, stop };
}

/**
 * A column's distinct fields (by their bytes, doubled quotes included): the id of each row's field,
 * and a small text holding each distinct field once with its span there. Type inference on the
 * distinct fields decides as on all of them (each rule is "every field reads as …"), and a column of
 * 100 keys then makes 100 strings, not a million.
 */
function distinctFields(b: Uint8Array, sp: Int32Array, rows: number): { ids: Int32Array; count: number; text: string; spans: Int32Array } {
  let size = 1024, table = new Int32Array(size).fill(-1);
  const starts: number[] = [], ends: number[] = [], hashes: number[] = [];
  const ids = new Int32Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const s = sp[2 * r], e = sp[2 * r + 1];
    const from = s < 0 ? -s - 1 : s;
    let h = s < 0 ? 0x1b873593 : 0x811c9dc5;
    for (let k = from; k < e; k++) h = Math.imul(h ^ b[k], 16777619);
    let slot = h & (size - 1), id: number;
    for (;;) {
      id = table[slot];
      if (id < 0) {
        id = starts.length;
        starts.push(s);
        ends.push(e);
        hashes.push(h);
        total += e - from;
        table[slot] = id;
        if (starts.length * 2 > size) {
          size *= 2;
          table = new Int32Array(size).fill(-1);
          for (let q = 0; q < starts.length; q++) {
            let at = hashes[q] & (size - 1);
            while (table[at] >= 0) at = (at + 1) & (size - 1);
            table[at] = q;
          }
        }
        break;
      }
      if (hashes[id] === h && sameField(b, starts[id], ends[id], s, e)) break;
      slot = (slot + 1) & (size - 1);
    }
    ids[r] = id;
  }
  const count = starts.length, bytes = new Uint8Array(total), spans = new Int32Array(count * 2);
  for (let q = 0, p = 0; q < count; q++) {
    const s = starts[q], from = s < 0 ? -s - 1 : s, len = ends[q] - from;
    bytes.set(b.subarray(from, from + len), p);
    spans[2 * q] = s < 0 ? -p - 1 : p;
    spans[2 * q + 1] = p + len;
    p += len;
  }
  return { ids, count, text: oneByteText(bytes), spans };
}

function sameField(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if ((s1 < 0) !== (s2 < 0)) return false;
  const f1 = s1 < 0 ? -s1 - 1 : s1, f2 = s2 < 0 ? -s2 - 1 : s2;
  if (e1 - f1 !== e2 - f2) return false;
  for (let k = 0; k < e1 - f1; k++) if (b[f1 + k] !== b[f2 + k]) return false;
  return true;
}

/** Row r's value is `values[ids[r]]`; dates are copied (a Date is mutable, so rows must not share one). */
function repeatValues(values: Column, ids: Int32Array): Column {
  const rows = ids.length;
  if (values instanceof Float64Array || values instanceof Int32Array) {
    const out = values instanceof Float64Array ? new Float64Array(rows) : new Int32Array(rows);
    for (let r = 0; r < rows; r++) out[r] = values[ids[r]];
    return out;
  }
  const v = values as unknown[], out = new Array<unknown>(rows);
  for (let r = 0; r < rows; r++) {
    const x = v[ids[r]];
    out[r] = x instanceof Date ? new Date(x.getTime()) : x;
  }
  return out as Column;
}

/** An ASCII field's text, doubled quotes undone (a negative start marks them, as in csv.ts). */
function asciiField(b: Uint8Array, s: number, e: number): string {
  const esc = s < 0;
  if (esc) s = -s - 1;
  let t = "";
  for (let k = s; k < e; k += 8192) t += String.fromCharCode.apply(null, b.subarray(k, Math.min(e, k + 8192)) as unknown as number[]);
  return esc ? t.replace(/""/g, '"') : t;
}

/** Whether every byte is below 0x80 (Node's simdutf check where there is one). */
function isAscii(b: Uint8Array, from: number): boolean {
  const buffer = nodeBuiltin<{ isAscii?: (b: Uint8Array) => boolean }>("node:buffer");
  if (buffer?.isAscii) return buffer.isAscii(b.subarray(from));
  for (let k = from; k < b.length; k++) if (b[k] & 0x80) return false;
  return true;
}

/** The bytes as a string of one character per byte (for ASCII, the file's text). */
function oneByteText(b: Uint8Array): string {
  const buffer = nodeBuiltin<{ Buffer: typeof Buffer }>("node:buffer");
  if (buffer) return buffer.Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  // windows-1252 to the WHATWG decoder, the same as latin1 on ASCII
  return new TextDecoder("latin1").decode(b);
}

function asciiBytes(t: string): Uint8Array | null {
  const out = new Uint8Array(t.length);
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c > 127) return null;
    out[k] = c;
  }
  return out;
}

/**
 * Parses a whole CSV file's bytes (`opts` already checked) as parseCsvText parses its text, or
 * returns null where this path does not apply (bytes that are not ASCII after a byte-order mark;
 * a delimiter or comment that is not ASCII): then decode and call parseCsvText. `keepsBom`: whether
 * the text path would have seen the byte-order mark (readFileSync's decoding keeps it, TextDecoder drops it).
 */
export function parseCsvBytes(b: Uint8Array, source: string, opts: CsvOptions = {}, keepsBom = true): ParsedCsv | null {
  const delimiter = (opts.delimiter ?? ",").charCodeAt(0);
  const comment = opts.comment === undefined ? undefined : asciiBytes(opts.comment);
  if (delimiter > 127 || comment === null) return null;
  const start = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  if (!isAscii(b, start)) return null;
  const tok = tokenizeBytes(b, source, {
    delimiter,
    header: opts.header !== false,
    skipRows: opts.skipRows ?? 0,
    nrows: opts.nrows ?? Infinity,
    comment,
    start,
    // the text path's default counts characters: a byte-order mark is one, or none where the decoder drops it
    maxCells: maxCellsOption("readCsv", opts.maxCells, b.length - (start ? (keepsBom ? 2 : 3) : 0)),
    maxColumns: maxColumnsOption("readCsv", opts.maxColumns),
  });
  const made = make(opts);
  let ctx: ConvertContext | undefined;
  const { want, columns } = assemble(tok as unknown as Tokens, source, opts, made, undefined, (name, col, forced, dates): Column => {
    const { rows, values, flags } = tok;
    const f = flags[col];
    if (!(f & SLOW) && (forced === undefined || forced === "float64" || forced === "float32")) {
      const v = values[col].length === rows ? values[col] : values[col].subarray(0, rows);
      if (forced === "float32") return new Float32Array(v);
      if (!(f & NOT_INT) && rows > 0 && !forced) return new Int32Array(v);
      return v.length === values[col].length ? v : v.slice();
    }
    // the text path's convert, on this column's spans (found again for a column that parsed as numbers)
    let sp = tok.spans[col];
    if (!sp) {
      sp = new Int32Array(rows * 2);
      for (let q = 0; q < rows; q++) {
        findField(b, tok.stop, delimiter, tok.rowStart[q], col);
        sp[2 * q] = span0;
        sp[2 * q + 1] = span1;
      }
    }
    if (forced === undefined) {
      // inferred: convert each distinct field once and repeat the results (see distinctFields)
      const d = distinctFields(b, sp, rows);
      const conv = convert({ text: d.text, source, na: made.na, lines: tok.lines }, name, { names: tok.names, ncol: 1, rows: d.count, spans: d.spans, lines: tok.lines, consumed: 0 }, 0, undefined, dates);
      return repeatValues(conv, d.ids);
    }
    ctx ??= { text: oneByteText(b), source, na: made.na, lines: tok.lines };
    return convert(ctx, name, { names: tok.names, ncol: 1, rows, spans: sp, lines: tok.lines, consumed: 0 }, 0, forced, dates);
  });
  return { names: want, columns };
}
