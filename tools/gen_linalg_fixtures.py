#!/usr/bin/env python3
"""Reference values for ds.linalg, computed with torch.linalg in float64.

Run:  /usr/bin/python3 tools/gen_linalg_fixtures.py      (writes test/fixtures/linalg.json)

Each case: name, op (a key of the op table in test/linalg.test.ts), inputs (shape + flat float64
data), args (JSON), out (a list of {shape, data}). Outputs with a sign ambiguity (Q of QR, the
vectors of eigh and svd) are recorded too; the test compares them up to the sign of each vector
and also checks the reconstruction. Everything is seeded: the file is reproducible.
"""
import json
import os

import numpy as np
import torch

torch.manual_seed(17)
rng = np.random.default_rng(17)
CASES = []


def enc(t):
    t = torch.as_tensor(t)
    if t.dtype == torch.bool:
        t = t.to(torch.int32)
    return {"shape": list(t.shape), "data": [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}


def case(name, op, inputs, args, outs):
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    CASES.append({"name": name, "op": op, "inputs": [enc(x) for x in inputs], "args": args, "out": [enc(o) for o in outs]})


def randn(*shape):
    return torch.tensor(rng.standard_normal(shape), dtype=torch.float64)


def well(*shape):
    """Random square matrices kept away from singular (diagonal shifted by the size)."""
    n = shape[-1]
    return randn(*shape) + n * torch.eye(n, dtype=torch.float64)


def spd(*shape):
    a = randn(*shape)
    return a @ a.transpose(-2, -1) + shape[-1] * torch.eye(shape[-1], dtype=torch.float64)


def sym(*shape):
    a = randn(*shape)
    return (a + a.transpose(-2, -1)) / 2


# solve: matrix right-hand side, vector right-hand side, batched, broadcast batch
A, B = well(4, 4), randn(4, 2)
case("solve 4x4 @ 4x2", "solve", [A, B], {}, torch.linalg.solve(A, B))
A, b = well(3, 3), randn(3)
case("solve vector rhs", "solve", [A, b], {}, torch.linalg.solve(A, b))
A, B = well(2, 3, 3), randn(2, 3, 2)
case("solve batched", "solve", [A, B], {}, torch.linalg.solve(A, B))
A, B = well(3, 3), randn(2, 3, 1)
case("solve broadcast batch", "solve", [A, B], {}, torch.linalg.solve(A, B))
A = torch.tensor([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]], dtype=torch.float64)
b = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
case("solve needs a pivot", "solve", [A, b], {}, torch.linalg.solve(A, b))

# inv
A = well(4, 4)
case("inv 4x4", "inv", [A], {}, torch.linalg.inv(A))
A = well(2, 3, 3)
case("inv batched", "inv", [A], {}, torch.linalg.inv(A))

# det / slogdet: a negative determinant, a batch, a singular matrix
A = randn(4, 4)
case("det 4x4", "det", [A], {}, torch.linalg.det(A))
A = randn(3, 3, 3)
case("det batched", "det", [A], {}, torch.linalg.det(A))
S = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=torch.float64)
case("det singular", "det", [S], {}, torch.linalg.det(S))
A = randn(3, 4, 4)
case("slogdet batched", "slogdet", [A], {}, list(torch.linalg.slogdet(A)))

# cholesky
A = spd(4, 4)
case("cholesky 4x4", "cholesky", [A], {}, torch.linalg.cholesky(A))
A = spd(2, 3, 3)
case("cholesky batched", "cholesky", [A], {}, torch.linalg.cholesky(A))
A = spd(3, 3)
case("cholesky upper", "cholesky", [A], {"upper": True}, torch.linalg.cholesky(A, upper=True))

# qr
for shape, mode in [((5, 3), "reduced"), ((3, 5), "reduced"), ((5, 3), "complete"), ((2, 4, 3), "reduced"), ((4, 3), "r")]:
    A = randn(*shape)
    Q, R = torch.linalg.qr(A, mode=mode)
    case(f"qr {shape} {mode}", "qr", [A], {"mode": mode}, [Q, R])

