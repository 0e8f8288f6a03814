// ds.linalg against torch.linalg (test/fixtures/linalg.json, made by tools/gen_linalg_fixtures.py)
// on every backend, in float64 and float32; gradients against finite differences; typed errors.
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";
import { gradcheck } from "./helpers/gradcheck.js";

interface TSpec { shape: number[]; data: number[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface Case { name: string; op: string; inputs: TSpec[]; args: Record<string, any>; out: TSpec[] }
const doc = JSON.parse(readFileSync(new URL("./fixtures/linalg.json", import.meta.url), "utf8")) as { cases: Case[] };

const ordArg = (o: unknown): ds.linalg.MatrixOrd => (o === "inf" ? Infinity : o === "-inf" ? -Infinity : (o as ds.linalg.MatrixOrd));
const build = (s: TSpec, dtype: "float32" | "float64"): Tensor => ds.tensor(Float64Array.from(s.data), { dtype }).reshape(s.shape);

// Each op as the fixture calls it; outputs as a list.
const OPS: Record<string, (x: Tensor[], a: Case["args"]) => Tensor[]> = {
  solve: ([A, B]) => [ds.linalg.solve(A, B)],
  inv: ([A]) => [ds.linalg.inv(A)],
  det: ([A]) => [ds.linalg.det(A)],
  slogdet: ([A]) => [...ds.linalg.slogdet(A)],
  cholesky: ([A], a) => [ds.linalg.cholesky(A, a.upper ? { upper: true } : {})],
  qr: ([A], a) => [...ds.linalg.qr(A, { mode: a.mode })],
  eigh: ([A]) => [...ds.linalg.eigh(A)],
  svd: ([A], a) => [...ds.linalg.svd(A, { fullMatrices: a.fullMatrices })],
  lstsq: ([A, B]) => [ds.linalg.lstsq(A, B).solution],
  pinv: ([A]) => [ds.linalg.pinv(A)],
  vectorNorm: ([x], a) => [ds.linalg.vectorNorm(x, { ord: ordArg(a.ord) as number, dim: a.dim, keepdim: a.keepdim ?? false })],
  matrixNorm: ([A], a) => [ds.linalg.matrixNorm(A, { ord: ordArg(a.ord) })],
  norm: ([x], a) => [ds.linalg.norm(x, a.ord === undefined ? {} : { ord: ordArg(a.ord) })],
  matrixRank: ([A], a) => [ds.linalg.matrixRank(A, { hermitian: a.hermitian, atol: a.atol })],
};

// Outputs whose vectors have an arbitrary sign per column (Q, U, eigenvectors) or per row (Vh):
// each is flipped to agree with the reference before comparing, and the reconstruction is checked separately.
const SIGNED: Record<string, (number | null)[]> = { eigh: [null, -1], svd: [-1, null, -2], qr: [null, null] };

function alignSigns(actual: number[], expected: number[], shape: number[], axis: -1 | -2): number[] {
  const [m, n] = shape.slice(-2), per = m * n, out = actual.slice();
  for (let b = 0; b < actual.length / Math.max(per, 1); b++) {
    const count = axis === -1 ? n : m, len = axis === -1 ? m : n;
    for (let v = 0; v < count; v++) {
      let dot = 0;
      const at = (i: number): number => b * per + (axis === -1 ? i * n + v : v * n + i);
      for (let i = 0; i < len; i++) dot += actual[at(i)] * expected[at(i)];
      if (dot < 0) for (let i = 0; i < len; i++) out[at(i)] = -out[at(i)];
    }
  }
  return out;
}

forEachBackend("linalg fixtures", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const c of doc.cases) {
      it(`${c.name} (${dtype})`, () => {
        const xs = c.inputs.map((s) => build(s, dtype));
        const outs = OPS[c.op](xs, c.args);
        assert.equal(outs.length, c.out.length, "number of outputs");
        const tol = dtype === "float64" ? { rtol: 1e-9, atol: 1e-9 } : { rtol: 2e-4, atol: 2e-4 };
        c.out.forEach((e, k) => {
          const got = outs[k];
          assert.deepEqual([...got.shape], e.shape, `output ${k} shape`);
          const axis = SIGNED[c.op]?.[k];
          let vals = Array.from(got.dataSync());
          // Columns of a zero singular value (full U of a wide/tall matrix) are any orthonormal completion: skip them, check orthogonality below.
          if (c.op === "svd" && c.args.fullMatrices && k !== 1 && e.shape[e.shape.length - 1] !== e.shape[e.shape.length - 2]) return;
          if (axis) vals = alignSigns(vals, e.data, e.shape, axis as -1 | -2);
          if (c.op === "svd" && c.args.fullMatrices && k !== 1) return checkOrthogonal(got, dtype);
          assertClose(vals, e.data, { ...tol, msg: `${c.name} output ${k}` });
        });
        if (c.op === "svd" || c.op === "qr" || c.op === "eigh") checkReconstruction(c.op, xs[0], outs, dtype);
      });
    }
  }
});

