// DataFrame verbs against pandas 1.5 (fixtures from tools/gen_frame_verbs_fixtures.py): groupBy
// named aggregation, transform and per-group cumulative/window ops, expanding/ewm, corr,
// nlargest/nsmallest, cut/qcut, explode, crosstab, info; plus sample and the typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { frame } from "../src/index.js";
import { ArgumentError } from "../src/core/errors.js";

type Series = frame.Series;
type DataFrame = frame.DataFrame;
const root = new URL("..", import.meta.url).pathname;
const fx = JSON.parse(readFileSync(join(root, "test/fixtures/frame/verbs.json"), "utf8"));
const C = fx.cases as Record<string, Record<string, unknown>>;
const nanOf = (v: unknown[]) => v.map((x) => (x === null ? NaN : x));
const df = new frame.DataFrame({ k: fx.frame.k, g: fx.frame.g, x: nanOf(fx.frame.x), y: fx.frame.y, z: nanOf(fx.frame.z) });

function norm(v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return null;
  return v;
}
function sameCell(actual: unknown, expected: unknown, msg: string): void {
  const x = norm(actual);
  if (typeof x === "number" && typeof expected === "number") assert.ok(Math.abs(x - expected) <= 1e-10 * Math.max(1, Math.abs(expected)), `${msg}: got ${x}, pandas ${expected}`);
  else assert.deepEqual(x, expected, msg);
}
function checkSeries(s: Series, want: Record<string, unknown>, msg: string): void {
  const values = want.values as unknown[];
  assert.equal(s.length, values.length, `${msg}: length`);
  values.forEach((v, i) => sameCell(s.at(i), v, `${msg}: row ${i}`));
}
/** A frame against pandas' columns; `skip` leaves out leading columns pandas had as its index. */
function checkFrame(d: DataFrame, want: Record<string, unknown>, msg: string): void {
  assert.deepEqual(d.columns, want.columns, `${msg}: columns`);
  (want.data as unknown[][]).forEach((col, c) => col.forEach((v, i) => sameCell(d.col(d.columns[c]).at(i), v, `${msg}: ${d.columns[c]}[${i}]`)));
}

test("pandas: groupBy named aggregation", () => {
  const g = df.groupBy("k");
  checkFrame(g.agg({ total: frame.namedAgg("x", "sum"), n: { column: "x", aggfunc: "count" }, top: frame.namedAgg("y", "max"), spread: frame.namedAgg("z", "std") }), C["agg named"], "agg named");
  checkFrame(df.groupBy(["k", "g"]).agg({ mean_x: frame.namedAgg("x", "mean"), first_y: frame.namedAgg("y", "first") }), C["agg named two keys"], "agg named two keys");
  // the older forms still work beside it
  assert.deepEqual(g.agg({ y: ["min", "max"] }).columns, ["k", "y_min", "y_max"]);
});

test("pandas: groupBy transform (aggregations and functions), aligned with the frame's rows", () => {
  checkSeries(df.groupBy("k").transform("x", "mean"), C["transform mean"], "transform mean");
  checkSeries(df.groupBy(["k", "g"]).transform("y", "sum"), C["transform sum two keys"], "transform sum two keys");
  checkSeries(df.groupBy("k").transform("x", "count"), C["transform count"], "transform count");
  checkSeries(df.groupBy("k").transform("x", "size"), C["transform size"], "transform size");
  checkSeries(df.groupBy("k").transform("y", (s) => s.sub(s.mean())), C["transform fn"], "transform fn");
});

test("pandas: cumulative, shift, diff, rank and windows per group", () => {
  const g = df.groupBy("k");
  checkSeries(g.col("x").cumsum(), C["group cumsum"], "group cumsum");
  checkSeries(g.cumcount(), C["group cumcount"], "group cumcount");
  checkSeries(g.col("y").shift(1), C["group shift"], "group shift");
  checkSeries(g.col("y").diff(), C["group diff"], "group diff");
  checkSeries(g.col("x").rank(), C["group rank"], "group rank");
  checkSeries(g.col("y").rolling(2).mean(), C["group rolling mean 2"], "group rolling mean 2");
  checkSeries(g.col("x").rolling(3, { minPeriods: 1 }).sum(), C["group rolling sum 3 minp 1"], "group rolling sum 3 minp 1");
  checkSeries(g.col("x").expanding().mean(), C["group expanding mean"], "group expanding mean");
  checkSeries(g.col("y").ewm({ alpha: 0.5 }).mean(), C["group ewm mean"], "group ewm mean");
});

test("pandas: expanding and ewm of a Series", () => {
  const x = df.col("x");
  checkSeries(x.ewm({ span: 3 }).mean(), C["ewm mean span 3"], "ewm span 3");
  checkSeries(x.ewm({ alpha: 0.3, adjust: false }).mean(), C["ewm mean alpha adjust false"], "ewm alpha adjust false");
  checkSeries(x.expanding().sum(), C["expanding sum"], "expanding sum");
  checkSeries(x.expanding({ minPeriods: 2 }).max(), C["expanding max minp 2"], "expanding max minp 2");
  assert.throws(() => x.ewm({ span: 3, alpha: 0.5 }), (e: unknown) => e instanceof ArgumentError && /exactly one of com, span, halflife, alpha; got span, alpha/.test(e.message));
  assert.throws(() => x.ewm({ alpha: 1.5 }), (e: unknown) => e instanceof ArgumentError && /alpha out of range/.test(e.message));
});

