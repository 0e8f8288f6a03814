// `series.str`: pandas' vectorized string methods. Each method maps the text cells and leaves a
// missing cell missing; a cell that is not text is missing in the result too, as pandas' object
// columns do. Results follow pandas 1.5's dtypes: text → text, counts → numbers (NaN where
// missing), tests → bool (missing where missing, unless `na` fills them).
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { isMissing } from "./column.js";
import { DataFrame } from "./frame.js";
import { Series } from "./series.js";

/**
 * A Python `re` pattern as a JavaScript RegExp: `(?P<name>…)` → `(?<name>…)`, `(?P=name)` →
 * `\k<name>`, and \w \d \b made Unicode-aware as Python 3's are. Everything else common to both
 * (classes, quantifiers, anchors, lookarounds) is the same; Python-only syntax (`(?i)` inline
 * flags, possessive quantifiers) is an ArgumentError naming the pattern.
 */
export function pythonRegex(op: string, pat: string, flags: string): RegExp {
  const js = unicodeClasses(op, pat.replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>"));
  try {
    return new RegExp(js, flags);
  } catch (e) {
    throw new ArgumentError(op, `pattern /${pat}/ is not a regular expression JavaScript understands: ${(e as Error).message}`);
  }
}

// Python 3's \w, \d and \b are Unicode-aware; JavaScript's stay ASCII even with the u flag.
const WORD = "\\p{L}\\p{N}_";
const BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const CLASS_ESCAPES: Record<string, [string, string]> = {
  // [outside a character class, inside one]
  w: [`[${WORD}]`, WORD],
  W: [`[^${WORD}]`, ""], // inside a class: refused (no class subtraction without the v flag)
  d: ["\\p{Nd}", "\\p{Nd}"],
  D: ["\\P{Nd}", "\\P{Nd}"],
};

/** Rewrites \w \W \d \D \b \B to their Unicode meanings, inside and outside character classes. */
function unicodeClasses(op: string, src: string): string {
  let out = "", inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\" && i + 1 < src.length) {
      const e = src[i + 1];
      i++;
      if (e === "W" && inClass) throw new ArgumentError(op, `\\W inside a character class ([…\\W…]) is not supported in /${src}/; write the class without it or as an alternative ((?:\\W|…))`);
      if (CLASS_ESCAPES[e]) out += CLASS_ESCAPES[e][inClass ? 1 : 0];
      else if (e === "b" && !inClass) out += BOUNDARY;
      else if (e === "B" && !inClass) out += `(?!${BOUNDARY})`;
      else out += `\\${e}`;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Python's replacement template (`\1`, `\g<1>`, `\g<name>`) as a function of a match. */
function pythonTemplate(repl: string): (m: RegExpExecArray) => string {
  const parts: (string | { ref: number | string })[] = [];
  let lit = "";
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== "\\" || i + 1 === repl.length) { lit += c; continue; }
    const rest = repl.slice(i + 1);
    const num = /^(\d{1,2})/.exec(rest);
    const named = /^g<(\w+)>/.exec(rest);
    if (num || named) {
      const ref = num ? num[1] : named![1];
      parts.push(lit, { ref: /^\d+$/.test(ref) ? Number(ref) : ref });
      lit = "";
      i += num ? num[1].length : named![0].length;
      continue;
    }
    const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\" };
    lit += esc[repl[i + 1]] ?? `\\${repl[i + 1]}`;
    i++;
  }
  parts.push(lit);
  return (m) => parts.map((p) => (typeof p === "string" ? p : typeof p.ref === "number" ? m[p.ref] ?? "" : m.groups?.[p.ref] ?? "")).join("");
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Python's str.isdigit/isnumeric/isalpha/... on one string (Unicode classes, false when empty). */
const CLASS_TESTS: Record<string, (s: string) => boolean> = {
  isdigit: (s) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s) => /^[\p{Nd}\p{Nl}\p{No}]+$/u.test(s),
  isdecimal: (s) => /^\p{Nd}+$/u.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{Nd}\p{Nl}\p{No}]+$/u.test(s),
  isspace: (s) => /^\s+$/u.test(s),
  // Python: at least one cased character, and no cased character of the other case.
  islower: (s) => /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/[\p{Ll}\p{Lt}]/u.test(s),
};