function checkOrthogonal(Q: Tensor, dtype: string): void {
  const n = Q.shape[Q.ndim - 1];
  const tol = dtype === "float64" ? 1e-10 : 1e-5;
  assertClose(Q.transpose().matmul(Q), ds.eye(n).expand([...Q.shape.slice(0, -2), n, n]).toArray(), { atol: tol, rtol: 0, msg: "QᵀQ = I" });
}

function checkReconstruction(op: string, A: Tensor, outs: Tensor[], dtype: string): void {
  const tol = dtype === "float64" ? { atol: 1e-10, rtol: 1e-10 } : { atol: 1e-4, rtol: 1e-4 };
  if (op === "qr") {
    if (outs[0].size === 0) return;
    assertClose(outs[0].matmul(outs[1]), A.toArray(), { ...tol, msg: "Q R = A" });
    checkOrthogonal(outs[0], dtype);
  } else if (op === "eigh") {
    const [w, V] = outs;
    assertClose(V.mul(w.unsqueeze(-2)).matmul(V.transpose()), A.toArray(), { ...tol, msg: "V diag(w) Vᵀ = A" });
  } else {
    const [U, S, Vh] = outs, k = S.shape[S.ndim - 1];
    const Uk = U.slice(U.shape.map(() => 0), [...U.shape.slice(0, -1), k]);
    const Vk = Vh.slice(Vh.shape.map(() => 0), [...Vh.shape.slice(0, -2), k, Vh.shape[Vh.ndim - 1]]);
    assertClose(Uk.mul(S.unsqueeze(-2)).matmul(Vk), A.toArray(), { ...tol, msg: "U diag(S) Vh = A" });
    checkOrthogonal(U, dtype);
    checkOrthogonal(Vh.transpose(), dtype);
  }
}

// ---- gradients ------------------------------------------------------------------------------------

const f64 = (rows: number[][]): Tensor => ds.tensor(rows, { dtype: "float64" });
const A3 = (): Tensor => f64([[4, 1, -0.5], [0.3, 3, 0.8], [-0.2, 0.6, 2.5]]);
const B32 = (): Tensor => f64([[1, -2], [0.5, 0.25], [-1, 3]]);
// A symmetric matrix as a function of a free one, so finite differences stay on symmetric inputs.
const symOf = (X: Tensor): Tensor => X.add(X.transpose()).mul(0.5);
const spdOf = (X: Tensor): Tensor => X.matmul(X.transpose()).add(ds.eye(X.shape[0], X.shape[0], { dtype: "float64" }).mul(3));

