// plot: every chart renders to well-formed SVG with the expected marks and labels, to a PNG of the
// requested size that is not blank, and to a self-contained HTML page; bad input is a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { frame, plot, train } from "../src/index.js";
import { assertWellFormedXml, decodePng, pixelStats } from "./helpers/png.js";

const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "ds-plot-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** The mark containers of an SVG, e.g. ["mark-line role-mark marks", …] — its stable structure. */
function markClasses(svg: string): string[] {
  return [...svg.matchAll(/<g class="(mark-[a-z]+ role-[a-z-]+)[^"]*"/g)].map((m) => m[1]);
}
/** Every text drawn in the SVG. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
}
/** Number of items drawn by the first mark container of a kind ("mark-symbol", "mark-rect" …). */
function items(svg: string, kind: string): number {
  const at = svg.indexOf(`<g class="${kind} role-mark`);
  if (at < 0) return 0;
  const end = svg.indexOf("</g>", at);
  return (svg.slice(at, end).match(/<path/g) ?? []).length;
}

async function checkPng(fig: plot.Figure, width: number, expectHeight?: number): Promise<void> {
  const png = decodePng(await fig.toPNG({ width }));
  assert.equal(png.width, width);
  if (expectHeight !== undefined) assert.equal(png.height, expectHeight);
  const { colors, nonWhite } = pixelStats(png);
  assert.ok(colors > 10, `a picture has many colours, got ${colors}`);
  assert.ok(nonWhite > 0.01 && nonWhite < 0.99, `neither blank nor solid: ${(nonWhite * 100).toFixed(1)}% non-white`);
}

const xs = Array.from({ length: 50 }, (_, i) => i / 5);

test("line: named series, title, axis labels, legend; SVG well-formed at the asked size; PNG not blank", async () => {
  const fig = plot.line({ sin: xs.map(Math.sin), cos: xs.map(Math.cos) }, { x: xs, title: "Waves", xLabel: "t", yLabel: "amplitude", width: 500, height: 300 });
  const svg = await fig.toSVG();
  const { root: r } = assertWellFormedXml(svg);
  assert.equal(r, "svg");
  assert.match(svg, /^<svg[^>]* width="500" height="300"/, "autosize fit: the whole figure is width × height");
  assert.deepEqual(markClasses(svg).filter((c) => c.startsWith("mark-line")), ["mark-line role-mark", "mark-line role-mark"], "a line per series");
  const t = texts(svg);
  for (const s of ["Waves", "t", "amplitude", "sin", "cos"]) assert.ok(t.includes(s), `"${s}" drawn: ${t.join("|")}`);
  await checkPng(fig, 500, 300);
  const big = decodePng(await fig.toPNG({ scale: 2 }));
  assert.deepEqual([big.width, big.height], [1000, 600]);
  // 1-D input, a tensor, a 2-D tensor with column names
  assert.ok(texts(await plot.line(ds.linspace(0, 1, 20), { title: "t" }).toSVG()).includes("t"));
  const two = await plot.line(ds.tensor([[1, 2], [2, 3], [3, 5]]), { labels: ["a", "b"] }).toSVG();
  assert.ok(texts(two).includes("a") && texts(two).includes("b"));
});

test("line of a DataFrame with dates: tidy rows, x field, several y fields", async () => {
  const sales = frame.readCsv(join(root, "test/fixtures/frame/sales.csv"));
  const daily = sales.select(["date", "units", "price"]).resample("W", { on: "date" }).mean();
  const svg = await plot.line(daily, { x: "date", y: ["units", "price"] }).toSVG();
  assertWellFormedXml(svg);
  const t = texts(svg);
  assert.ok(t.includes("units") && t.includes("price") && t.includes("date"), t.join("|"));
  assert.ok(t.some((s) => /^(Jan|Feb|Mar)/.test(s)), `time axis labels: ${t.join("|")}`);
});

test("scatter coloured by class: one point per sample, a legend entry per class", async () => {
  ds.seed(1);
  const pts = ds.randn([90, 2]);
  const cls = Array.from({ length: 90 }, (_, i) => i % 3);
  const fig = plot.scatter(pts, { color: cls, classNames: ["setosa", "versicolor", "virginica"], title: "Iris-like" });
  const svg = await fig.toSVG();
  assertWellFormedXml(svg);
  assert.equal(items(svg, "mark-symbol"), 90);
  const t = texts(svg);
  for (const s of ["setosa", "versicolor", "virginica", "Iris-like", "x", "y"]) assert.ok(t.includes(s), `"${s}" drawn`);
  await checkPng(fig, 400);
  const xy = await plot.scatter([1, 2, 3], [3, 1, 2], { xLabel: "first", yLabel: "second" }).toSVG();
  assert.equal(items(xy, "mark-symbol"), 3);
  assert.ok(texts(xy).includes("first"));
  assert.throws(() => plot.scatter([1, 2], [1]), /x has 2 values, y has 1/);
  assert.throws(() => plot.scatter([1, 2], [1, 2], { color: [0] }), /color has 1 labels for 2 points/);
});

test("bar and hist: one bar per category / bin, counts as numpy.histogram", async () => {
  const b = await plot.bar({ cats: 12, dogs: 7, fish: 3 }, { title: "Pets" }).toSVG();
  assertWellFormedXml(b);
  assert.equal(items(b, "mark-rect"), 3);
  for (const s of ["cats", "dogs", "fish", "Pets"]) assert.ok(texts(b).includes(s));
  const g = await plot.bar([{ k: "a", v: 1, s: "x" }, { k: "a", v: 2, s: "y" }, { k: "b", v: 3, s: "x" }], { x: "k", y: "v", color: "s" }).toSVG();
  assert.equal(items(g, "mark-rect"), 3);
  assert.throws(() => plot.bar([1, 2], { labels: ["a"] }), /1 labels for 2 values/);

  assert.deepEqual(plot.histogram([0, 1, 1, 2, 3, 4, 4, 4], 4), { edges: [0, 1, 2, 3, 4], counts: [1, 2, 1, 4] }, "last bin closed");
  assert.deepEqual(plot.histogram([0.5, 1.5, 9], [0, 1, 2]).counts, [1, 1], "outside the edges: not counted");
  const h = plot.hist(ds.randn([500]), { bins: 25, title: "Normal" });
  const hs = await h.toSVG();
  assert.equal(items(hs, "mark-rect"), 25);
  assert.ok(texts(hs).includes("count"));
  await checkPng(h, 320);
  const groups = await plot.hist([1, 2, 2, 3, 3, 3], { color: ["a", "a", "b", "b", "b", "b"], bins: 3 }).toSVG();
  assert.equal(items(groups, "mark-rect"), 6, "a translucent histogram per group over shared bins");
});

test("image: one tensor image and a labelled grid; pixels become cells; PNG at the requested width", async () => {
  const { test: digits } = ds.data.datasets.digits();
  const one = plot.image(digits.x.narrow(0, 0, 1).reshape([28, 28]), { title: "a digit" });
  const s1 = await one.toSVG();
  assertWellFormedXml(s1);
  assert.equal(items(s1, "mark-rect"), 28 * 28);
  await checkPng(one, 280);
  const labels = (digits.y.narrow(0, 0, 6).toArray() as number[]).map(String);
  const grid = plot.image(digits.x.narrow(0, 0, 6), { labels, columns: 3 });
  const s6 = await grid.toSVG();
  assertWellFormedXml(s6);
  assert.equal((s6.match(/<g class="mark-rect role-mark/g) ?? []).length, 6, "one cell mark per image");
  for (const l of labels) assert.ok(texts(s6).includes(l), `caption ${l}`);
  const png = decodePng(await grid.toPNG({ width: 300 }));
  assert.equal(png.width, 300);
  const stats = pixelStats(png);
  assert.ok(stats.nonWhite > 0.3 && stats.colors > 20, JSON.stringify(stats));
  // colour layouts: [N,3,H,W] and [H,W,3]
  const rgb = await plot.image(ds.rand([2, 3, 4, 4])).toSVG();
  assert.equal((rgb.match(/fill="#[0-9a-f]{6}"/g) ?? []).length >= 32, true);
  assert.equal(items(await plot.image(ds.rand([5, 6, 3])).toSVG(), "mark-rect"), 30);
  // anything with toArray() will do
  assert.equal(items(await plot.image({ toArray: () => [[0, 1], [1, 0]] }).toSVG(), "mark-rect"), 4);
  assert.throws(() => plot.image(ds.zeros([2, 2, 2, 2, 2])), /expected \[H,W\]/);
  assert.throws(() => plot.image(ds.zeros([3, 5, 5]), { labels: ["a"] }), /1 labels for 3 images/);
});

test("heatmap and confusion matrix: a cell and an annotation per entry, light text on dark cells", async () => {
  const fig = plot.heatmap([[50, 2], [3, 45]], { xLabels: ["cat", "dog"], yLabels: ["cat", "dog"], xLabel: "predicted", yLabel: "true", title: "CM" });
  const svg = await fig.toSVG();
  assertWellFormedXml(svg);
  assert.equal(items(svg, "mark-rect"), 4);
  const t = texts(svg);
  for (const s of ["50", "2", "3", "45", "cat", "dog", "predicted", "true", "CM"]) assert.ok(t.includes(s), `"${s}" drawn`);
  assert.match(svg, /fill="white"[^>]*>50</, "light text on the dark diagonal");
  assert.match(svg, /fill="black"[^>]*>2</);
  await checkPng(fig, 360);
  const cm = await plot.confusionMatrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 0], { labels: ["a", "b", "c"] }).toSVG();
  assert.equal(items(cm, "mark-rect"), 9);
  const cells = texts(cm).filter((s) => /^\d+$/.test(s)).map(Number);
  assert.deepEqual(cells.slice(0, 9), [2, 0, 0, 0, 1, 1, 0, 0, 2], "rows true, columns predicted");
  const norm = texts(await plot.confusionMatrix(["x", "y", "y"], ["x", "x", "y"], { normalize: true }).toSVG());
  assert.ok(norm.includes("0.50") && norm.includes("1.00"), norm.join("|"));
  assert.throws(() => plot.heatmap([[1, 2]], { xLabels: ["a"] }), /1 xLabels for 2 columns/);
});

test("history: a panel per metric, train and validation, from train.fit's History", async () => {
  const h = new train.History();
  [[1.2, 0.6, 1.0, 0.65], [0.8, 0.75, 0.8, 0.7], [0.6, 0.82, 0.7, 0.74]].forEach(([l, a, vl, va], e) => h.record(e, { loss: l, accuracy: a, valLoss: vl, valAccuracy: va, lr: 1e-3 }));
  const fig = plot.history(h, { title: "Training" });
  const svg = await fig.toSVG();
  assertWellFormedXml(svg);
  const t = texts(svg);
  for (const s of ["Training", "loss", "accuracy", "train", "validation", "epoch"]) assert.ok(t.includes(s), `"${s}" drawn`);
  assert.ok(!t.includes("lr"), "learning rate left out");
  assert.equal(markClasses(svg).filter((c) => c.startsWith("mark-line")).length, 4, "two panels of two lines");
  await checkPng(fig, 640);
  const keras = await plot.history({ loss: [1, 0.5], val_loss: [1.1, 0.7] }).toSVG();
  assert.ok(texts(keras).includes("validation"), "Keras' val_ names too");
  assert.throws(() => plot.history({ history: {} }), /no series to plot/);
});

test("toHTML is a self-contained page; save() picks the format by extension", async () => {
  const fig = plot.bar([3, 1, 2], { labels: ["a", "b", "c"], title: "Small <bar> & co" });
  const html = await fig.toHTML();
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Small &lt;bar&gt; &amp; co<\/title>/);
  assert.ok(html.includes("<svg"), "SVG inline");
  assert.ok(!/<script[^>]+src=/.test(html) && !/<link[^>]+href=/.test(html), "nothing loaded from elsewhere");
  const spec = JSON.parse(/<script type="application\/vnd.vegalite\+json" id="vega-lite-spec">([\s\S]*?)<\/script>/.exec(html)![1]);
  assert.equal(spec.mark.type, "bar");
  for (const ext of ["svg", "png", "html", "json"]) {
    const p = join(dir, "sub", `fig.${ext}`);
    await fig.save(p);
    assert.ok(existsSync(p), p);
  }
  assert.equal(decodePng(readFileSync(join(dir, "sub", "fig.png"))).width, 640);
  assertWellFormedXml(readFileSync(join(dir, "sub", "fig.svg"), "utf8"));
  await assert.rejects(fig.save(join(dir, "fig.gif")), /unknown extension ".gif"/);
  await assert.rejects(fig.toPNG({ width: -1 }), /width must be a positive number/);
});

test("SVG structure is stable (snapshot of the mark tree)", async () => {
  const snapshot = [
    "mark-group role-frame",
    "mark-group role-axis", "mark-rule role-axis-grid", "mark-group role-axis", "mark-rule role-axis-grid",
    "mark-group role-axis", "mark-rule role-axis-tick", "mark-text role-axis-label", "mark-rule role-axis-domain", "mark-text role-axis-title",
    "mark-group role-axis", "mark-rule role-axis-tick", "mark-text role-axis-label", "mark-rule role-axis-domain", "mark-text role-axis-title",
    "mark-group role-scope", "mark-line role-mark", "mark-line role-mark",
    "mark-group role-legend", "mark-group role-legend-entry", "mark-group role-scope",
    "mark-symbol role-legend-symbol", "mark-text role-legend-label", "mark-symbol role-legend-symbol", "mark-text role-legend-label",
    "mark-group role-title", "mark-text role-title-text",
  ];
  assert.deepEqual(markClasses(await plot.line({ a: [1, 2, 3], b: [2, 1, 3] }, { title: "snap" }).toSVG()), snapshot);
  assert.deepEqual(markClasses(await plot.line({ a: [5, 6, 7, 9], b: [1, 1, 1, 0] }, { title: "other" }).toSVG()), snapshot, "the same structure for other data");
});

test("deepscript plot FILE.csv draws columns from the command line", () => {
  const csv = join(root, "test/fixtures/frame/sales.csv");
  const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "plot", csv, ...args], { cwd: root, encoding: "utf8" });
  const out = join(dir, "cli.png");
  const r = run("--kind", "scatter", "--x", "units", "--y", "price", "--color", "product", "--out", out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*cli\.png/);
  assert.equal(decodePng(readFileSync(out)).width, 640);
  const svgOut = join(dir, "cli.svg");
  assert.equal(run("--x", "date", "--y", "units,price", "--out", svgOut).status, 0);
  assert.ok(texts(readFileSync(svgOut, "utf8")).includes("price"));
  const bad = run("--kind", "scatter", "--x", "nope", "--y", "price");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /has no column "nope"; columns are date, region/);
  assert.match(run("--kind", "pie", "--y", "price").stderr, /unknown --kind "pie"/);
});