# eigh
A = sym(4, 4)
case("eigh 4x4", "eigh", [A], {}, list(torch.linalg.eigh(A)))
A = sym(2, 3, 3)
case("eigh batched", "eigh", [A], {}, list(torch.linalg.eigh(A)))
A = sym(5, 5)
case("eigvalsh via eigh 5x5", "eigh", [A], {}, list(torch.linalg.eigh(A)))

# svd
for shape, full in [((5, 3), False), ((3, 5), False), ((4, 3), True), ((2, 3, 4), False), ((4, 4), True)]:
    A = randn(*shape)
    U, S_, Vh = torch.linalg.svd(A, full_matrices=full)
    case(f"svd {shape} full={full}", "svd", [A], {"fullMatrices": full}, [U, S_, Vh])

# lstsq (overdetermined, full rank; and underdetermined: the minimum-norm solution)
A, B = randn(6, 3), randn(6, 2)
case("lstsq 6x3", "lstsq", [A, B], {}, torch.linalg.lstsq(A, B, driver="gelsd").solution)
A, B = randn(3, 5), randn(3, 1)
case("lstsq wide min-norm", "lstsq", [A, B], {}, torch.linalg.lstsq(A, B, driver="gelsd").solution)

# pinv: full rank tall, rank-deficient square
A = randn(4, 3)
case("pinv 4x3", "pinv", [A], {}, torch.linalg.pinv(A))
u, v = randn(4, 2), randn(2, 4)
A = u @ v
case("pinv rank 2", "pinv", [A], {}, torch.linalg.pinv(A))

# norms
x = randn(3, 4)
for ordv in [2, 1, float("inf"), float("-inf"), 0, 3, 0.5]:
    for dim in [None, 1]:
        o = "inf" if ordv == float("inf") else "-inf" if ordv == float("-inf") else ordv
        case(f"vectorNorm ord={o} dim={dim}", "vectorNorm", [x], {"ord": o, "dim": dim}, torch.linalg.vector_norm(x, ord=ordv, dim=dim))
case("vectorNorm keepdim", "vectorNorm", [x], {"ord": 2, "dim": 0, "keepdim": True}, torch.linalg.vector_norm(x, dim=0, keepdim=True))
A = randn(2, 3, 4)
for ordv in ["fro", "nuc", 1, -1, "inf", "-inf", 2, -2]:
    tord = float(ordv) if ordv in ("inf", "-inf") else ordv
    case(f"matrixNorm ord={ordv}", "matrixNorm", [A], {"ord": ordv}, torch.linalg.matrix_norm(A, ord=tord))
case("norm default (2-d: Frobenius)", "norm", [A[0]], {}, torch.linalg.norm(A[0]))
case("norm default (3-d: flattened 2-norm)", "norm", [A], {}, torch.linalg.norm(A))
case("norm ord=1 on a vector", "norm", [x[0]], {"ord": 1}, torch.linalg.norm(x[0], ord=1))
case("norm ord=nuc on a matrix", "norm", [A[1]], {"ord": "nuc"}, torch.linalg.norm(A[1], ord="nuc"))

# matrixRank
R = torch.stack([randn(5, 2) @ randn(2, 4), randn(5, 4), torch.zeros(5, 4, dtype=torch.float64)])
case("matrixRank batched", "matrixRank", [R], {}, torch.linalg.matrix_rank(R).to(torch.int32))
H = sym(4, 4) @ torch.diag(torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64)) @ sym(4, 4)
H = H + H.T
case("matrixRank hermitian", "matrixRank", [H], {"hermitian": True}, torch.linalg.matrix_rank(H, hermitian=True).to(torch.int32))
case("matrixRank atol", "matrixRank", [torch.diag(torch.tensor([3.0, 1.0, 1e-3], dtype=torch.float64))], {"atol": 0.01},
     torch.linalg.matrix_rank(torch.diag(torch.tensor([3.0, 1.0, 1e-3], dtype=torch.float64)), atol=0.01).to(torch.int32))

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "linalg.json")
with open(out, "w") as f:
    json.dump({"generator": "tools/gen_linalg_fixtures.py", "torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {out}")
