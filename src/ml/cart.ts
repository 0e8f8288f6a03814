// The CART tree engine behind the decision trees, forests and gradient boosting: a depth-first
// builder with scikit-learn's best splitter (sorted scans, feature sampling, constant-feature
// bookkeeping, midpoint thresholds on float32-rounded features) and the tree it produces.
import type { PCG32 } from "../core/rng.js";

/** Split quality: Gini or entropy for classes, squared error for values. */
export type Criterion = "gini" | "entropy" | "log_loss" | "squared_error";

export interface CartParams {
  criterion: Criterion;
  /** Depth limit (Infinity for none). */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features examined per split (already resolved to a count ≤ nFeatures). */
  maxFeatures: number;
  minImpurityDecrease: number;
}

/** Training data prepared once and shared by every tree of an ensemble. */
export interface CartData {
  /** Feature-major values rounded to float32 (scikit-learn trees work in float32): Xt[j·n + i]. */
  Xt: Float64Array;
  n: number;
  d: number;
  /** Class index per sample (classification) … */
  yClass: Int32Array | null;
  nClasses: number;
  /** … or target value per sample (regression). */
  yValue: Float64Array | null;
}

/** Prepares row-major X for tree building. */
export function cartData(X: Float64Array, n: number, d: number, yClass: Int32Array | null, nClasses: number, yValue: Float64Array | null): CartData {
  const Xt = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xt[j * n + i] = Math.fround(X[i * d + j]);
  return { Xt, n, d, yClass, nClasses, yValue };
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

/** A fitted binary tree in flat arrays. Leaves have left = right = -1. */
export class CartTree {
  feature: Int32Array = new Int32Array(0);
  threshold: Float64Array = new Float64Array(0);
  left: Int32Array = new Int32Array(0);
  right: Int32Array = new Int32Array(0);
  /** nOutputs values per node: weighted class counts (classification) or the mean (regression). */
  value: Float64Array = new Float64Array(0);
  impurity: Float64Array = new Float64Array(0);
  nNodeSamples: Int32Array = new Int32Array(0);
  weightedNNodeSamples: Float64Array = new Float64Array(0);
  nodeCount = 0;
  maxDepth = 0;
  nOutputs = 1;
  /** The leaf each training sample (with non-zero weight) ended in. */
  trainLeaf: Int32Array = new Int32Array(0);

  /** Index of the leaf reached by row i of row-major X (values rounded to float32 like at fit). */
  leafOf(X: Float64Array, i: number, d: number): number {
    let node = 0;
    const { left, right, feature, threshold } = this;
    while (left[node] >= 0) {
      node = Math.fround(X[i * d + feature[node]]) <= threshold[node] ? left[node] : right[node];
    }
    return node;
  }

  private fractions: Float64Array | null = null;
  /** `value` normalised per node (class fractions), computed once. */
  leafFractions(): Float64Array {
    if (this.fractions) return this.fractions;
    const K = this.nOutputs, v = this.value, f = new Float64Array(v.length);
    for (let t = 0; t < this.nodeCount; t++) {
      let tot = 0;
      for (let k = 0; k < K; k++) tot += v[t * K + k];
      for (let k = 0; k < K; k++) f[t * K + k] = v[t * K + k] / tot;
    }
    return (this.fractions = f);
  }

  /** Impurity decrease per feature (unnormalised, weighted by node sample weight). */
  rawImportances(d: number): Float64Array {
    const imp = new Float64Array(d);
    const w = this.weightedNNodeSamples;
    for (let t = 0; t < this.nodeCount; t++) {
      const l = this.left[t], r = this.right[t];
      if (l < 0) continue;
      imp[this.feature[t]] += w[t] * this.impurity[t] - w[l] * this.impurity[l] - w[r] * this.impurity[r];
    }
    for (let j = 0; j < d; j++) imp[j] /= w[0];
    return imp;
  }

  /** Importances normalised to sum to 1 (all zeros for a single-leaf tree), as scikit-learn's. */
  /** Number of leaves (nodes without a left child). */
  get nLeaves(): number {
    let c = 0;
    for (const l of this.left) if (l < 0) c++;
    return c;
  }

  featureImportances(d: number): Float64Array {
    const imp = this.rawImportances(d);
    let s = 0;
    for (let j = 0; j < d; j++) s += imp[j];
    if (s > 0) for (let j = 0; j < d; j++) imp[j] /= s;
    return imp;
  }
}

/** Builds one tree on `data` with optional per-sample weights (bootstrap counts, subsampling masks). */
export function buildTree(data: CartData, params: CartParams, rng: PCG32, sampleWeight: Float64Array | null): CartTree {
  return new Builder(data, params, rng, sampleWeight).build();
}

class Builder {
  private readonly samples: Int32Array;
  private readonly Xf: Float64Array;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly K: number;
  private readonly isClass: boolean;
  private readonly entropy: boolean;
  // node arrays (grown as JS arrays, frozen to typed arrays at the end)
  private feature: number[] = [];
  private threshold: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];
  private impurity: number[] = [];
  private nNode: number[] = [];
  private wNode: number[] = [];
  private trainLeaf: Int32Array;
  // scratch
  private readonly cTot: Float64Array;
  // Weighted totals of the node being split (set by addNode, read by the scans).
  private nodeW = 0;
  private nodeSum = 0;
  private readonly cLeft: Float64Array;

  constructor(private data: CartData, private p: CartParams, private rng: PCG32, private sw: Float64Array | null) {
    const { n, d } = data;
    let m = 0;
    const s = new Int32Array(n);
    for (let i = 0; i < n; i++) if (!sw || sw[i] > 0) s[m++] = i;
    this.samples = s.subarray(0, m);
    this.Xf = new Float64Array(m);
    this.features = Int32Array.from({ length: d }, (_, j) => j);
    this.constantFeatures = new Int32Array(d);
    this.isClass = data.yClass !== null;
    this.K = this.isClass ? data.nClasses : 1;
    this.entropy = p.criterion === "entropy" || p.criterion === "log_loss";
    this.cTot = new Float64Array(this.K);
    this.cLeft = new Float64Array(this.K);
    this.trainLeaf = new Int32Array(n).fill(-1);
  }

  build(): CartTree {
    const stack: number[] = [0, this.samples.length, 0, -1, 0, 0]; // start, end, depth, parent, isLeft, nConstants
    let maxDepthSeen = 0;
    while (stack.length) {
      const nConst = stack.pop()!, isLeft = stack.pop()!, parent = stack.pop()!, depth = stack.pop()!;
      const end = stack.pop()!, start = stack.pop()!;
      const node = this.addNode(start, end, parent, isLeft === 1);
      const nNode = end - start;
      const p = this.p;
      const imp = this.impurity[node];
      let isLeaf = depth >= p.maxDepth || nNode < p.minSamplesSplit || nNode < 2 * p.minSamplesLeaf || imp <= EPSILON;
      let split: Split | null = null;
      let newConst = nConst;
      if (!isLeaf) {
        split = this.bestSplit(start, end, nConst);
        newConst = split ? split.nConstants : nConst;
        if (!split || split.pos >= end) isLeaf = true;
        else {
          const improvement = this.improvement(node, start, split.pos, end);
          if (improvement + EPSILON < p.minImpurityDecrease) isLeaf = true;
        }
      }
      if (isLeaf || !split) {
        for (let q = start; q < end; q++) this.trainLeaf[this.samples[q]] = node;
      } else {
        this.feature[node] = split.feature;
        this.threshold[node] = split.threshold;
        stack.push(split.pos, end, depth + 1, node, 0, newConst);
        stack.push(start, split.pos, depth + 1, node, 1, newConst);
      }
      if (depth > maxDepthSeen) maxDepthSeen = depth;
    }
    const t = new CartTree();
    t.feature = Int32Array.from(this.feature);
    t.threshold = Float64Array.from(this.threshold);
    t.left = Int32Array.from(this.left);
    t.right = Int32Array.from(this.right);
    t.value = Float64Array.from(this.value);
    t.impurity = Float64Array.from(this.impurity);
    t.nNodeSamples = Int32Array.from(this.nNode);
    t.weightedNNodeSamples = Float64Array.from(this.wNode);
    t.nodeCount = this.feature.length;
    t.maxDepth = maxDepthSeen;
    t.nOutputs = this.K;
    t.trainLeaf = this.trainLeaf;
    return t;
  }

  /** Appends a node with its value and impurity computed from samples[start:end). */
  private addNode(start: number, end: number, parent: number, isLeft: boolean): number {
    const node = this.feature.length;
    this.feature.push(-2);
    this.threshold.push(-2);
    this.left.push(-1);
    this.right.push(-1);
    if (parent >= 0) {
      if (isLeft) this.left[parent] = node;
      else this.right[parent] = node;
    }
    const { samples, sw, data } = this;
    let w = 0;
    if (this.isClass) {
      const c = this.cTot.fill(0), y = data.yClass!;
      for (let q = start; q < end; q++) { const s = samples[q], ws = sw ? sw[s] : 1; c[y[s]] += ws; w += ws; }
      for (let k = 0; k < this.K; k++) this.value.push(c[k]);
      this.nodeW = w;
      this.impurity.push(this.classImpurity(c, w));
    } else {
      const y = data.yValue!;
      let sum = 0;
      for (let q = start; q < end; q++) { const s = samples[q], ws = sw ? sw[s] : 1; sum += ws * y[s]; w += ws; }
      const mean = sum / w;
      this.nodeW = w;
      this.nodeSum = sum;
      let v = 0;
      for (let q = start; q < end; q++) { const s = samples[q], ws = sw ? sw[s] : 1, r = y[s] - mean; v += ws * r * r; }
      this.value.push(mean);
      this.impurity.push(v / w);
    }
    this.nNode.push(end - start);
    this.wNode.push(w);
    return node;
  }

  private classImpurity(c: Float64Array, w: number): number {
    let s = 0;
    if (this.entropy) {
      for (let k = 0; k < this.K; k++) if (c[k] > 0) { const f = c[k] / w; s -= f * Math.log2(f); }
      return s;
    }
    for (let k = 0; k < this.K; k++) { const f = c[k] / w; s += f * f; }
    return 1 - s;
  }

  /** Weighted impurity decrease of splitting samples[start:end) at pos, as a fraction of the root weight. */
  private improvement(node: number, start: number, pos: number, end: number): number {
    const iL = this.rangeImpurity(start, pos), iR = this.rangeImpurity(pos, end);
    const w = this.wNode[node];
    return (w / this.wNode[0]) * (this.impurity[node] - (iR.w / w) * iR.imp - (iL.w / w) * iL.imp);
  }

  private rangeImpurity(start: number, end: number): { imp: number; w: number } {
    const { samples, sw, data } = this;
    let w = 0;
    if (this.isClass) {
      const c = this.cLeft.fill(0), y = data.yClass!;
      for (let q = start; q < end; q++) { const s = samples[q], ws = sw ? sw[s] : 1; c[y[s]] += ws; w += ws; }
      return { imp: this.classImpurity(c, w), w };
    }
    const y = data.yValue!;
    let sum = 0, sq = 0;
    for (let q = start; q < end; q++) { const s = samples[q], ws = sw ? sw[s] : 1; sum += ws * y[s]; sq += ws * y[s] * y[s]; w += ws; }
    const mean = sum / w;
    return { imp: sq / w - mean * mean, w };
  }

  /** scikit-learn's BestSplitter.node_split: sampled features, sorted scans, the best proxy improvement. */
  private bestSplit(start: number, end: number, nKnownConstants: number): Split | null {
    const { features, Xf, samples, rng, data } = this;
    const { n, d, Xt } = data;
    const maxFeatures = this.p.maxFeatures, minLeaf = this.p.minSamplesLeaf;
    let fI = d, nVisited = 0, nFoundConst = 0, nDrawnConst = 0, nTotalConst = nKnownConstants;
    let best: Split | null = null;
    let bestProxy = -Infinity;
    while (fI > nTotalConst && (nVisited < maxFeatures || nVisited <= nFoundConst + nDrawnConst)) {
      nVisited++;
      let fJ = rng.nextInt(nDrawnConst, fI - nFoundConst);
      if (fJ < nKnownConstants) {
        swap(features, nDrawnConst, fJ);
        nDrawnConst++;
        continue;
      }
      fJ += nFoundConst;
      const f = features[fJ], base = f * n;
      for (let q = start; q < end; q++) Xf[q] = Xt[base + samples[q]];
      sortPairs(Xf, samples, start, end);
      if (Xf[end - 1] <= Xf[start] + FEATURE_THRESHOLD) {
        features[fJ] = features[nTotalConst];
        features[nTotalConst] = f;
        nFoundConst++;
        nTotalConst++;
        continue;
      }
      fI--;
      swap(features, fI, fJ);
      const r = this.isClass ? this.scanClass(start, end, minLeaf, bestProxy) : this.scanValue(start, end, minLeaf, bestProxy);
      if (r.pos >= 0) {
        bestProxy = r.proxy;
        let thr = Xf[r.pos - 1] / 2 + Xf[r.pos] / 2;
        if (thr === Xf[r.pos] || thr === Infinity || thr === -Infinity) thr = Xf[r.pos - 1];
        best = { feature: f, pos: r.pos, threshold: thr, nConstants: 0 };
      }
    }
    // Keep features[0:nKnown] in the order ancestors left it (siblings rely on it) and record the
    // newly found constants for descendants (scikit-learn's invariant).
    const cf = this.constantFeatures;
    for (let j = 0; j < nKnownConstants; j++) features[j] = cf[j];
    for (let j = nKnownConstants; j < nKnownConstants + nFoundConst; j++) cf[j] = features[j];
    if (best) {
      // Reorder samples[start:end) into the chosen split's left and right parts.
      const base = best.feature * n, thr = best.threshold;
      let p = start, e = end;
      while (p < e) {
        if (Xt[base + samples[p]] <= thr) p++;
        else { e--; const t = samples[p]; samples[p] = samples[e]; samples[e] = t; }
      }
      best.pos = p;
      best.nConstants = nTotalConst;
    } else if (nTotalConst > 0) {
      return { feature: -1, pos: end, threshold: 0, nConstants: nTotalConst };
    }
    return best;
  }

  /** Scans sorted Xf for the best class split; returns pos = -1 when nothing beats `bestProxy`. */
  private scanClass(start: number, end: number, minLeaf: number, bestProxy: number): { pos: number; proxy: number } {
    const { Xf, samples, sw, K, entropy } = this;
    const y = this.data.yClass!;
    // cTot still holds this node's class weights from addNode (called just before bestSplit).
    const cL = this.cLeft.fill(0), cT = this.cTot, wT = this.nodeW;
    let wL = 0, next = start, p = start, bestPos = -1;
    while (p < end) {
      while (p + 1 < end && Xf[p + 1] <= Xf[p] + FEATURE_THRESHOLD) p++;
      p++;
      if (p >= end) break;
      for (; next < p; next++) { const s = samples[next], ws = sw ? sw[s] : 1; cL[y[s]] += ws; wL += ws; }
      if (p - start < minLeaf || end - p < minLeaf) continue;
      const wR = wT - wL;
      let proxy = 0;
      if (entropy) {
        // −(wL·H_L + wR·H_R) = Σ c·log c − w·log w on each side (natural log: same argmax)
        for (let k = 0; k < K; k++) {
          const a = cL[k], b = cT[k] - a;
          if (a > 0) proxy += a * Math.log(a);
          if (b > 0) proxy += b * Math.log(b);
        }
        proxy -= wL * Math.log(wL) + wR * Math.log(wR);
      } else {
        let sl = 0, sr = 0;
        for (let k = 0; k < K; k++) { const a = cL[k], b = cT[k] - a; sl += a * a; sr += b * b; }
        proxy = sl / wL + sr / wR;
      }
      if (proxy > bestProxy) { bestProxy = proxy; bestPos = p; }
    }
    return { pos: bestPos, proxy: bestProxy };
  }

  private scanValue(start: number, end: number, minLeaf: number, bestProxy: number): { pos: number; proxy: number } {
    const { Xf, samples, sw } = this;
    const y = this.data.yValue!;
    const sT = this.nodeSum, wT = this.nodeW;
    let sL = 0, wL = 0, next = start, p = start, bestPos = -1;
    while (p < end) {
      while (p + 1 < end && Xf[p + 1] <= Xf[p] + FEATURE_THRESHOLD) p++;
      p++;
      if (p >= end) break;
      for (; next < p; next++) { const s = samples[next], ws = sw ? sw[s] : 1; sL += ws * y[s]; wL += ws; }
      if (p - start < minLeaf || end - p < minLeaf) continue;
      const sR = sT - sL;
      const proxy = (sL * sL) / wL + (sR * sR) / (wT - wL);
      if (proxy > bestProxy) { bestProxy = proxy; bestPos = p; }
    }
    return { pos: bestPos, proxy: bestProxy };
  }
}

