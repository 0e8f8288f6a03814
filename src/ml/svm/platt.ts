// SVC probabilities: Platt's sigmoid on cross-validated decision values, and pairwise coupling of
// the one-vs-one probabilities (libsvm's svm_binary_svc_probability and multiclass_probability).
import type { PCG32 } from "../../core/rng.js";
import type { Matrix } from "../base.js";
import { dotSelf } from "../distances.js";
import { rowsKernel } from "./kernel.js";
import { swapI32, trainBinary } from "./solver.js";
import type { SVMOptions } from "./options.js";

/** Platt's sigmoid fit (Lin, Lin & Weng's robust Newton version, as in libsvm). */
export function sigmoidTrain(dec: Float64Array, labels: Int8Array): [number, number] {
  const l = dec.length;
  let prior1 = 0, prior0 = 0;
  for (let i = 0; i < l; i++) if (labels[i] > 0) prior1++; else prior0++;
  const hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  const t = Float64Array.from(labels, (v) => (v > 0 ? hi : lo));
  let A = 0, B = Math.log((prior0 + 1) / (prior1 + 1));
  const fAt = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * a + b;
      f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let fval = fAt(A, B);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * A + B;
      let p: number, q: number;
      if (z >= 0) { const e = Math.exp(-z); p = e / (1 + e); q = 1 / (1 + e); }
      else { const e = Math.exp(z); p = 1 / (1 + e); q = e / (1 + e); }
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2; h22 += d2; h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1; g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det, gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA, nB = B + step * dB, nf = fAt(nA, nB);
      if (nf < fval + 0.0001 * step * gd) { A = nA; B = nB; fval = nf; break; }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return [A, B];
}

export function sigmoidPredict(dec: number, A: number, B: number): number {
  const z = dec * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** Decision values by 5-fold cross-validation, then a sigmoid fit (libsvm's svm_binary_svc_probability). */
export function plattFit(X: Matrix, idx: Int32Array, y: Int8Array, C: number, o: SVMOptions, gamma: number, rng: PCG32): [number, number] {
  const l = idx.length, folds = 5;
  const perm = Int32Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) { const j = rng.nextInt(i, l); swapI32(perm, i, j); }
  const dec = new Float64Array(l), buf = new Float64Array(l);
  for (let f = 0; f < folds; f++) {
    const b = Math.floor((f * l) / folds), e = Math.floor(((f + 1) * l) / folds);
    const tr: number[] = [], ty: number[] = [];
    for (let t = 0; t < l; t++) if (t < b || t >= e) { tr.push(idx[perm[t]]); ty.push(y[perm[t]]); }
    const pos = ty.filter((v) => v > 0).length, neg = ty.length - pos;
    if (pos === 0 || neg === 0) {
      for (let t = b; t < e; t++) dec[perm[t]] = pos > 0 ? 1 : neg > 0 ? -1 : 0;
      continue;
    }
    const m = trainBinary(X, Int32Array.from(tr), Int8Array.from(ty), C, o, gamma);
    const k = rowsKernel(X, m.sv, o, gamma), nsv = m.sv.length;
    for (let t = b; t < e; t++) {
      const r = idx[perm[t]];
      k.rowRange(X.data, r * X.cols, dotSelf(X.data, r * X.cols, X.cols), 0, nsv, buf);
      let s = 0;
      for (let q = 0; q < nsv; q++) s += m.coef[q] * buf[q];
      dec[perm[t]] = s - m.rho;
    }
  }
  return sigmoidTrain(dec, y);
}

/** Pairwise coupling of one-vs-one probabilities (Wu, Lin & Weng, method 2; libsvm's multiclass_probability). */
export function coupleProbabilities(K: number, r: Float64Array, p: Float64Array): void {
  const Q = new Float64Array(K * K), Qp = new Float64Array(K);
  const maxIter = Math.max(100, K), eps = 0.005 / K;
  for (let t = 0; t < K; t++) {
    p[t] = 1 / K;
    Q[t * K + t] = 0;
    for (let j = 0; j < t; j++) { Q[t * K + t] += r[j * K + t] ** 2; Q[t * K + j] = Q[j * K + t]; }
    for (let j = t + 1; j < K; j++) { Q[t * K + t] += r[j * K + t] ** 2; Q[t * K + j] = -r[j * K + t] * r[t * K + j]; }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < K; t++) {
      Qp[t] = 0;
      for (let j = 0; j < K; j++) Qp[t] += Q[t * K + j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxErr = 0;
    for (let t = 0; t < K; t++) maxErr = Math.max(maxErr, Math.abs(Qp[t] - pQp));
    if (maxErr < eps) break;
    for (let t = 0; t < K; t++) {
      const diff = (-Qp[t] + pQp) / Q[t * K + t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t * K + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < K; j++) { Qp[j] = (Qp[j] + diff * Q[t * K + j]) / (1 + diff); p[j] /= 1 + diff; }
    }
  }
}