forEachBackend("linalg gradients", () => {
  it("solve (matrix and vector right-hand sides, broadcast batch)", () => {
    gradcheck((A, B) => ds.linalg.solve(A, B), [A3(), B32()], { name: "solve" });
    gradcheck((A, b) => ds.linalg.solve(A, b), [A3(), f64([[1, 2, 3]]).reshape([3])], { name: "solve vector" });
    gradcheck((A, B) => ds.linalg.solve(A, B), [A3(), ds.stack([B32(), B32().mul(-0.5)])], { name: "solve broadcast" });
  });
  it("inv, det, slogdet", () => {
    gradcheck((A) => ds.linalg.inv(A), [A3()], { name: "inv" });
    gradcheck((A) => ds.linalg.det(A), [A3()], { name: "det" });
    gradcheck((A) => ds.linalg.det(A), [ds.stack([A3(), A3().neg()])], { name: "det batched" });
    gradcheck((A) => ds.linalg.slogdet(A).logabsdet, [A3().neg()], { name: "slogdet" });
  });
  it("cholesky (lower and upper)", () => {
    const X = f64([[1, 0.2, -0.4], [0.5, 1.5, 0.1], [-0.3, 0.7, 0.9]]);
    gradcheck((x) => ds.linalg.cholesky(spdOf(x)), [X], { name: "cholesky" });
    gradcheck((x) => ds.linalg.cholesky(spdOf(x), { upper: true }), [X], { name: "cholesky upper" });
  });
  it("eigh: eigenvalues and (sign-invariant functions of) eigenvectors", () => {
    const X = f64([[2, 0.3, -0.7], [0.1, -1, 0.4], [0.9, 0.2, 0.5]]);
    gradcheck((x) => ds.linalg.eigh(symOf(x)).eigenvalues, [X], { name: "eigh values" });
    gradcheck((x) => { const V = ds.linalg.eigh(symOf(x)).eigenvectors; return V.mul(V); }, [X], { name: "eigh vectors" });
  });
  it("svd's singular values, and the norms and pinv built on them", () => {
    const X = f64([[2, 0.3, -0.7], [0.1, -1, 0.4], [0.9, 0.2, 0.5], [0.3, -0.6, 1.2]]);
    gradcheck((x) => ds.linalg.svdvals(x), [X], { name: "svdvals" });
    gradcheck((x) => ds.linalg.matrixNorm(x, { ord: "nuc" }), [X], { name: "nuclear norm" });
    gradcheck((x) => ds.linalg.matrixNorm(x, { ord: 2 }), [X], { name: "spectral norm" });
    gradcheck((x) => ds.linalg.vectorNorm(x, { ord: 3, dim: 1 }), [X], { name: "3-norm" });
    gradcheck((x) => ds.linalg.norm(x), [X], { name: "Frobenius" });
  });
  it("qr: Q and R of tall and square matrices", () => {
    const T = f64([[2, 0.3, -0.7], [0.1, -1, 0.4], [0.9, 0.2, 0.5], [0.3, -0.6, 1.2]]);
    gradcheck((x) => ds.linalg.qr(x).Q, [T], { name: "qr Q" });
    gradcheck((x) => ds.linalg.qr(x).R, [T], { name: "qr R" });
    gradcheck((x) => { const [Q, R] = ds.linalg.qr(x, { mode: "complete" }); return Q.add(R); }, [A3()], { name: "qr complete, square" });
  });
  it("svd: U and Vh (thin), and pinv and lstsq built on them", () => {
    const T = f64([[2, 0.3, -0.7], [0.1, -1, 0.4], [0.9, 0.2, 0.5], [0.3, -0.6, 1.2]]);
    // Sign-invariant functions of the singular vectors (their signs are arbitrary).
    gradcheck((x) => { const U = ds.linalg.svd(x, { fullMatrices: false }).U; return U.mul(U); }, [T], { name: "svd U tall" });
    gradcheck((x) => { const V = ds.linalg.svd(x, { fullMatrices: false }).Vh; return V.mul(V); }, [T], { name: "svd Vh tall" });
    gradcheck((x) => { const [U, , Vh] = ds.linalg.svd(x, { fullMatrices: false }); return U.mul(U).sum().add(Vh.mul(Vh.index(0, 1)).sum()); }, [T.T.contiguous()], { name: "svd wide" });
    gradcheck((x) => { const [U, , Vh] = ds.linalg.svd(x); return U.index(":", 0).outer(Vh.index(0)); }, [A3()], { name: "svd square, rank-1 term" });
    gradcheck((x) => ds.linalg.pinv(x), [T], { name: "pinv" });
    gradcheck((x, b) => ds.linalg.lstsq(x, b).solution, [T, f64([[1], [2], [0.5], [-1]])], { name: "lstsq" });
  });
  it("gradients torch does not define either are a GradError at backward, never a silent zero", () => {
    const W = f64([[1, 2, 3], [0.5, -1, 2]]).requiresGrad_(true);
    assert.throws(() => ds.linalg.qr(W).Q.sum().backward(), (e: unknown) => e instanceof ds.GradError && /linalg\.qr/.test(String(e)));
    assert.throws(() => ds.linalg.qr(A3().requiresGrad_(true), { mode: "r" }).R.sum().backward(), (e: unknown) => e instanceof ds.GradError && /mode "r"/.test(String(e)));
    assert.throws(() => ds.linalg.svd(W).U.sum().backward(), (e: unknown) => e instanceof ds.GradError && /fullMatrices: false/.test(String(e)));
  });
});

// ---- errors and values the fixtures do not cover -----------------------------------------------------