/** Python's str.split() with no separator: runs of whitespace, leading/trailing ignored; at most n splits. */
function splitWhitespace(s: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    if (n >= 0 && out.length === n) { out.push(s.slice(i).replace(/\s+$/, "")); break; }
    let j = i;
    while (j < s.length && !/\s/.test(s[j])) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Python's str.split(sep, maxsplit). */
function splitOn(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n + 1) return parts;
  return [...parts.slice(0, n), parts.slice(n).join(sep)];
}

/** Python's slice indices for a length-`len` sequence (negative from the end, clamped; step may be negative). */
function pySlice(chars: string[], start: number | null, stop: number | null, step: number): string {
  const len = chars.length;
  const norm = (v: number | null, dflt: number, lo: number, hi: number) => (v === null ? dflt : Math.min(Math.max(v < 0 ? v + len : v, lo), hi));
  let out = "";
  if (step > 0) {
    for (let i = norm(start, 0, 0, len), e = norm(stop, len, 0, len); i < e; i += step) out += chars[i];
  } else {
    for (let i = norm(start, len - 1, -1, len - 1), e = norm(stop, -1, -1, len - 1); i > e; i += step) out += chars[i];
  }
  return out;
}

/** Python's str.title: each run of letters starts upper case, the rest lower. */
function title(s: string): string {
  let out = "", prevCased = false;
  for (const c of s) {
    const cased = /\p{L}/u.test(c);
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c;
    prevCased = cased;
  }
  return out;
}

type TextArg = string;
interface ContainsOptions { case?: boolean; regex?: boolean; na?: boolean | null }
interface ReplaceOptions { n?: number; case?: boolean; regex?: boolean }

/** `s.str` — the string methods of a text Series, named as pandas' (camelCase where pandas has underscores). */
export class StringMethods {
  constructor(private readonly s: Series) {}

  /** Maps every text cell with `fn`; missing (or non-text) cells stay missing. */
  private map(fn: (v: string) => unknown): unknown[] {
    const out = new Array<unknown>(this.s.length);
    for (let i = 0; i < out.length; i++) {
      const v = this.s.values[i];
      out[i] = typeof v === "string" ? fn(v) : null;
    }
    return out;
  }
  private text(fn: (v: string) => string): Series {
    return new Series(this.map(fn), this.s.name);
  }
  /** Counts as pandas returns them: float64 with NaN where a cell is missing. */
  private numbers(fn: (v: string) => number): Series {
    const out = new Float64Array(this.s.length);
    for (let i = 0; i < out.length; i++) {
      const v = this.s.values[i];
      out[i] = typeof v === "string" ? fn(v) : NaN;
    }
    return new Series(out, this.s.name);
  }
  /** A bool Series; missing cells are missing (null) unless `na` gives them a value. */
  private tests(fn: (v: string) => boolean, na: boolean | null = null): Series {
    const out = this.map(fn);
    if (na !== null) for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = na;
    return new Series(out, this.s.name);
  }
  private checkString(op: string, name: string, v: unknown): void {
    if (typeof v !== "string") throw new ArgumentError(`str.${op}`, `${name} must be a string, got ${v === null ? "null" : typeof v}`);
  }

