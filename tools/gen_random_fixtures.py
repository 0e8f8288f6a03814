#!/usr/bin/env python3
"""Reference draws for ds.random (issue 17, item 2) from NumPy's Generator (PCG64, default_rng).

Run:  /usr/bin/python3 tools/gen_random_fixtures.py      (writes test/fixtures/random.json)

Each case: name, seed, method (a Generator method in camelCase), args (JSON, positional as NumPy
takes them, options in "opts"), out (a flat list and its shape, or a number), and the bit
generator's state after the call (128-bit numbers in hex), so the test also checks how many words
each method consumed.
"""
import json
import os

import numpy as np

CASES = []


def state_of(g):
    s = g.bit_generator.state
    return {"state": format(s["state"]["state"], "032x"), "inc": format(s["state"]["inc"], "032x"),
            "hasUint32": bool(s["has_uint32"]), "uinteger": int(s["uinteger"])}


def case(name, seed, method, args, fn, opts=None):
    g = np.random.default_rng(seed)
    out = fn(g)
    if isinstance(out, np.ndarray):
        enc = {"shape": list(out.shape), "data": out.reshape(-1).tolist()}
    else:
        enc = {"scalar": out.item() if hasattr(out, "item") else out}
    CASES.append({"name": name, "seed": seed, "method": method, "args": args, "opts": opts or {}, "out": enc, "after": state_of(g)})


# random: float64 (53 bits of next64) and float32 (24 bits of next32, two per 64-bit word)
for seed in (0, 1, 42, 2**32 + 5, 12345678901234):
    case(f"random(7) seed {seed}", seed, "random", [7], lambda g: g.random(7))
case("random() scalar", 42, "random", [], lambda g: g.random())
case("random([2, 3])", 3, "random", [[2, 3]], lambda g: g.random((2, 3)))
case("random(5, float32)", 42, "random", [5], lambda g: g.random(5, dtype=np.float32), {"dtype": "float32"})
case("random(0)", 42, "random", [0], lambda g: g.random(0))
# uniform, normal, standardNormal
case("uniform(-2, 3, 6)", 5, "uniform", [-2, 3, 6], lambda g: g.uniform(-2, 3, 6))
case("standardNormal(50)", 42, "standardNormal", [50], lambda g: g.standard_normal(50))
case("standardNormal(3000) reaches the tail and the wedges", 11, "standardNormal", [3000], lambda g: g.standard_normal(3000))
case("normal(10, 0.5, [4, 5])", 9, "normal", [10, 0.5, [4, 5]], lambda g: g.normal(10, 0.5, (4, 5)))
# integers: Lemire's bounded draws on 32-bit halves
case("integers(0, 10, 20)", 42, "integers", [0, 10, 20], lambda g: g.integers(0, 10, 20))
case("integers(5) scalar is [0, 5)", 1, "integers", [5], lambda g: g.integers(5))
case("integers(-1000, 1000, 12)", 2, "integers", [-1000, 1000, 12], lambda g: g.integers(-1000, 1000, 12))
case("integers(1, 6, 10, endpoint)", 3, "integers", [1, 6, 10], lambda g: g.integers(1, 6, 10, endpoint=True), {"endpoint": True})
case("integers over 2^31 + 5 values (rejections)", 4, "integers", [-2**31, 5, 16], lambda g: g.integers(-2**31, 5, 16))
case("integers over all of int32 (raw 32-bit draws)", 5, "integers", [-2**31, 2**31 - 1, 9], lambda g: g.integers(-2**31, 2**31 - 1, 9, endpoint=True), {"endpoint": True})
case("integers(7, 8, 4) is all 7 (no draws)", 6, "integers", [7, 8, 4], lambda g: g.integers(7, 8, 4))
# permutation / shuffle: Fisher-Yates with masked rejection
for n in (1, 2, 10, 1000):
    case(f"permutation({n})", 42, "permutation", [n], lambda g, n=n: g.permutation(n))
# choice
case("choice(10, 12) with replacement", 42, "choice", [10, 12], lambda g: g.choice(10, 12))
case("choice(100, 5, replace=False) (Floyd, shuffled)", 42, "choice", [100, 5], lambda g: g.choice(100, 5, replace=False), {"replace": False})
case("choice(100, 30, replace=False, shuffle=False)", 8, "choice", [100, 30], lambda g: g.choice(100, 30, replace=False, shuffle=False), {"replace": False, "shuffle": False})
case("choice(20000, 1000, replace=False) (tail shuffle)", 13, "choice", [20000, 1000], lambda g: g.choice(20000, 1000, replace=False), {"replace": False})
case("choice(50, [2, 3], replace=False)", 14, "choice", [50, [2, 3]], lambda g: g.choice(50, (2, 3), replace=False), {"replace": False})
p = [0.1, 0.2, 0.3, 0.15, 0.25]
case("choice(5, 20, p)", 42, "choice", [5, 20], lambda g: g.choice(5, 20, p=p), {"p": p})
case("choice(5, 4, replace=False, p)", 15, "choice", [5, 4], lambda g: g.choice(5, 4, replace=False, p=p), {"replace": False, "p": p})
case("choice(5) scalar", 16, "choice", [5], lambda g: np.array(g.choice(5)))

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "random.json")
with open(out, "w") as f:
    json.dump({"made_by": "tools/gen_random_fixtures.py", "numpy": np.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"{len(CASES)} cases -> {os.path.normpath(out)}")