forEachBackend("linalg errors", () => {
  const singular = (): Tensor => f64([[1, 2], [2, 4]]);
  it("singular input to solve and inv is a LinAlgError naming the op", () => {
    assert.throws(() => ds.linalg.solve(singular(), f64([[1], [1]])), (e: unknown) => e instanceof ds.LinAlgError && /linalg\.solve: A is singular/.test((e as Error).message));
    assert.throws(() => ds.linalg.inv(ds.stack([A3(), ds.zeros([3, 3], { dtype: "float64" })])), (e: unknown) => e instanceof ds.LinAlgError && /batch element 1/.test((e as Error).message));
    assert.ok(ds.linalg.det(singular()).item() === 0); // ±0 both
    assert.deepEqual(ds.linalg.slogdet(singular()).map((t) => t.item()), [0, -Infinity]);
  });
  it("cholesky of a matrix that is not positive-definite names the failing minor", () => {
    assert.throws(() => ds.linalg.cholesky(f64([[1, 2], [2, 1]])), (e: unknown) => e instanceof ds.LinAlgError && /leading minor of order 2/.test((e as Error).message));
  });
  it("non-square, non-matrix and integer inputs are typed errors", () => {
    assert.throws(() => ds.linalg.inv(ds.ones([2, 3])), (e: unknown) => e instanceof ds.ShapeError && /linalg\.inv: expects square/.test((e as Error).message));
    assert.throws(() => ds.linalg.det(ds.ones([3])), ds.ShapeError);
    assert.throws(() => ds.linalg.svd(ds.ones([2, 2], { dtype: "int32" })), ds.DTypeError);
    assert.throws(() => ds.linalg.solve(A3(), f64([[1, 2]])), (e: unknown) => e instanceof ds.ShapeError && /B needs 3 rows/.test((e as Error).message));
    assert.throws(() => ds.linalg.qr(A3(), { mode: "full" as never }), ds.ArgumentError);
    assert.throws(() => ds.linalg.cholesky(A3(), { lower: true } as never), ds.ArgumentError);
    assert.throws(() => ds.linalg.norm(ds.ones([3]), { ord: "fro" }), ds.ArgumentError);
  });
  it("float32 in gives float32 out; a 1×1 and an empty batch work", () => {
    assert.equal(ds.linalg.inv(ds.eye(2)).dtype, "float32");
    assert.equal(ds.linalg.inv(ds.tensor([[4]])).item(), 0.25);
    assert.deepEqual(ds.linalg.det(ds.zeros([0, 2, 2])).shape, [0]);
  });
  it("eigh and svd of larger and degenerate matrices reconstruct them", () => {
    ds.seed(5);
    const X = ds.randn([60, 60]).double();
    const S = X.add(X.T);
    checkReconstruction("eigh", S, [...ds.linalg.eigh(S)], "float64");
    // Repeated eigenvalues (a projector plus the identity), an already diagonal matrix, 1×1.
    const u = X.index(":", "0:3");
    const P = ds.linalg.qr(u).Q;
    const R = P.matmul(P.T).add(ds.eye(60, 60, { dtype: "float64" }));
    checkReconstruction("eigh", R, [...ds.linalg.eigh(R)], "float64");
    assertClose(ds.linalg.eigvalsh(R), [...Array(57).fill(1), 2, 2, 2], { atol: 1e-12, rtol: 0 });
    const D = ds.diag(ds.tensor([3, -1, 2], { dtype: "float64" }));
    assertClose(ds.linalg.eigvalsh(D), [-1, 2, 3], { atol: 0, rtol: 0 });
    assertClose(ds.linalg.eigvalsh(ds.tensor([[7]], { dtype: "float64" })), [7], { atol: 0, rtol: 0 });
    const W = X.index("0:30", ":");
    checkReconstruction("svd", W, [...ds.linalg.svd(W)], "float64");
    // As torch: svd refuses non-finite input; eigh passes NaN through.
    assert.throws(() => ds.linalg.svd(ds.tensor([[NaN, 0], [0, 1]], { dtype: "float64" })), (e: unknown) => e instanceof ds.LinAlgError && /NaN or infinite/.test((e as Error).message));
    assert.ok(Number.isNaN(ds.linalg.eigvalsh(ds.tensor([[NaN, 0], [0, 1]], { dtype: "float64" })).dataSync()[0]));
  });
  it("lstsq of a vector right-hand side, with residuals and rank", () => {
    const A = f64([[1, 0], [1, 1], [1, 2]]), b = f64([[1, 2, 4]]).reshape([3]);
    const { solution, residuals, rank, singularValues } = ds.linalg.lstsq(A, b);
    // Fit of y = c0 + c1 x through (0,1), (1,2), (2,4): c = (5/6, 3/2), residual 1/6.
    assertClose(solution, [5 / 6, 1.5], { rtol: 1e-12, atol: 1e-12 });
    assertClose(residuals, 1 / 6, { rtol: 1e-12, atol: 1e-12 });
    assert.equal(rank.item(), 2);
    assert.equal(singularValues.shape[0], 2);
  });
});