  lower(): Series { return this.text((v) => v.toLowerCase()); }
  upper(): Series { return this.text((v) => v.toUpperCase()); }
  title(): Series { return this.text(title); }
  capitalize(): Series { return this.text((v) => (v.length ? [...v][0].toUpperCase() + [...v].slice(1).join("").toLowerCase() : v)); }
  swapcase(): Series { return this.text((v) => Array.from(v, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("")); }
  /** Removes leading and trailing whitespace, or any of the characters in `toStrip`. */
  strip(toStrip?: string): Series { return this.stripWith("strip", toStrip, true, true); }
  lstrip(toStrip?: string): Series { return this.stripWith("lstrip", toStrip, true, false); }
  rstrip(toStrip?: string): Series { return this.stripWith("rstrip", toStrip, false, true); }
  private stripWith(op: string, chars: string | undefined, left: boolean, right: boolean): Series {
    if (chars !== undefined && chars !== null) this.checkString(op, "toStrip", chars);
    const set = chars == null ? null : new Set(chars);
    const strip = (c: string) => (set ? set.has(c) : /\s/u.test(c));
    return this.text((v) => {
      const cs = [...v];
      let i = 0, j = cs.length;
      if (left) while (i < j && strip(cs[i])) i++;
      if (right) while (j > i && strip(cs[j - 1])) j--;
      return cs.slice(i, j).join("");
    });
  }
  /** Length in characters (code points, as Python counts). */
  len(): Series { return this.numbers((v) => [...v].length); }

  isdigit(): Series { return this.tests(CLASS_TESTS.isdigit); }
  isnumeric(): Series { return this.tests(CLASS_TESTS.isnumeric); }
  isdecimal(): Series { return this.tests(CLASS_TESTS.isdecimal); }
  isalpha(): Series { return this.tests(CLASS_TESTS.isalpha); }
  isalnum(): Series { return this.tests(CLASS_TESTS.isalnum); }
  isspace(): Series { return this.tests(CLASS_TESTS.isspace); }
  islower(): Series { return this.tests(CLASS_TESTS.islower); }
  isupper(): Series { return this.tests(CLASS_TESTS.isupper); }

  /**
   * Whether each cell contains `pat` — a regular expression unless `regex: false` (Python `re`
   * syntax: `(?P<name>…)` groups work). `case: false` ignores case; `na` fills missing cells.
   * @example s.str.contains("an", { case: false, na: false })
   */
  contains(pat: TextArg, opts: ContainsOptions = {}): Series {
    checkOptions("str.contains", opts, ["case", "regex", "na"]);
    this.checkString("contains", "pat", pat);
    const { case: cased = true, regex = true, na = null } = opts;
    const re = pythonRegex("str.contains", regex ? pat : escapeRegex(pat), cased ? "u" : "iu");
    return this.tests((v) => re.test(v), na);
  }
  /** Whether each cell starts with `pat` (plain text, not a pattern). */
  startswith(pat: TextArg, opts: { na?: boolean | null } = {}): Series {
    checkOptions("str.startswith", opts, ["na"]);
    this.checkString("startswith", "pat", pat);
    return this.tests((v) => v.startsWith(pat), opts.na ?? null);
  }
  /** Whether each cell ends with `pat` (plain text, not a pattern). */
  endswith(pat: TextArg, opts: { na?: boolean | null } = {}): Series {
    checkOptions("str.endswith", opts, ["na"]);
    this.checkString("endswith", "pat", pat);
    return this.tests((v) => v.endsWith(pat), opts.na ?? null);
  }
  /**
   * Replaces occurrences of `pat` by `repl` (a string with `\1`/`\g<name>` group references when
   * `regex`, or a function of the match). `regex` defaults to false (pandas 2's default; pandas 1.5
   * warned that it would change); `n` limits replacements per cell; `case: false` ignores case.
   * @example s.str.replace("(\\w+) (\\w+)", "\\2 \\1", { regex: true }) // swaps two words
   */
  replace(pat: TextArg, repl: string | ((m: RegExpExecArray) => string), opts: ReplaceOptions = {}): Series {
    checkOptions("str.replace", opts, ["n", "case", "regex"]);
    this.checkString("replace", "pat", pat);
    if (typeof repl !== "string" && typeof repl !== "function") throw new ArgumentError("str.replace", `repl must be a string or a function, got ${repl === null ? "null" : typeof repl}`);
    const { n = -1, case: cased = true, regex = false } = opts;
    if (!Number.isInteger(n)) throw new ArgumentError("str.replace", `n must be an integer (-1 for all), got ${n}`);
    const re = pythonRegex("str.replace", regex ? pat : escapeRegex(pat), cased ? "gu" : "giu");
    const sub = typeof repl === "function" ? repl : regex ? pythonTemplate(repl) : () => repl;
    return this.text((v) => {
      let out = "", last = 0, count = 0;
      re.lastIndex = 0;
      for (let m = re.exec(v); m !== null && (n < 0 || count < n); m = re.exec(v)) {
        out += v.slice(last, m.index) + sub(m);
        last = m.index + m[0].length;
        count++;
        if (m[0].length === 0) re.lastIndex++;
      }
      return out + v.slice(last);
    });
  }
  /**
   * Splits each cell on `pat` (whitespace runs when omitted, as Python's str.split) at most `n`
   * times: a Series of arrays, or with `expand: true` a DataFrame with one column per part
   * (named "0", "1", …; missing where a cell has fewer parts).
   */
  split(pat?: string | null, opts?: { n?: number; expand?: false }): Series;
  split(pat: string | null | undefined, opts: { n?: number; expand: true }): DataFrame;
  split(pat?: string | null, opts: { n?: number; expand?: boolean } = {}): Series | DataFrame {
    checkOptions("str.split", opts, ["n", "expand"]);
    if (pat !== undefined && pat !== null) this.checkString("split", "pat", pat);
    if (pat === "") throw new ArgumentError("str.split", "empty separator");
    const n = opts.n === undefined || opts.n === 0 ? -1 : opts.n;
    const parts = this.map((v) => (pat == null ? splitWhitespace(v, n) : splitOn(v, pat, n)));
    return opts.expand ? expandColumns(parts as (unknown[] | null)[], this.s.length) : new Series(parts, this.s.name);
  }
  /** Python's v[start:stop:step] on each cell. */
  slice(start: number | null = null, stop: number | null = null, step: number | null = null): Series {
    const st = step ?? 1;
    if (!Number.isInteger(st) || st === 0) throw new ArgumentError("str.slice", `step must be a non-zero integer, got ${step}`);
    return this.text((v) => pySlice([...v], start, stop, st));
  }
  /** The character at position i (negative from the end); missing where the cell is shorter. */
  get(i: number): Series {
    if (!Number.isInteger(i)) throw new ArgumentError("str.get", `i must be an integer, got ${i}`);
    const out = this.map((v) => {
      const cs = [...v], k = i < 0 ? cs.length + i : i;
      return k >= 0 && k < cs.length ? cs[k] : null;
    });
    return new Series(out, this.s.name);
  }
  /**
   * The groups of the first match of `pat` in each cell: a DataFrame with one column per group
   * (named by `(?P<name>…)` or numbered "0", "1", …), or with `expand: false` and one group a Series.
   * Cells without a match are missing.
   */
  extract(pat: string, opts: { case?: boolean; expand?: boolean } = {}): DataFrame | Series {
    checkOptions("str.extract", opts, ["case", "expand"]);
    this.checkString("extract", "pat", pat);
    const re = pythonRegex("str.extract", pat, opts.case === false ? "iu" : "u");
    const groups = new RegExp(`${re.source}|`, re.flags).exec("")!.length - 1;
    if (groups === 0) throw new ArgumentError("str.extract", `pattern /${pat}/ has no capture group; wrap what to extract in (…)`);
    const names = Array.from({ length: groups }, (_, g) => String(g));
    for (const [name, at] of groupNames(re.source)) names[at] = name;
    const rows = this.map((v) => {
      const m = re.exec(v);
      return m ? m.slice(1).map((x) => x ?? null) : null;
    }) as (unknown[] | null)[];
    if (opts.expand === false && groups === 1) return new Series(rows.map((r) => (r ? r[0] : null)), names[0] === "0" ? this.s.name : names[0]);
    const cols: Record<string, unknown[]> = {};
    names.forEach((name, g) => { cols[name] = rows.map((r) => (r ? r[g] : null)); });
    return new DataFrame(cols);
  }
  /** Occurrences of the pattern `pat` in each cell. */
  count(pat: string, opts: { case?: boolean } = {}): Series {
    checkOptions("str.count", opts, ["case"]);
    this.checkString("count", "pat", pat);
    const re = pythonRegex("str.count", pat, opts.case === false ? "giu" : "gu");
    return this.numbers((v) => {
      let c = 0;
      re.lastIndex = 0;
      for (let m = re.exec(v); m !== null; m = re.exec(v)) { c++; if (m[0].length === 0) re.lastIndex++; }
      return c;
    });
  }
  /** The first position of the text `sub` in each cell, -1 if absent (code points, as Python). */
  find(sub: string): Series {
    this.checkString("find", "sub", sub);
    return this.numbers((v) => {
      const at = v.indexOf(sub);
      return at < 0 ? -1 : [...v.slice(0, at)].length;
    });
  }
  /** Pads with "0" on the left to `width`, after a leading sign (Python's str.zfill). */
  zfill(width: number): Series {
    return this.text((v) => {
      const len = [...v].length;
      if (len >= width) return v;
      const sign = v[0] === "-" || v[0] === "+" ? v[0] : "";
      return sign + "0".repeat(width - len) + v.slice(sign.length);
    });
  }
  /** Pads to `width` with `fillchar` on the left (default), right or both sides (extra on the right). */
  pad(width: number, opts: { side?: "left" | "right" | "both"; fillchar?: string } = {}): Series {
    checkOptions("str.pad", opts, ["side", "fillchar"]);
    const { side = "left", fillchar = " " } = opts;
    if (![...fillchar].length || [...fillchar].length !== 1) throw new ArgumentError("str.pad", `fillchar must be one character, got "${fillchar}"`);
    if (!["left", "right", "both"].includes(side)) throw new ArgumentError("str.pad", `side must be "left", "right" or "both", got "${side}"`);
    return this.text((v) => {
      const extra = Math.max(0, width - [...v].length);
      if (side === "left") return fillchar.repeat(extra) + v;
      if (side === "right") return v + fillchar.repeat(extra);
      // Python's str.center (what pandas calls): the odd character goes left only when width is odd.
      const left = Math.floor(extra / 2) + (extra & width & 1);
      return fillchar.repeat(left) + v + fillchar.repeat(extra - left);
    });
  }
  /** The cells joined with `sep` (missing cells left out, as pandas without naRep). */
  cat(opts: { sep?: string; naRep?: string | null } = {}): string {
    checkOptions("str.cat", opts, ["sep", "naRep"]);
    const { sep = "", naRep = null } = opts;
    const parts: string[] = [];
    for (const v of this.s.values as Iterable<unknown>) {
      if (typeof v === "string") parts.push(v);
      else if (isMissing(v) && naRep !== null) parts.push(naRep);
    }
    return parts.join(sep);
  }
}

/** Named groups of a pattern and their positions among all capture groups. */
function groupNames(source: string): [string, number][] {
  const out: [string, number][] = [];
  let g = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === "\\") { i++; continue; }
    if (source[i] === "[") { while (i < source.length && source[i] !== "]") { if (source[i] === "\\") i++; i++; } continue; }
    if (source[i] !== "(") continue;
    if (source[i + 1] !== "?") { g++; continue; }
    const named = /^\(\?<([A-Za-z_]\w*)>/.exec(source.slice(i));
    if (named) out.push([named[1], g++]);
  }
  return out;
}

/** Rows of parts as a DataFrame, one column per position; a missing row is missing in every column. */
function expandColumns(rows: (unknown[] | null)[], n: number): DataFrame {
  let width = 0;
  for (const r of rows) if (r) width = Math.max(width, r.length);
  const cols: Record<string, unknown[]> = {};
  for (let c = 0; c < width; c++) {
    const col = new Array<unknown>(n);
    for (let i = 0; i < n; i++) col[i] = rows[i] && c < rows[i]!.length ? rows[i]![c] : null;
    cols[String(c)] = col;
  }
  return new DataFrame(cols);
}