test("pandas: corr, nlargest, nsmallest", () => {
  const num = df.select(["g", "x", "y", "z"]);
  checkFrame(num.corr(), C["corr pearson"], "corr pearson");
  checkFrame(num.corr("spearman"), C["corr spearman"], "corr spearman");
  checkFrame(df.nlargest(3, "x"), C["nlargest 3 x"], "nlargest 3 x");
  checkFrame(df.nsmallest(4, ["g", "x"]), C["nsmallest 4 y,x"], "nsmallest 4 g,x");
  checkFrame(df.nlargest(2, "g", { keep: "all" }), C["nlargest keep all"], "nlargest keep all");
  assert.throws(() => df.nlargest(2, "k"), (e: unknown) => e instanceof ArgumentError && /column "k" holds string; nlargest needs numbers/.test(e.message));
});

test("pandas: cut and qcut", () => {
  const x = df.col("x"), y = df.col("y");
  checkSeries(frame.cut(x, 3), C["cut 3 bins"], "cut 3 bins");
  checkSeries(frame.cut(x, 3, { labels: false }), C["cut 3 bins codes"], "cut 3 codes");
  checkSeries(frame.cut(x, [-2, 0, 2, 8]), C["cut edges"], "cut edges");
  checkSeries(frame.cut(x, [-2, 0, 2, 8], { labels: ["neg", "small", "big"] }), C["cut edges labels"], "cut labels");
  checkSeries(frame.cut(x, [-2, 0, 2, 8], { right: false }), C["cut edges right false"], "cut right false");
  checkSeries(frame.cut(x, [-1, 0, 2, 8], { includeLowest: true }), C["cut include lowest"], "cut include lowest");
  checkSeries(frame.qcut(y, 4), C["qcut 4"], "qcut 4");
  checkSeries(frame.qcut(y, 4, { labels: false }), C["qcut 4 codes"], "qcut 4 codes");
  checkSeries(frame.qcut(x, [0, 0.5, 1], { labels: ["low", "high"] }), C["qcut quantiles labels"], "qcut labels");
  assert.throws(() => frame.cut(x, [0, 2, 1]), (e: unknown) => e instanceof ArgumentError && /must increase/.test(e.message));
  assert.throws(() => frame.qcut([1, 1, 1, 1, 2], 4), (e: unknown) => e instanceof ArgumentError && /must be unique/.test(e.message));
  assert.throws(() => frame.cut(x, [-2, 0, 8], { labels: ["a"] }), (e: unknown) => e instanceof ArgumentError && /list of 2 names/.test(e.message));
});

test("pandas: explode, crosstab, info", () => {
  const e = new frame.DataFrame({ id: fx.explode.id, tags: fx.explode.tags, w: fx.explode.w });
  checkFrame(e.explode("tags"), C.explode, "explode");
  checkFrame(frame.crosstab(df.col("k"), df.col("g")), C.crosstab, "crosstab");
  checkFrame(frame.crosstab(df.col("k"), df.col("g"), { margins: true }), C["crosstab margins"], "crosstab margins");
  checkFrame(frame.crosstab(df.col("k"), df.col("g"), { normalize: "index" }), C["crosstab normalize index"], "crosstab normalize");
  // info: pandas' layout, line for line, with deepscript's dtype names (int32, string) and bytes.
  const ours = df.info().split("\n"), theirs = (C.info.text as string).split("\n");
  assert.equal(ours.length, theirs.length);
  const mapDtypes = (l: string) => l.replace(/int32/g, "int64").replace(/string/g, "object").replace(/ +$/, "");
  for (let i = 1; i < theirs.length - 2; i++) {
    if (theirs[i].startsWith("dtypes:")) continue; // sorted the same way, but the tallies differ by name
    assert.equal(mapDtypes(ours[i]), mapDtypes(theirs[i]), `info line ${i}`);
  }
  assert.match(ours[ours.length - 2], /^memory usage: \d+\.\d\+ bytes$/);
});

test("sample: n or frac rows, repeatable with a seed, without replacement by default", () => {
  const a = df.sample({ n: 5, seed: 3 }), b = df.sample({ n: 5, seed: 3 });
  assert.equal(a.length, 5);
  assert.deepEqual(a.toRecords(), b.toRecords());
  assert.equal(new Set(a.col("y").toArray()).size, 5, "distinct rows");
  assert.equal(df.sample({ frac: 0.5, seed: 1 }).length, 6);
  assert.equal(df.sample({ n: 30, replace: true, seed: 1 }).length, 30);
  assert.throws(() => df.sample({ n: 30 }), (e: unknown) => e instanceof ArgumentError && /replace: true/.test(e.message));
  // Every row equally likely: 12,000 one-row draws land on each of 12 rows about 1,000 times.
  const hits = new Array(12).fill(0);
  const idx = new frame.DataFrame({ i: Array.from({ length: 12 }, (_, i) => i) });
  for (let t = 0; t < 12000; t++) hits[idx.sample({ n: 1 }).col("i").at(0) as number]++;
  for (const h of hits) assert.ok(h > 850 && h < 1150, `row drawn ${h} times of 12,000`);
});

test("groupBy apply stacks each group's result with its keys", () => {
  const r = df.groupBy("k").apply((g) => ({ range: (g.col("y").max() as number) - (g.col("y").min() as number), n: g.length }));
  assert.deepEqual(r.toRecords(), [{ k: "a", range: 90, n: 4 }, { k: "b", range: 100, n: 4 }, { k: "c", range: 70, n: 3 }]);
  const top = df.groupBy("k").apply((g) => g.nlargest(1, "y").select(["y"]));
  assert.deepEqual(top.toRecords(), [{ k: "a", y: 100 }, { k: "b", y: 120 }, { k: "c", y: 110 }]);
});
