// Reading CSV into tables: a file (or URL, Response, Blob, bytes), text, or a file streamed in
// chunks of rows. (JSON: json.ts.) Node's fs is looked up on use: frame/ also loads in a page.
import { ArgumentError, DeepScriptError, FileError } from "../core/errors.js";
import { nodeBuiltin, sourceName, withSource, type AsyncSource, type FileSource, type SyncSource } from "../core/source.js";
import { checkCsvOptions, type CsvOptions, parseCsvText, type ParseState } from "./csv.js";
import { parseCsvBytes } from "./csvbytes.js";
import { DataFrame } from "./frame.js";

// Node's longest string (2^29 − 24 UTF-16 units): text beyond it cannot be parsed in one piece.
const MAX_STRING = 2 ** 29 - 24;

/** Why a file could not be read, as a FileError naming it. */
function readError(op: string, path: string, e: unknown): FileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new FileError(op, path, "no such file");
  if (code === "EISDIR") return new FileError(op, path, "is a directory, not a file");
  if (code === "ERR_STRING_TOO_LONG" || code === "ERR_FS_FILE_TOO_LARGE") {
    return new FileError(op, path, `is longer than the longest string JavaScript can hold (${MAX_STRING} characters); read it in pieces (readCsvChunks)`);
  }
  return new FileError(op, path, `cannot be read (${code ?? (e as Error).message})`);
}

function nodeFs(op: string, path: string): typeof import("node:fs") {
  const fs = nodeBuiltin<typeof import("node:fs")>("node:fs");
  if (!fs) throw new FileError(op, path, "cannot be read here: there is no file system (in a browser, pass a URL, Response, File, Blob or ArrayBuffer instead of a path)");
  return fs;
}

/** The text of a source: a path read as UTF-8 (the longest-string limit reported), other sources decoded. */
export function sourceText(op: string, src: FileSource): string | Promise<string> {
  if (typeof src === "string") return readText(op, src);
  return withSource(op, src, (bytes, name) => {
    if (bytes.length > MAX_STRING) throw new FileError(op, name, `is longer than the longest string JavaScript can hold (${MAX_STRING} characters)`);
    return new TextDecoder().decode(bytes);
  });
}

/** A whole text file; failures are FileErrors naming it. */
export function readText(op: string, path: string): string {
  const fs = nodeFs(op, path);
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    throw readError(op, path, e);
  }
}

/**
 * Reads a CSV file into a DataFrame, as pd.read_csv: header, quoted fields (with delimiters,
 * quotes and line breaks inside), BOM, CRLF, missing values, int/float/bool/date inference.
 * A malformed file throws a FileError naming the file and line. Takes a path or bytes (and returns
 * the frame), or a URL, Response, File or Blob (and returns a Promise of it; `await` works for all).
 * @example const df = frame.readCsv("iris.csv"); const tsv = frame.readCsv("x.tsv", { delimiter: "\t" })
 * @example const df = await frame.readCsv(await fetch("iris.csv")); // in a page; or a dropped File
 */
export function readCsv(src: SyncSource, opts?: CsvOptions): DataFrame;
export function readCsv(src: AsyncSource, opts?: CsvOptions): Promise<DataFrame>;
export function readCsv(src: FileSource, opts?: CsvOptions): DataFrame | Promise<DataFrame>;
export function readCsv(src: FileSource, opts: CsvOptions = {}): DataFrame | Promise<DataFrame> {
  const o = checkCsvOptions("readCsv", opts);
  const parse = (text: string) => {
    const { names, columns } = parseCsvText(text, sourceName(src), o);
    return DataFrame._of(names, columns);
  };
  // The bytes themselves where they are ASCII (csvbytes.ts); other files are decoded as before.
  if (typeof src === "string") {
    const bytes = readBytes("readCsv", src);
    const fast = bytes.length <= MAX_STRING ? parseCsvBytes(bytes, src, o) : null;
    if (fast) return DataFrame._of(fast.names, fast.columns);
    return parse(decodeUtf8("readCsv", src, bytes));
  }
  return withSource("readCsv", src, (bytes, name) => {
    if (bytes.length > MAX_STRING) throw new FileError("readCsv", name, `is longer than the longest string JavaScript can hold (${MAX_STRING} characters)`);
    const fast = parseCsvBytes(bytes, name, o, false);
    return fast ? DataFrame._of(fast.names, fast.columns) : parse(new TextDecoder().decode(bytes));
  });
}

