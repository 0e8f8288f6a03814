// Fuzz target: JSON tables through frame.readJson, each input read both as one JSON value and as
// JSON Lines (one record per line), so every shape readJson takes is reached from one corpus.
import { frame } from "../../src/index.js";
import { DeepScriptError } from "../../src/core/errors.js";
import type { FuzzTarget } from "../target.js";
import { CELLS, int, onText, pick, size, splice } from "../table_bytes.js";

const enc = new TextEncoder();

/** Tables in the JSON forms readJson takes, from the frame's own records and columns. */
function written(): string[] {
  const df = new frame.DataFrame({
    a: [1, 2.5, null],
    b: ["x", null, 'say "hi"'],
    d: ["2024-01-31", "2024-02-29T08:30:00Z", null],
    ok: [true, false, true],
  });
  const records = df.toRecords();
  const columns = df.columns;
  const values = columns.map((c) => df.col(c).toArray().map((v) => (typeof v === "number" && Number.isNaN(v) ? null : v)));
  const byIndex = Object.fromEntries(columns.map((c, j) => [c, Object.fromEntries(values[j].map((v, i) => [String(i), v]))]));
  return [
    JSON.stringify(records),
    JSON.stringify(Object.fromEntries(columns.map((c, j) => [c, values[j]]))),
    JSON.stringify(byIndex),
    JSON.stringify({ columns, index: [0, 1, 2], data: records.map((r) => columns.map((c) => r[c])) }, null, 2),
    records.map((r) => JSON.stringify(r)).join("\n") + "\n",
    JSON.stringify([{ x: [1, 2], y: { nested: true } }, { x: [], z: null }]),
    JSON.stringify([]),
    "\uFEFF" + JSON.stringify({ ["__proto__"]: [1, 2], constructor: [3, 4] }),
  ];
}

const target: FuzzTarget = {
  name: "json",
  ext: ".json",
  corpus: () => written().map((t) => enc.encode(t)),
  parse(path) {
    let refused: unknown = null, read = false;
    for (const lines of [false, true]) {
      try {
        frame.readJson(path, { lines });
        read = true;
      } catch (e) {
        if (!(e instanceof DeepScriptError)) throw e;
        refused ??= e;
      }
    }
    if (!read) throw refused;
  },
  mutators: [
    // arrays or objects nested thousands deep, in place of a value
    onText((t, r) => {
      const n = size(r, 200_000), open = pick(r, ["[", '{"a":', '[{"a":']);
      const close = open === "[" ? "]" : open === '{"a":' ? "}" : "}]";
      return splice(t, r, open.repeat(n) + (r() < 0.8 ? "1" + close.repeat(n) : ""), 3);
    }),
    // a split table whose rows are not arrays, are too long, or whose columns repeat
    onText((t, r) => JSON.stringify({
      columns: pick(r, [["a"], ["a", "a"], ["__proto__", "a"], [], [1, null, { x: 1 }]]),
      data: Array.from({ length: int(r, 4) }, () => pick(r, [null, 1, "x", {}, [], [1], [1, 2, 3], [[1]]])),
    }) + (r() < 0.2 ? t : "")),
    // records that share no keys (a table of rows × keys cells from a small file)
    onText((t, r) => JSON.stringify(Array.from({ length: size(r, 5000) }, (_, i) => ({ [`k${i}`]: i }))) + (r() < 0.1 ? t : "")),
    // keys that matter to JavaScript objects
    onText((t, r) => t.replace(/"([^"\\]{1,20})":/, () => `"${pick(r, ["__proto__", "constructor", "toString", "hasOwnProperty", "", "prototype"])}":`)),
    // a value swapped for another kind: null, a scalar, a string the date or number parsers see
    onText((t, r) => {
      const m = [...t.matchAll(/-?\d+(\.\d+)?|null|true|false|"[^"\\]*"/g)];
      if (!m.length) return t;
      const hit = pick(r, m);
      const by = pick(r, ["null", "{}", "[]", "[null]", "1e999", "-0", JSON.stringify(pick(r, CELLS)), '{"0":1,"1":2}', "[[1,2],[3]]"]);
      return t.slice(0, hit.index!) + by + t.slice(hit.index! + hit[0].length);
    }),
    // JSON Lines made of many copies of one record, with line ends changed
    onText((t, r) => (t.replace(/\n/g, "") + pick(r, ["\n", "\r\n", "\r"])).repeat(size(r, 2000))),
  ],
};
export default target;
