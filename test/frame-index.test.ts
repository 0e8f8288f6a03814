// The row index: setIndex / resetIndex / sortIndex, loc by label and iloc by position, and labels
// travelling with rows through filter, sort, head and take — as pandas 1.5 does (values written
// from pandas' behaviour in the comments).
import { test } from "node:test";
import assert from "node:assert/strict";
import { frame } from "../src/index.js";
import { ArgumentError, ShapeError } from "../src/core/errors.js";

const df = new frame.DataFrame({ name: ["ann", "bob", "cy", "dee", "bob"], age: [31, 25, 40, 19, 52], city: ["x", "y", "x", "z", "y"] });

test("setIndex labels rows; loc finds rows, cells and lists by label", () => {
  const p = df.setIndex("name");
  assert.deepEqual(p.columns, ["age", "city"]);
  assert.deepEqual(p.index.toArray(), ["ann", "bob", "cy", "dee", "bob"]);
  assert.equal(p.index.name, "name");
  assert.deepEqual(p.loc("cy"), { age: 40, city: "x" }); // df.loc["cy"]
  assert.equal(p.loc("dee", "age"), 19); // df.loc["dee", "age"]
  assert.deepEqual(p.loc(["dee", "ann"]).toRecords(), [{ age: 19, city: "z" }, { age: 31, city: "x" }]);
  assert.deepEqual(p.loc(["bob"]).index.toArray(), ["bob", "bob"]); // a repeated label gives every row
  assert.deepEqual(p.loc(["cy", "ann"], "age").toArray(), [40, 31]);
  assert.throws(() => p.loc("bob"), (e: unknown) => e instanceof ArgumentError && /labels 2 rows; pass \[label\]/.test(e.message));
  assert.throws(() => p.loc("zed"), (e: unknown) => e instanceof ArgumentError && /no row labelled "zed" in the index "name"/.test(e.message));
  assert.deepEqual(df.setIndex("name", { drop: false }).columns, ["name", "age", "city"]);
});

test("loc with a bool mask, locRange by label, iloc by position", () => {
  const p = df.setIndex("name");
  assert.deepEqual(p.loc(p.col("age").gt(30), ["city"]).toRecords(), [{ city: "x" }, { city: "x" }, { city: "y" }]);
  assert.deepEqual(p.loc(p.col("age").gt(30)).index.toArray(), ["ann", "cy", "bob"]);
  assert.deepEqual(p.locRange("ann", "cy").index.toArray(), ["ann", "bob", "cy"]); // both ends included
  assert.throws(() => p.locRange("bob", "dee"), (e: unknown) => e instanceof ArgumentError && /"bob" labels 2 rows of an unsorted index/.test(e.message)); // pandas: KeyError
  assert.deepEqual(p.sortIndex().locRange("bob", "cy").col("age").toArray(), [25, 52, 40]); // sorted: every "bob", then "cy"
  assert.deepEqual(p.iloc(-1), { age: 52, city: "y" });
  assert.equal(p.iloc(2, "age"), 40);
  assert.deepEqual(p.iloc([0, 3]).index.toArray(), ["ann", "dee"]);
  assert.deepEqual(p.iloc([true, false, false, false, true], "age").toArray(), [31, 52]);
  assert.throws(() => p.iloc(9), (e: unknown) => e instanceof ArgumentError && /position 9 is out of range for 5 rows/.test(e.message));
  assert.throws(() => p.loc([true, false]), (e: unknown) => e instanceof ShapeError && /mask has 2 entries for 5 rows/.test(e.message));
  // Without setIndex, labels are positions (RangeIndex).
  assert.deepEqual(df.loc(1), { name: "bob", age: 25, city: "y" });
  assert.deepEqual(df.index.toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(df.sortValues("age").index.toArray(), [0, 1, 2, 3, 4], "positions renumber (the frame has no labels to carry)");
});

test("labels travel with their rows; sortIndex and resetIndex", () => {
  const p = df.setIndex("name");
  assert.deepEqual(p.sortValues("age").index.toArray(), ["dee", "bob", "ann", "cy", "bob"]);
  assert.deepEqual(p.filter(p.col("city").eq("x")).index.toArray(), ["ann", "cy"]);
  assert.deepEqual(p.tail(2).index.toArray(), ["dee", "bob"]);
  assert.deepEqual(p.assign({ old: p.col("age").gt(35) }).index.toArray(), p.index.toArray());
  assert.deepEqual(p.sortIndex().toRecords().map((r) => r.age), [31, 25, 52, 40, 19]); // stable: the two bobs keep their order
  assert.deepEqual(p.sortIndex({ ascending: false }).index.toArray(), ["dee", "cy", "bob", "bob", "ann"]);
  assert.deepEqual(p.resetIndex().columns, ["name", "age", "city"]);
  assert.deepEqual(p.resetIndex().toRecords(), df.toRecords());
  assert.deepEqual(p.resetIndex({ drop: true }).columns, ["age", "city"]);
  assert.deepEqual(df.resetIndex().col("index").toArray(), [0, 1, 2, 3, 4]); // pandas adds "index"
});

test("an indexed frame prints and writes its labels as pandas does", () => {
  const p = df.head(2).setIndex("name");
  // The index's name on its own line and the labels in front, as pandas prints a named index.
  const lines = p.toString().split("\n");
  assert.deepEqual(lines.map((l) => l.split(/\s+/).filter(Boolean)), [["age", "city"], ["name"], ["ann", "31", "x"], ["bob", "25", "y"]]);
  assert.equal(p.toCsv(), "name,age,city\nann,31,x\nbob,25,y\n");
  const dated = new frame.DataFrame({ when: frame.toDatetime(["2024-01-02", "2024-01-01"]), v: [1, 2] }).setIndex("when").sortIndex();
  assert.deepEqual(dated.col("v").toArray(), [2, 1]);
  assert.deepEqual(dated.loc(new Date("2024-01-02T00:00:00Z")), { v: 1 });
});