/** A whole file's bytes; failures are FileErrors naming it. */
function readBytes(op: string, path: string): Uint8Array {
  const fs = nodeFs(op, path);
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw readError(op, path, e);
  }
}

/** A file's bytes decoded as readFileSync(path, "utf8") decodes them (the byte-order mark kept). */
function decodeUtf8(op: string, path: string, bytes: Uint8Array): string {
  try {
    return (bytes as Buffer).toString("utf8");
  } catch (e) {
    throw readError(op, path, e);
  }
}

/** CSV text (not a path) into a DataFrame; errors name the source as "<text>". */
export function parseCsv(text: string, opts: CsvOptions = {}): DataFrame {
  const o = checkCsvOptions("parseCsv", opts);
  if (typeof text !== "string") throw new ArgumentError("parseCsv", `text must be a string, got ${typeof text}`);
  const { names, columns } = parseCsvText(text, "<text>", o);
  return DataFrame._of(names, columns);
}

/**
 * Streams a CSV file of any size as DataFrames of `chunkSize` rows (the last may be shorter),
 * as pd.read_csv(chunksize=…). Types are inferred per chunk.
 * @example for await (const chunk of frame.readCsvChunks("big.csv", { chunkSize: 100_000 })) total += chunk.col("x").sum();
 */
export async function* readCsvChunks(path: string, opts: CsvOptions & { chunkSize?: number } = {}): AsyncGenerator<DataFrame> {
  const { chunkSize = 100_000, ...csv } = checkCsvOptions("readCsvChunks", opts, ["chunkSize"]) as CsvOptions & { chunkSize?: number };
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new ArgumentError("readCsvChunks", `chunkSize must be a positive integer, got ${chunkSize}`);
  const state: ParseState = { firstLine: 1 };
  let buf = "", need = 1 << 20, left = csv.nrows ?? Infinity;
  const stream = nodeFs("readCsvChunks", path).createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      if (buf.length + piece.length > MAX_STRING) {
        throw new FileError("readCsvChunks", path, `line ${state.firstLine}: ${chunkSize} rows (or one unterminated quoted field) run past the longest string JavaScript can hold (${MAX_STRING} characters)`);
      }
      buf += piece;
      while (buf.length >= need && left > 0) {
        const want = Math.min(chunkSize, left);
        // A chunk is parsed on a copy of the state and kept only when complete: the rows of a short
        // try stay in the buffer for the next, longer one (dropping them lost rows of big chunks).
        const trial = { ...state };
        const r = parseCsvText(buf, path, { ...csv, nrows: want }, { state: trial, partial: true });
        const got = r.columns.length ? r.columns[0].length : 0;
        if (got < want) { need = buf.length * 2; break; }
        Object.assign(state, trial);
        buf = buf.slice(r.consumed);
        left -= got;
        need = Math.max(1, r.consumed);
        yield DataFrame._of(r.names, r.columns);
      }
      if (left <= 0) return;
    }
  } catch (e) {
    // the stream's own failures (no such file, a directory, unreadable) carry a system error code
    if (e instanceof DeepScriptError || (e as NodeJS.ErrnoException).code === undefined) throw e;
    throw readError("readCsvChunks", path, e);
  } finally {
    stream.destroy();
  }
  while (left > 0 && (buf.length > 0 || state.names === undefined)) {
    const want = Math.min(chunkSize, left);
    const r = parseCsvText(buf, path, { ...csv, nrows: want }, { state, partial: false });
    const got = r.columns.length ? r.columns[0].length : 0;
    buf = buf.slice(r.consumed);
    left -= got;
    if (got > 0) yield DataFrame._of(r.names, r.columns);
    if (got < want) break;
  }
}