interface Split {
  feature: number;
  pos: number;
  threshold: number;
  nConstants: number;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]; a[i] = a[j]; a[j] = t;
}

/**
 * Sorts Xf[start:end) ascending, permuting samples alongside: an LSD radix sort on the float32 bit
 * patterns for long runs (3 passes of 11 bits, ~3× faster than comparison sorts there), introsort
 * with 3-way partitioning for short ones. Xf must hold float32-representable values.
 */
export function sortPairs(Xf: Float64Array, s: Int32Array, start: number, end: number): void {
  const n = end - start;
  if (n < 2) return;
  if (n >= RADIX_MIN) radixSort(Xf, s, start, end);
  else introsort(Xf, s, start, end, 2 * Math.floor(Math.log2(n)));
}

const RADIX_MIN = 700;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
let keyA = new Uint32Array(0), keyB = new Uint32Array(0), idxA = new Int32Array(0), idxB = new Int32Array(0);
const counts = new Int32Array(2048);

function radixSort(Xf: Float64Array, s: Int32Array, start: number, end: number): void {
  const n = end - start;
  if (keyA.length < n) {
    keyA = new Uint32Array(n); keyB = new Uint32Array(n); idxA = new Int32Array(n); idxB = new Int32Array(n);
  }
  // Order-preserving map of float32 bits to unsigned integers: flip all bits of negatives, the sign of positives.
  for (let j = 0; j < n; j++) {
    f32[0] = Xf[start + j];
    const u = u32[0];
    keyA[j] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    idxA[j] = s[start + j];
  }
  let src = keyA, dst = keyB, si = idxA, di = idxB;
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let j = 0; j < n; j++) counts[(src[j] >>> shift) & 2047]++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) { const c = counts[b]; counts[b] = sum; sum += c; }
    for (let j = 0; j < n; j++) {
      const k = src[j], p = counts[(k >>> shift) & 2047]++;
      dst[p] = k; di[p] = si[j];
    }
    const tk = src; src = dst; dst = tk;
    const ti = si; si = di; di = ti;
  }
  for (let j = 0; j < n; j++) {
    const k = src[j];
    u32[0] = k & 0x80000000 ? k ^ 0x80000000 : ~k;
    Xf[start + j] = f32[0];
    s[start + j] = si[j];
  }
}

