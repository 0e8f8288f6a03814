#!/usr/bin/env python3
"""Reference values for deepscript's uint8 and float16 dtypes (issue 17, item 2), from torch 1.13.

Run:  /usr/bin/python3 tools/gen_dtype_fixtures.py      (writes test/fixtures/dtypes-small.json)

Each case: name, op (a key of the op table in test/dtypes-small.test.ts), inputs ({shape, dtype,
data}), args (JSON), out ({shape, dtype, data}). NaN and infinities are the strings "nan", "inf",
"-inf"; torch's int64 is recorded as int32 (deepscript's widest integer). float16 values are written
as the exact numbers they hold. Seeded: the file is reproducible.
"""
import json
import math
import os

import numpy as np
import torch

rng = np.random.default_rng(1602)
CASES = []
DT = {torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.int32: "int32",
      torch.int64: "int32", torch.uint8: "uint8", torch.bool: "bool"}


def num(v, dt):
    if dt == torch.bool:
        return 1 if v else 0
    if dt in (torch.int32, torch.int64, torch.uint8):
        return int(v)
    v = float(v)
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else v


def enc(t):
    t = torch.as_tensor(t)
    flat = t.reshape(-1)
    if t.dtype == torch.float16:
        flat = flat.float()
    return {"shape": list(t.shape), "dtype": DT[t.dtype], "data": [num(v, t.dtype) for v in flat.tolist()]}


def case(name, op, inputs, args, out):
    CASES.append({"name": name, "op": op, "inputs": [enc(x) for x in inputs], "args": args, "out": enc(out)})


# ---- casts -------------------------------------------------------------------------------------
special = [0.0, -0.0, 0.7, -0.7, 1.5, -1.5, 2.5, 127.9, 128.0, 255.0, 255.9, 256.0, 300.7, -256.5, -1.0, 1e4, -1e4,
           float("nan"), float("inf"), float("-inf")]
for dt in (torch.float32, torch.float64):
    x = torch.tensor(special, dtype=dt)
    case(f"{DT[dt]} to uint8 (truncate toward zero, wrap mod 256, NaN/inf to 0)", "to", [x], {"dtype": "uint8"}, x.to(torch.uint8))
i = torch.tensor([-300, -256, -1, 0, 1, 127, 128, 255, 256, 257, 1000, 2147483647, -2147483648], dtype=torch.int32)
case("int32 to uint8 wraps", "to", [i], {"dtype": "uint8"}, i.to(torch.uint8))
case("bool to uint8", "to", [torch.tensor([True, False, True])], {"dtype": "uint8"}, torch.tensor([True, False, True]).to(torch.uint8))
u = torch.tensor([0, 1, 2, 127, 128, 200, 255], dtype=torch.uint8)
for dt in (torch.float32, torch.float64, torch.float16, torch.int32, torch.bool):
    case(f"uint8 to {DT[dt]}", "to", [u], {"dtype": DT[dt]}, u.to(dt))

# float16 rounding: normals of many scales, ties (odd/even), overflow, subnormals, specials.
scales = np.concatenate([rng.standard_normal(40) * 10.0 ** rng.integers(-9, 6, 40)])
ties = [1 + 2 ** -11, 1 + 3 * 2 ** -11, 2048 + 1, 2048 + 3, 65504, 65519.99, 65520, 65536, 1e6, -1e6,
        2 ** -14, 2 ** -14 * (1 - 2 ** -11), 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -26, 1e-8, -1e-8, 5.9e-8,
        0.1, 1 / 3, -2 / 3, 0.0, -0.0, float("nan"), float("inf"), float("-inf")]
vals = list(scales) + ties
for dt in (torch.float32, torch.float64):
    x = torch.tensor(vals, dtype=dt)
    case(f"{DT[dt]} to float16 (nearest even, overflow to inf, subnormals)", "to", [x], {"dtype": "float16"}, x.to(torch.float16))
# A double just above a float16 midpoint: torch rounds through float32 first (to the even side).
x = torch.tensor([1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -11 - 2 ** -40, 2048 + 1 + 2 ** -30], dtype=torch.float64)
case("float64 to float16 rounds through float32, as torch", "to", [x], {"dtype": "float16"}, x.to(torch.float16))
ii = torch.tensor([0, 1, -1, 2047, 2049, 2051, 4097, 65504, 65519, 65520, 100000, -100000], dtype=torch.int32)
case("int32 to float16", "to", [ii], {"dtype": "float16"}, ii.to(torch.float16))
h = torch.tensor(vals, dtype=torch.float32).half()
for dt in (torch.float32, torch.float64):
    case(f"float16 to {DT[dt]} is exact", "to", [h], {"dtype": DT[dt]}, h.to(dt))
