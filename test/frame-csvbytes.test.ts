// readCsv's byte path (src/frame/csvbytes.ts) against its composed reference, the text path
// (parseCsv: decode, then csv.ts): the same frames, dtypes, values (bit for bit) and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { frame } from "../src/index.js";
import { fastOk, parseNumberBytes } from "../src/frame/csvbytes.js";
import { PCG32 } from "../src/core/rng.js";

const enc = new TextEncoder();

/** Columns, dtypes and every value of a frame (deepStrictEqual: NaN equals NaN, -0 differs from 0). */
function contents(df: frame.DataFrame): unknown {
  return { columns: df.columns, dtypes: df.dtypes, values: df.columns.map((c) => df.col(c).toArray()) };
}

/** readCsv of the bytes agrees with parseCsv of the text, in value or in error message. */
function same(text: string, opts: frame.CsvOptions = {}, what = text.slice(0, 60)): void {
  let want: unknown, got: unknown;
  try {
    want = contents(frame.parseCsv(text, opts));
  } catch (e) {
    want = { error: (e as Error).constructor.name, message: (e as Error).message.replace(/<text>/g, "?") };
  }
  try {
    got = contents(frame.readCsv(enc.encode(text), opts));
  } catch (e) {
    got = { error: (e as Error).constructor.name, message: (e as Error).message.replace(/<bytes>/g, "?") };
  }
  assert.deepStrictEqual(got, want, JSON.stringify(what));
}

const EDGE = [
  "0", "-0", "+0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "1.5", "-2.25", ".5", "5.", "-.5", "+.5", "00012", "0001.2500",
  "2147483647", "2147483648", "-2147483648", "-2147483649", "9007199254740991", "9007199254740992", "9007199254740993",
  "123456789012345678901234567890", "1e22", "1e23", "1e-22", "1e-23", "1e-400", "1e400", "-1e400", "4.9e-324", "2.5e-324",
  "1.7976931348623157e308", "1.7976931348623159e308", "2.2250738585072014e-308", "1E5", "1e+05", "1e-05", "1.5e3", "-1.5E-3",
  "0.30000000000000004", "3.141592653589793", "12345.678901234567", "1e", "1e+", "e5", ".", "-", "+", "", " 1", "1 ", "1,5",
  "0x10", "0b1", "1_000", "Infinity", "inf", "NaN", "nan", "1e5.5", "--1", "+-1", "1.2.3", "١٢", "0.000000000000000000001",
  "99999999999999999999e-20", "8.98846567431158e307", "1.0000000000000002", "0.1e1", "100e-2", "1e0", "1e-0", "1e000022",
];

test("parseNumberBytes: where it answers, the double Number() gives, bit for bit; else it declines", () => {
  let answered = 0;
  const check = (t: string) => {
    const b = enc.encode(t);
    const v = parseNumberBytes(b, 0, b.length);
    if (!fastOk) return;
    answered++;
    assert.ok(Object.is(v, Number(t)), `${JSON.stringify(t)}: ${v} but Number() gives ${Number(t)}`);
  };
  for (const t of EDGE) check(t);
  // what the fast path must answer (Clinger's range) and what it must leave to Number()
  for (const t of ["0.1", "-0", "1e22", "1e-22", "9007199254740991", "1.5e3", ".5", "5."]) {
    parseNumberBytes(enc.encode(t), 0, t.length);
    assert.ok(fastOk, t);
  }
  for (const t of ["1e23", "1e-23", "1e-400", "9007199254740993", "0x10", "inf", "NaN", " 1", "1e", "."]) {
    parseNumberBytes(enc.encode(t), 0, t.length);
    assert.ok(!fastOk, t);
  }
  const rng = new PCG32(7);
  const digits = (k: number) => Array.from({ length: k }, () => String(Math.floor(rng.nextDouble() * 10))).join("");
  for (let i = 0; i < 100_000; i++) {
    const sign = ["", "-", "+"][Math.floor(rng.nextDouble() * 3)];
    const int = digits(Math.floor(rng.nextDouble() * 18));
    const frac = rng.nextDouble() < 0.6 ? "." + digits(Math.floor(rng.nextDouble() * 18)) : "";
    const exp = rng.nextDouble() < 0.3 ? ["e", "E"][i & 1] + ["", "-", "+"][Math.floor(rng.nextDouble() * 3)] + digits(1 + Math.floor(rng.nextDouble() * 2)) : "";
    check(sign + int + frac + exp);
    // shortest round-trip forms of random doubles, the way files usually hold them
    check(String((rng.nextDouble() - 0.5) * 10 ** Math.floor(rng.nextDouble() * 40 - 20)));
    check((rng.nextDouble() * 2000 - 1000).toFixed(Math.floor(rng.nextDouble() * 8)));
  }
  assert.ok(answered > 150_000, `the fast path answered only ${answered} of 300,000`);
});

test("readCsv of bytes equals parseCsv of the text: edge-case numbers in a column, alone and among text", () => {
  for (const t of EDGE) {
    same(`a,b\n${JSON.stringify(t).includes(",") ? `"${t}"` : t},1\n2,2\n`);
    same(`a\n1\n${t.includes(",") ? `"${t}"` : t}\n2.5\n`);
  }
  const df = frame.readCsv(enc.encode("x\n1e-400\n9007199254740993\n0.1\n-0\n1e22\n1e23\n"));
  assert.deepStrictEqual(Array.from(df.col("x").values as Float64Array), [0, 9007199254740992, 0.1, -0, 1e22, 1e23]);
  assert.deepStrictEqual(frame.readCsv(enc.encode("x\n0x10\n1\n")).col("x").toArray(), ["0x10", "1"]);
});

