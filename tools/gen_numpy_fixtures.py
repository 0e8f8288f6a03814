#!/usr/bin/env python3
"""Reference values for deepscript's everyday NumPy/PyTorch ops (issue 17, item 2), from torch.

Run:  /usr/bin/python3 tools/gen_numpy_fixtures.py      (writes test/fixtures/numpy-ops.json)

Each case: name, op (a key of the op table in test/numpy-ops.test.ts), inputs ({shape, dtype,
data}), args (JSON), out (a list of {shape, dtype, data}). NaN and infinities are the strings
"nan", "inf", "-inf"; torch's int64 is recorded as int32. Seeded: the file is reproducible.
"""
import json
import math
import os

import numpy as np
import torch

rng = np.random.default_rng(1717)
CASES = []
DT = {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32", torch.int64: "int32", torch.bool: "bool"}


def num(v, dt):
    if dt == torch.bool:
        return 1 if v else 0
    if dt in (torch.int32, torch.int64):
        return int(v)
    v = float(v)
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else v


def enc(t):
    t = torch.as_tensor(t)
    return {"shape": list(t.shape), "dtype": DT[t.dtype], "data": [num(v, t.dtype) for v in t.reshape(-1).tolist()]}


def case(name, op, inputs, args, outs):
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    CASES.append({"name": name, "op": op, "inputs": [enc(x) for x in inputs], "args": args, "out": [enc(o) for o in outs]})


def randn(*shape, dtype=torch.float32):
    return torch.tensor(rng.standard_normal(shape), dtype=dtype)


def ints(lo, hi, *shape):
    return torch.tensor(rng.integers(lo, hi, shape), dtype=torch.int32)


# ---- elementwise -------------------------------------------------------------------------------
special = torch.tensor([0.0, -0.0, 1.0, -1.0, 0.5, -0.75, 3.0, -2.5, float("inf"), float("-inf"), float("nan")])
for dt in (torch.float32, torch.float64):
    x = torch.cat([randn(12, dtype=dt) * 1.3, special.to(dt)])
    unit = torch.cat([torch.tensor(rng.uniform(-1, 1, 12), dtype=dt), torch.tensor([1.0, -1.0, 1.5, -2.0, 0.0, float("nan")], dtype=dt)])
    for op in ("tan", "atan", "sinh", "cosh"):
        case(f"{op} {DT[dt]}", op, [x], {}, getattr(torch, op)(x))
    for op in ("asin", "acos"):
        case(f"{op} {DT[dt]}", op, [unit], {}, getattr(torch, op)(unit))
    a, b = randn(3, 1, dtype=dt), randn(1, 4, dtype=dt)
    case(f"atan2 broadcast {DT[dt]}", "atan2", [a, b], {}, torch.atan2(a, b))
    case(f"hypot broadcast {DT[dt]}", "hypot", [a, b], {}, torch.hypot(a, b))
    z = torch.tensor([0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan"), 2.0], dtype=dt)
    w = torch.tensor([0.0, -1.0, 0.0, -0.0, 1.0, float("inf"), 1.0, float("-inf")], dtype=dt)
    case(f"atan2 signed zeros and infinities {DT[dt]}", "atan2", [z, w], {}, torch.atan2(z, w))
    case(f"hypot infinities {DT[dt]}", "hypot", [z, w], {}, torch.hypot(z, w))
    case(f"isinf {DT[dt]}", "isinf", [x], {}, torch.isinf(x))
    case(f"isfinite {DT[dt]}", "isfinite", [x], {}, torch.isfinite(x))
i = ints(-5, 5, 6)
case("tan of int32 is float32", "tan", [i], {}, torch.tan(i))
j = torch.tensor([1, 2, 3, 1, 2, 3], dtype=torch.int32)
case("atan2 of int32 is float32", "atan2", [i, j], {}, torch.atan2(i.float(), j.float()))  # torch 1.13 refuses int atan2; 2.x gives float32
case("isfinite int32", "isfinite", [i], {}, torch.isfinite(i))
case("isinf int32", "isinf", [i], {}, torch.isinf(i))

# ---- sorting and searching ----------------------------------------------------------------------
x = randn(3, 5)
for dim in (-1, 0):
    for desc in (False, True):
        v, ix = torch.sort(x, dim=dim, descending=desc)
        case(f"sort dim={dim} descending={desc}", "sort", [x], {"dim": dim, "descending": desc}, [v, ix])
ties = torch.tensor([[3.0, 1.0, 3.0, 2.0, 1.0, float("nan"), 2.0], [0.0, 0.0, -1.0, 5.0, float("nan"), 5.0, -1.0]])
for desc in (False, True):
    v, ix = torch.sort(ties, dim=-1, descending=desc, stable=True)
    case(f"sort stable with ties and NaN descending={desc}", "sort", [ties], {"dim": -1, "descending": desc, "stable": True}, [v, ix])
    # torch 1.13's argsort has no `stable`; it is sort's indices.
    case(f"argsort stable descending={desc}", "argsort", [ties], {"dim": -1, "descending": desc, "stable": True}, torch.sort(ties, dim=-1, descending=desc, stable=True)[1])
xi = ints(-9, 9, 4, 6)
v, ix = torch.sort(xi.long(), dim=0, stable=True)
case("sort int32 dim 0", "sort", [xi], {"dim": 0, "stable": True}, [v.int(), ix])
x = randn(4, 6)
for k, largest, dim in ((2, True, -1), (3, False, -1), (1, True, 0), (4, True, 0), (0, True, -1)):
    v, ix = torch.topk(x, k, dim=dim, largest=largest)
    case(f"topk k={k} largest={largest} dim={dim}", "topk", [x], {"k": k, "dim": dim, "largest": largest}, [v, ix])
u = torch.tensor([[3, 1, 2, 3], [2, 2, 7, -1]], dtype=torch.int32)
out, inv, cnt = torch.unique(u.long(), sorted=True, return_inverse=True, return_counts=True)
case("unique int32 with inverse and counts", "unique", [u], {"returnInverse": True, "returnCounts": True}, [out.int(), inv, cnt])
uf = torch.tensor([0.5, -1.0, 0.5, 2.0, -1.0, 0.25])
case("unique float32", "unique", [uf], {}, torch.unique(uf))
out, cnt = torch.unique(uf, return_counts=True)
case("unique counts only", "unique", [uf], {"returnCounts": True}, [out, cnt])
seq = torch.tensor([1.0, 2.0, 2.0, 2.0, 5.0, 7.0])
vals = torch.tensor([[0.0, 2.0, 3.0], [7.0, 8.0, 5.0]])
case("searchsorted left", "searchsorted", [seq, vals], {}, torch.searchsorted(seq, vals))
case("searchsorted right", "searchsorted", [seq, vals], {"right": True}, torch.searchsorted(seq, vals, right=True))
bseq = torch.sort(randn(2, 5), dim=-1)[0]
bvals = randn(2, 3)
case("searchsorted batched", "searchsorted", [bseq, bvals], {}, torch.searchsorted(bseq, bvals))
nz = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
case("nonzero", "nonzero", [nz], {}, torch.nonzero(nz))
case("argwhere", "argwhere", [nz], {}, torch.argwhere(nz))
bz = torch.tensor([[[True, False], [False, True]], [[False, False], [True, True]]])
case("nonzero bool 3-d", "nonzero", [bz], {}, torch.nonzero(bz))

# ---- einsum, kron ---------------------------------------------------------------------------------
E = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(5,), (5,)]),
    ("ij,kj", [(2, 3), (4, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("ijk,jil->kl", [(2, 3, 4), (3, 2, 5)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("iij->j", [(2, 2, 3)]),
    ("a...,a...", [(3, 2), (3, 2)]),
]
for eq, shapes in E:
    xs = [randn(*s, dtype=torch.float64) for s in shapes]
    case(f"einsum {eq}", "einsum", xs, {"equation": eq}, torch.einsum(eq, *xs))
for sa, sb in (((2, 2), (2, 3)), ((3,), (2,)), ((2, 1, 2), (3, 2)), ((2,), (2, 2))):
    a, b = randn(*sa), randn(*sb)
    case(f"kron {sa} {sb}", "kron", [a, b], {}, torch.kron(a, b))

# ---- cumprod, diff -------------------------------------------------------------------------------
c = torch.tensor([[1.5, -2.0, 0.0, 3.0], [0.5, 2.0, -1.0, 0.25], [1.0, 0.0, 0.0, 2.0]])
case("cumprod dim 1 with zeros", "cumprod", [c], {"dim": 1}, torch.cumprod(c, 1))
case("cumprod dim 0", "cumprod", [c], {"dim": 0}, torch.cumprod(c, 0))
ci = torch.tensor([1, 2, -3, 4], dtype=torch.int32)
case("cumprod int32", "cumprod", [ci], {"dim": 0}, torch.cumprod(ci, 0).int())
d = randn(3, 5)
case("diff", "diff", [d], {}, torch.diff(d))
case("diff n=2 dim 0", "diff", [d], {"n": 2, "dim": 0}, torch.diff(d, n=2, dim=0))
pre, app = randn(3, 1), randn(3, 2)
case("diff prepend append", "diff", [d, pre, app], {"prependAppend": True}, torch.diff(d, prepend=pre, append=app))
db = torch.tensor([True, True, False, True, False])
case("diff bool", "diff", [db], {}, torch.diff(db))
case("diff int32 n=3", "diff", [ci], {"n": 3}, torch.diff(ci, n=3))

# ---- triangles and diagonals -----------------------------------------------------------------------
m = randn(2, 3, 4)
for k in (0, 1, -1, 5, -5):
    case(f"tril k={k}", "tril", [m], {"k": k}, torch.tril(m, k))
    case(f"triu k={k}", "triu", [m], {"k": k}, torch.triu(m, k))
for off, d1, d2 in ((0, 0, 1), (1, 1, 2), (-1, -2, -1), (2, 0, 2), (-2, 2, 1)):
    case(f"diagonal offset={off} dims=({d1},{d2})", "diagonal", [m], {"offset": off, "dim1": d1, "dim2": d2}, torch.diagonal(m, off, d1, d2))
v = randn(3)
for k in (0, 1, -2):
    case(f"diag of a vector k={k}", "diag", [v], {"k": k}, torch.diag(v, k))
    case(f"diag of a matrix k={k}", "diag", [m[0]], {"k": k}, torch.diag(m[0], k))
e = randn(2, 3)
case("diagEmbed batched", "diagEmbed", [e], {"k": 1}, torch.diag_embed(e, 1))
case("diagEmbed k=-2", "diagEmbed", [e], {"k": -2}, torch.diag_embed(e, -2))
case("trace 3x4", "trace", [m[1]], {}, torch.trace(m[1]))

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "numpy-ops.json")
with open(path, "w") as f:
    json.dump({"generator": "tools/gen_numpy_fixtures.py", "torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {path}")