hf = torch.tensor([0.0, 1.5, -1.5, 2.5, 255.0, 300.0, -3.0, 65504.0, float("nan"), float("inf")]).half()
for dt in (torch.int32, torch.uint8, torch.bool):
    # NaN/inf to int32 is undefined in C++ (torch on x86 gives INT_MIN; deepscript 0, as x | 0): left out.
    src = hf[:8] if dt == torch.int32 else hf
    case(f"float16 to {DT[dt]}", "to", [src], {"dtype": DT[dt]}, src.to(dt))

# ---- uint8 arithmetic (wraps mod 256, as torch) ------------------------------------------------
a = torch.tensor(rng.integers(0, 256, 12), dtype=torch.uint8)
b = torch.tensor(rng.integers(0, 256, 12), dtype=torch.uint8)
for op in ("add", "sub", "mul"):
    case(f"uint8 {op} uint8 wraps", op, [a, b], {}, getattr(torch, op)(a, b))
case("uint8 / uint8 is float32", "div", [a, b + 1], {}, a / (b + 1))
case("uint8 + 7 (an int scalar keeps uint8)", "addScalar", [a], {"s": 7}, a + 7)
case("uint8 - 100 wraps", "addScalar", [a], {"s": -100}, a - 100)
case("uint8 * 0.5 is float32", "mulScalar", [a], {"s": 0.5}, a * 0.5)
i32 = torch.tensor(rng.integers(-500, 500, 12), dtype=torch.int32)
case("uint8 + int32 is int32", "add", [a, i32], {}, a + i32)
case("neg uint8 wraps", "neg", [a], {}, -a)
case("uint8 gt uint8", "gt", [a, b], {}, a > b)
case("uint8 sum is int32 (torch int64)", "sum", [a], {}, a.sum())
case("uint8 max", "max", [a], {}, a.max())
case("uint8 sqrt is float32", "sqrt", [a], {}, a.sqrt())

# ---- float16 arithmetic (computed in float32, rounded to half once, as torch on CPU) ----------
p = torch.tensor(rng.standard_normal(16) * 4, dtype=torch.float32).half()
q = torch.tensor(rng.standard_normal(16) * 4, dtype=torch.float32).half()
for op in ("add", "sub", "mul", "div"):
    case(f"float16 {op} float16", op, [p, q], {}, getattr(torch, op)(p, q))
case("float16 * 0.1 (the scalar rounded to half, as torch)", "mulScalar", [p], {"s": 0.1}, p * 0.1)
case("float16 + 1000 (int scalar keeps float16)", "addScalar", [p], {"s": 1000}, p + 1000)
f32 = torch.tensor(rng.standard_normal(16), dtype=torch.float32)
case("float16 + float32 is float32", "add", [p, f32], {}, p + f32)
case("float16 + float32 0-d is float16", "add", [p, torch.tensor(0.1)], {}, p + torch.tensor(0.1))
case("uint8 + float16 is float16", "add", [a, p[:12]], {}, a + p[:12])
case("int32 * float16 is float16", "mul", [i32, p[:12]], {}, i32 * p[:12])
case("big float16 products overflow to inf", "mul", [torch.tensor([300.0, -300.0, 100.0]).half(), torch.tensor([300.0, 300.0, 100.0]).half()], {},
     torch.tensor([300.0, -300.0, 100.0]).half() * torch.tensor([300.0, 300.0, 100.0]).half())


def half_op(name, op, inputs, args, fn):
    """torch 1.13's CPU lacks some half kernels (exp, matmul): then the reference is the op in
    float32 rounded to half, which is what newer torch's CPU half kernels compute."""
    try:
        out = fn(*inputs)
    except RuntimeError:
        out = fn(*[x.float() for x in inputs]).half()
        name += " (torch: float32 then half)"
    case(name, op, inputs, args, out)


for op in ("exp", "sqrt", "tanh", "sigmoid"):
    xin = p.abs() if op == "sqrt" else p
    half_op(f"float16 {op}", op, [xin], {}, getattr(torch, op))
m1 = torch.tensor(rng.standard_normal((3, 5)), dtype=torch.float32).half()
m2 = torch.tensor(rng.standard_normal((5, 4)), dtype=torch.float32).half()
half_op("float16 matmul", "matmul", [m1, m2], {}, lambda x, y: x @ y)
half_op("float16 sum", "sum", [m1], {}, lambda x: x.sum())
half_op("float16 sum dim 1", "sumDim", [m1], {"dim": 1}, lambda x: x.sum(1))
half_op("float16 mean", "mean", [m1], {}, lambda x: x.mean())
half_op("float16 cumsum", "cumsum", [p], {"dim": 0}, lambda x: x.cumsum(0))

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "dtypes-small.json")
with open(out, "w") as f:
    json.dump({"made_by": "tools/gen_dtype_fixtures.py", "torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"{len(CASES)} cases -> {os.path.normpath(out)}")