/** A random CSV of numbers, text, bools, dates, missing values, quotes, CRLF, short rows. */
function randomCsv(rng: PCG32, rows: number, cols: number, ascii: boolean): string {
  const r = () => rng.nextDouble();
  const kinds = Array.from({ length: cols }, () => Math.floor(r() * 7));
  const cell = (kind: number): string => {
    if (r() < 0.05) return ["", "NA", "NaN", "null", "n/a"][Math.floor(r() * 5)];
    switch (kind) {
      case 0: return String(Math.floor(r() * 2000) - 1000);
      case 1: return (r() * 200 - 100).toFixed(Math.floor(r() * 6));
      case 2: return r() < 0.1 ? EDGE[Math.floor(r() * 40)] : String(r() * 10 ** Math.floor(r() * 50 - 25));
      case 3: return `k${Math.floor(r() * 20)}`;
      case 4: return ["True", "False", "true", "FALSE"][Math.floor(r() * 4)];
      case 5: return `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}${r() < 0.3 ? "T08:30:00Z" : ""}`;
      default: {
        const s = ['say "hi"', "a,b", "two\nlines", "x", ascii ? "plain" : "café", ascii ? "q" : "日本", ""][Math.floor(r() * 7)];
        return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      }
    }
  };
  const eol = r() < 0.3 ? "\r\n" : "\n";
  const lines = [Array.from({ length: cols }, (_, j) => (j === 3 ? "" : `c${j % 5}`)).join(",")];
  for (let i = 0; i < rows; i++) {
    const n = r() < 0.05 ? Math.max(1, cols - 1 - Math.floor(r() * 2)) : cols;
    lines.push(Array.from({ length: n }, (_, j) => cell(kinds[j])).join(","));
  }
  return (r() < 0.2 ? "\uFEFF" : "") + lines.join(eol) + (r() < 0.7 ? eol : "");
}

test("readCsv of bytes equals parseCsv of the text on 400 random files, with and without options", () => {
  const rng = new PCG32(11);
  for (let k = 0; k < 400; k++) {
    const text = randomCsv(rng, Math.floor(rng.nextDouble() * 40), 1 + Math.floor(rng.nextDouble() * 8), k % 4 !== 0);
    same(text, {}, `random file ${k}`);
    if (k % 8 === 0) {
      same(text, { header: false }, `random file ${k}, header: false`);
      same(text, { nrows: 3, skipRows: 1 }, `random file ${k}, nrows/skipRows`);
      same(text, { dtype: { c0: "float64", c1: "string" } }, `random file ${k}, dtype`);
      same(text, { dtype: { c2: "int32" } }, `random file ${k}, dtype int32`);
      same(text, { usecols: ["c0"], keepDefaultNa: false, parseDates: false }, `random file ${k}, usecols`);
      same(text.replace(/,/g, ";"), { delimiter: ";" }, `random file ${k}, ;`);
      same(`# note\n${text}`, { comment: "#" }, `random file ${k}, comment`);
    }
  }
});

test("readCsv of bytes and of a path: errors and limits as the text path gives them", () => {
  for (const f of ["malformed_after_quote.csv", "malformed_fields.csv", "malformed_quote.csv", "quoted.csv", "bom_crlf.csv", "header_dupes.csv", "missing.csv", "mixed.csv", "dates.csv"]) {
    same(readFileSync(new URL(`./fixtures/csv/${f}`, import.meta.url), "utf8"), {}, f);
  }
  same("a,b\n1,2\n3,4,5\n");
  same("a\n" + "1\n".repeat(50), { maxCells: 10 });
  same("a,b,c\n1,2,3\n", { maxColumns: 2 });
  same('a,b\n"1"x,2\n');
  same('a\n"unterminated\n');
  const dir = mkdtempSync(join(tmpdir(), "ds-csvbytes-"));
  try {
    const p = join(dir, "t.csv");
    const text = "\uFEFFid,x,k\r\n1,0.5,a\r\n2,,b\r\n3,1e300,\"c,d\"\r\n";
    writeFileSync(p, text);
    assert.deepStrictEqual(contents(frame.readCsv(p)), contents(frame.parseCsv(text)));
    writeFileSync(p, "a\n1\nx\"y\"\n");
    assert.throws(() => frame.readCsv(p, { dtype: { a: "int32" } }), (e) => e instanceof ds.FileError && e.path === p && /line 3: column "a": "x"y"" is not a valid int32/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readCsv of bytes: a text column of few distinct values reads as the text path reads it, dates not shared", () => {
  const text = "k,d,b\n" + Array.from({ length: 3000 }, (_, i) => `key${i % 7},2024-01-0${1 + (i % 3)},${i % 2 ? "True" : "False"}`).join("\n");
  same(text);
  const d = frame.readCsv(enc.encode(text)).col("d").toArray() as Date[];
  assert.notEqual(d[0], d[3]);
  assert.equal(d[0].getTime(), d[3].getTime());
});