function introsort(Xf: Float64Array, s: Int32Array, lo: number, hi: number, maxd: number): void {
  while (hi - lo > 16) {
    if (maxd <= 0) { heapsort(Xf, s, lo, hi); return; }
    maxd--;
    // median of three
    const a = Xf[lo], b = Xf[(lo + hi) >> 1], c = Xf[hi - 1];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (c < b ? b : c < a ? c : a);
    let i = lo, l = lo, r = hi;
    while (i < r) {
      const v = Xf[i];
      if (v < pivot) {
        Xf[i] = Xf[l]; Xf[l] = v;
        const t = s[i]; s[i] = s[l]; s[l] = t;
        i++; l++;
      } else if (v > pivot) {
        r--;
        Xf[i] = Xf[r]; Xf[r] = v;
        const t = s[i]; s[i] = s[r]; s[r] = t;
      } else i++;
    }
    // recurse into the smaller side, loop on the larger
    if (l - lo < hi - r) { introsort(Xf, s, lo, l, maxd); lo = r; }
    else { introsort(Xf, s, r, hi, maxd); hi = l; }
  }
  // insertion sort for short runs
  for (let i = lo + 1; i < hi; i++) {
    const v = Xf[i], sv = s[i];
    let j = i - 1;
    while (j >= lo && Xf[j] > v) { Xf[j + 1] = Xf[j]; s[j + 1] = s[j]; j--; }
    Xf[j + 1] = v; s[j + 1] = sv;
  }
}

function heapsort(Xf: Float64Array, s: Int32Array, lo: number, hi: number): void {
  const n = hi - lo;
  const sift = (start: number, end: number): void => {
    let root = start;
    for (;;) {
      let child = root * 2 + 1;
      if (child >= end) return;
      if (child + 1 < end && Xf[lo + child] < Xf[lo + child + 1]) child++;
      if (Xf[lo + root] >= Xf[lo + child]) return;
      const a = lo + root, b = lo + child;
      let t = Xf[a]; Xf[a] = Xf[b]; Xf[b] = t;
      t = s[a]; s[a] = s[b]; s[b] = t;
      root = child;
    }
  };
  for (let st = (n - 2) >> 1; st >= 0; st--) sift(st, n);
  for (let end = n - 1; end > 0; end--) {
    const a = lo, b = lo + end;
    let t = Xf[a]; Xf[a] = Xf[b]; Xf[b] = t;
    t = s[a]; s[a] = s[b]; s[b] = t;
    sift(0, end);
  }
}
