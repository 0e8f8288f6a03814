// Fuzz target: CSV files through frame.readCsv, and the same file streamed by frame.readCsvChunks in
// chunks of 3 rows (or more, to make at most ~1,000 chunks), which must agree with it on the number of rows.
import { readFileSync } from "node:fs";
import { frame } from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { CELLS, int, onText, pick, size, splice } from "../table_bytes.js";

const enc = new TextEncoder();

/** Tables as the library writes them (toCsv): every dtype, missing values, text that needs quoting. */
function written(): string[] {
  const dates = [new Date(Date.UTC(2024, 0, 31)), null, new Date(Date.UTC(2024, 1, 29, 8, 30)), new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 500))];
  const mixed = new frame.DataFrame({
    int: [1, -2, 2147483647, 0],
    float: [1.5, NaN, -2e-300, 1e300],
    bool: [true, false, null, true],
    text: ['say "hi"', "a,b", "two\nlines", null],
    date: dates,
  });
  const wide = new frame.DataFrame(Object.fromEntries(Array.from({ length: 40 }, (_, j) => [`c${j}`, Array.from({ length: 3 }, (_, i) => i * j)])));
  const long = new frame.DataFrame({ i: Array.from({ length: 200 }, (_, i) => i), x: Array.from({ length: 200 }, (_, i) => Math.sin(i)) });
  const names = new frame.DataFrame({ ["__proto__"]: [1], constructor: [2], "": [3], toString: ["x"] });
  return [
    mixed.toCsv(),
    mixed.toCsv(undefined, { lineTerminator: "\r\n", naRep: "NA" }),
    mixed.toCsv(undefined, { header: false }),
    wide.toCsv(),
    long.toCsv(),
    names.toCsv(),
    new frame.DataFrame({ a: [] }).toCsv(),
  ];
}

/** The well-formed CSV fixtures of test/fixtures/csv: quotes, BOM + CRLF, duplicate names, missing values, dates. */
function fixtures(): string[] {
  const files = ["quoted.csv", "bom_crlf.csv", "header_dupes.csv", "missing.csv", "mixed.csv", "dates.csv"];
  return files.map((f) => readFileSync(new URL(`../../test/fixtures/csv/${f}`, import.meta.url), "utf8"));
}

const lineStarts = (t: string): number[] => [0, ...[...t.matchAll(/\n/g)].map((m) => m.index! + 1)];

const target: FuzzTarget = {
  name: "csv",
  ext: ".csv",
  corpus: () => [...written(), ...fixtures()].map((t) => enc.encode(t)),
  async parse(path) {
    const whole = frame.readCsv(path).length; // only the count is kept, so one table at a time is alive
    // Small chunks put many boundaries in a file; a file of millions of rows gets bigger ones, as a few
    // microseconds per chunk would otherwise pass the watchdog.
    const chunkSize = Math.max(3, Math.ceil(whole / 1000));
    let rows = 0;
    for await (const chunk of frame.readCsvChunks(path, { chunkSize })) rows += chunk.length;
    if (rows !== whole) throw new Error(`readCsvChunks read ${rows} rows, readCsv ${whole}`);
  },
  mutators: [
    // a header made very wide (the columns-quadratic case), with rows left short
    onText((t, r) => {
      const nl = t.indexOf("\n");
      const extra = Array.from({ length: size(r, 20_000) }, (_, j) => `,w${j}`).join("");
      return nl < 0 ? t + extra : t.slice(0, nl) + extra + t.slice(nl);
    }),
    // many short rows under the header (tables far bigger than the file, unless bounded)
    onText((t, r) => t + pick(r, ["1\n", "\n", ",\n", '""\n', "x\r"]).repeat(size(r, 50_000))),
    // a cell swapped for one that some reader misreads
    onText((t, r) => splice(t, r, pick(r, CELLS), 4)),
    // a quote, delimiter or line end where it does not belong
    onText((t, r) => splice(t, r, pick(r, ['"', '""', ",", "\n", "\r", "\r\n", ";", "\t", '"x"y', "\uFEFF"]), 0)),
    // a quoted field of many doubled quotes (and perhaps never closed)
    onText((t, r) => splice(t, r, '"' + '""'.repeat(size(r, 50_000)) + (r() < 0.5 ? '"' : ""), 0)),
    // a long run of digits, then perhaps a letter (regex backtracking)
    onText((t, r) => splice(t, r, "9".repeat(size(r, 50_000)) + pick(r, ["", "x", ".", "e", "e+"]), 2)),
    // one row repeated many times
    onText((t, r) => {
      const starts = lineStarts(t);
      const at = pick(r, starts), end = t.indexOf("\n", at);
      const row = t.slice(at, end < 0 ? t.length : end + 1);
      return t.slice(0, at) + row.repeat(size(r, 20_000)) + t.slice(at);
    }),
    // line ends changed: all CR, mixed, or none
    onText((t, r) => (r() < 0.5 ? t.replace(/\r?\n/g, "\r") : t.replace(/\n/g, () => pick(r, ["\n", "\r", "\r\n", ""])))),
    // a header name repeated (the suffix search), next to names it must skip
    onText((t, r) => {
      const nl = t.indexOf("\n");
      const n = size(r, 5000);
      const head = ["x.1", "x.2", ...Array.from({ length: n }, () => "x")].join(",");
      return head + (nl < 0 ? "\n" : t.slice(nl));
    }),
    // a column of one line cut out or moved
    onText((t, r) => {
      const starts = lineStarts(t);
      const a = pick(r, starts), b = pick(r, starts);
      return b > a ? t.slice(0, a) + t.slice(b) : t.slice(0, b) + t.slice(a, a + int(r, 200)) + t.slice(b);
    }),
  ],
};
export default target;
