#!/usr/bin/env python3
"""Reference results for x.index(...) with several index tensors (issue 17, item 2), from NumPy.

Run:  /usr/bin/python3 tools/gen_indexing_fixtures.py      (writes test/fixtures/advanced-indexing.json)

Each case: name, the shape of x (x = arange(size) as float64, reshaped), spec (the index entries:
numbers; "a:b:c" slices; "..."; null; {"int": nested list}; {"bool": nested list}), and NumPy's
result (shape, flat data). The same spec is also checked against torch where torch agrees.
"""
import json
import os

import numpy as np

CASES = []


def to_numpy(entry):
    if entry is None:
        return None
    if entry == "...":
        return Ellipsis
    if isinstance(entry, str):
        parts = [int(p) if p.strip() else None for p in entry.split(":")]
        return slice(*parts)
    if isinstance(entry, dict) and "int" in entry:
        return np.array(entry["int"], dtype=np.int64)
    if isinstance(entry, dict) and "bool" in entry:
        return np.array(entry["bool"], dtype=bool)
    return entry


def case(name, shape, spec):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    y = x[tuple(to_numpy(e) for e in spec)]
    CASES.append({"name": name, "shape": list(shape), "spec": spec, "out": {"shape": list(y.shape), "data": y.reshape(-1).tolist()}})


I = lambda v: {"int": v}  # noqa: E731
B = lambda v: {"bool": v}  # noqa: E731

case("two index arrays pick elements", [3, 4], [I([0, 2, 1]), I([1, 3, 0])])
case("index arrays broadcast ([2,1] with [3])", [3, 4], [I([[0], [2]]), I([1, 3, 0])])
case("negative indices and duplicates", [3, 4], [I([-1, 0, -1]), I([-4, 3, 3])])
case("three index arrays on a 3-d tensor", [2, 3, 4], [I([1, 0]), I([2, 2]), I([3, 0])])
case("adjacent advanced after a slice stay in place", [4, 5, 6], [":", I([0, 2]), I([1, 5])])
case("adjacent advanced before a slice stay in place", [4, 5, 6], [I([[0, 1], [2, 3]]), I([[4, 0], [1, 1]]), ":"])
case("advanced separated by a slice go first", [4, 5, 6, 7], [":", I([0, 1]), ":", I([1, 2])])
case("a number beside an index array is advanced: 0, :, idx goes first", [2, 5, 3], [0, ":", I([1, 2])])
case("a number next to an index array: :, 0, idx stays in place", [2, 5, 3], [":", 0, I([1, 2])])
case("\"...\" separates advanced indices even when it covers no dim", [5, 2, 3], [":", I([0, 1]), "...", I([0, 1])])
case("\"...\" covering dims between index arrays", [4, 5, 6], [I([1, 3]), "...", I([0, 5])])
case("null between index arrays separates them", [4, 5], [I([1, 2]), None, I([0, 4])])
case("index arrays with a strided slice", [6, 5, 4], ["::2", I([4, 0, 1]), I([3, 3, 0])])
case("a bool mask with an index array", [3, 4], [B([True, False, True]), I([0, 3])])
case("a 2-d bool mask and an index array on the last dim", [2, 3, 4], [B([[True, False, True], [False, True, False]]), I([1, 2, 3])])
case("an index array, a slice, then a bool mask", [3, 2, 2], [I([2, 0, 1]), ":", B([True, False])])
case("0-d index arrays (as numbers, but advanced)", [3, 4, 5], [I(1), ":", I(2)])
case("empty index arrays", [3, 4], [I([]), I([])])
case("one 2-d index array (the single-tensor case)", [5, 3], [I([[4, 0], [1, 1]])])
case("an index array after an ellipsis", [2, 3, 4], ["...", I([3, 0, 0])])

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "advanced-indexing.json")
with open(out, "w") as f:
    json.dump({"made_by": "tools/gen_indexing_fixtures.py", "numpy": np.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"{len(CASES)} cases -> {os.path.normpath(out)}")
