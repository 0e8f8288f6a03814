// nn.MultiheadAttention with PyTorch's parameters (in_proj_weight [3E,E] or q/k/v_proj_weight,
// in_proj_bias, bias_k/bias_v, out_proj), initialisation, masks and batched/unbatched inputs.
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { constant_, xavierNormal_, xavierUniform_ } from "../init.js";
import { linear } from "../functional.js";
import { additiveMask, attention, causalMask } from "../attention.js";
import { Linear } from "./linear.js";
import { empty } from "./util.js";
import { checkBoolean, checkNumber, checkOptions, optionNames } from "../../core/options.js";

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Biases in the input and output projections (default true). */
  bias?: boolean;
  /** Learnable key/value vectors appended to the key and value sequences (bias_k, bias_v). */
  addBiasKv?: boolean;
  /** Appends a zero key and value to the sequences after projection. */
  addZeroAttn?: boolean;
  /** Feature size of key (default embedDim); ≠ embedDim gives separate q/k/v_proj_weight. */
  kdim?: number;
  /** Feature size of value (default embedDim). */
  vdim?: number;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
}

const MULTIHEAD_ATTENTION_OPTIONS = optionNames<MultiheadAttentionOptions>({
  dropout: true, bias: true, addBiasKv: true, addZeroAttn: true, kdim: true, vdim: true, batchFirst: true,
});

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool true = this key is padding, ignore it; float: added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** [L, S] or [N·numHeads, L, S] ([numHeads, L, S] unbatched): bool true = may not attend; float: added. */
  attnMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** Average the returned weights over heads (default true): [N, L, S], else [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** Without attnMask: position i attends only to keys j <= i. With attnMask: a hint, attnMask is used. */
  isCausal?: boolean;
}
const MULTIHEAD_ATTENTION_FORWARD_OPTIONS = optionNames<MultiheadAttentionForwardOptions>({
  keyPaddingMask: true, attnMask: true, needWeights: true, averageAttnWeights: true, isCausal: true,
});

/**
 * Multi-head attention (Vaswani et al.), PyTorch's nn.MultiheadAttention. Inputs are [L, N, E]
 * (query) and [S, N, kdim], [S, N, vdim] (key, value), or batch-first, or unbatched [L, E];
 * forward returns [output, weights | null].
 * @example
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.call(x, x, x, { keyPaddingMask: pad });
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  // Declaration order = PyTorch's registration order = state-dict order.
  inProjWeight: Parameter | null = null;
  qProjWeight: Parameter | null = null;
  kProjWeight: Parameter | null = null;
  vProjWeight: Parameter | null = null;
  inProjBias: Parameter | null = null;
  biasK: Parameter | null = null;
  biasV: Parameter | null = null;
  outProj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const op = "MultiheadAttention";
    checkOptions(op, opts, MULTIHEAD_ATTENTION_OPTIONS);
    if (!Number.isInteger(numHeads) || numHeads < 1) throw new ArgumentError(op, `numHeads must be a positive integer, got ${numHeads}`);
    if (!Number.isInteger(embedDim) || embedDim < 1 || embedDim % numHeads !== 0) throw new ArgumentError(op, `embedDim ${embedDim} must be a positive multiple of numHeads ${numHeads}`);
    this.kdim = opts.kdim === undefined ? embedDim : checkNumber(op, "kdim", opts.kdim, { min: 1, integer: true });
    this.vdim = opts.vdim === undefined ? embedDim : checkNumber(op, "vdim", opts.vdim, { min: 1, integer: true });
    for (const key of ["bias", "addBiasKv", "addZeroAttn", "batchFirst"] as const) if (opts[key] !== undefined) checkBoolean(op, key, opts[key]);
    this.headDim = embedDim / numHeads;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(op, `dropout must be in [0, 1], got ${this.dropout}`);
    this.batchFirst = opts.batchFirst ?? false;
    this.addZeroAttn = opts.addZeroAttn ?? false;
    const E = embedDim, bias = opts.bias ?? true;
    if (this.sameEmbedDim) {
      this.inProjWeight = new Parameter(empty(op, [3 * E, E]));
      xavierUniform_(this.inProjWeight);
    } else {
      this.qProjWeight = new Parameter(empty(op, [E, E]));
      this.kProjWeight = new Parameter(empty(op, [E, this.kdim]));
      this.vProjWeight = new Parameter(empty(op, [E, this.vdim]));
      for (const w of [this.qProjWeight, this.kProjWeight, this.vProjWeight]) xavierUniform_(w);
    }
    if (bias) this.inProjBias = new Parameter(empty(op, [3 * E]));
    this.outProj = new Linear(E, E, { bias });
    if (this.inProjBias) constant_(this.inProjBias, 0);
    if (this.outProj.bias) constant_(this.outProj.bias, 0);
    if (opts.addBiasKv) {
      this.biasK = xavierNormal_(new Parameter(empty(op, [1, 1, E]))) as Parameter;
      this.biasV = xavierNormal_(new Parameter(empty(op, [1, 1, E]))) as Parameter;
    }
  }

  /** Whether key and value have embedDim features (one packed in_proj_weight). */
  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = "MultiheadAttention";
    checkOptions(`${op}.forward`, opts, MULTIHEAD_ATTENTION_FORWARD_OPTIONS);
    const E = this.embedDim, H = this.numHeads, hd = this.headDim;
    const batched = query.ndim === 3;
    this.checkShapes(query, key, value, opts);
    let q = query, k = key, v = value;
    if (!batched) [q, k, v] = [q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)];
    else if (this.batchFirst) [q, k, v] = [q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)];
    const [L, N] = q.shape, S = k.shape[0];
    const dtype = q.dtype === "float64" ? "float64" : "float32";

    // Input projections: one packed [3E, E] weight, or three separate ones.
    const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3) : [null, null, null];
    const [wq, wk, wv] = this.inProjWeight ? this.inProjWeight.chunk(3) : [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!];
    let qp = linear(q, wq, bq), kp = linear(k, wk, bk), vp = linear(v, wv, bv); // [L|S, N, E]

    // Masks become additive floats: attn [1 | N·H, L, S], key padding [N, S].
    const attnMask = opts.attnMask ?? (opts.isCausal ? causalMask(L, S) : null);
    let am = attnMask ? additiveMask(op, attnMask, dtype, "masked") : null;
    if (am && am.ndim === 2) am = am.unsqueeze(0);
    let kpm = opts.keyPaddingMask ? additiveMask(op, opts.keyPaddingMask, dtype, "masked") : null;
    if (kpm && !batched) kpm = kpm.unsqueeze(0);

    if (this.biasK && this.biasV) {
      kp = ds.concat([kp, this.biasK.expand([1, N, E])], 0);
      vp = ds.concat([vp, this.biasV.expand([1, N, E])], 0);
      am = am?.pad([0, 1]) ?? null;
      kpm = kpm?.pad([0, 1]) ?? null;
    }
    // Heads: [len, N, E] → [N·H, len, hd].
    const qh = qp.reshape([L, N * H, hd]).transpose(0, 1);
    let kh = kp.reshape([kp.shape[0], N * H, hd]).transpose(0, 1);
    let vh = vp.reshape([vp.shape[0], N * H, hd]).transpose(0, 1);
    if (this.addZeroAttn) {
      kh = ds.concat([kh, ds.zeros([N * H, 1, hd], { dtype: kh.dtype })], 1);
      vh = ds.concat([vh, ds.zeros([N * H, 1, hd], { dtype: vh.dtype })], 1);
      am = am?.pad([0, 1]) ?? null;
      kpm = kpm?.pad([0, 1]) ?? null;
    }
    const S2 = kh.shape[1];
    if (kpm) {
      const perHead = kpm.reshape([N, 1, 1, S2]).expand([N, H, 1, S2]).reshape([N * H, 1, S2]);
      am = am ? am.add(perHead) : perHead;
    }
    const { output, weights } = attention(op, qh, kh, vh, { attnMask: am, dropoutP: this.training ? this.dropout : 0, trueMeans: "masked" });
    let out = linear(output.transpose(0, 1).reshape([L * N, E]), this.outProj.weight, this.outProj.bias).reshape([L, N, E]);
    let w: Tensor | null = null;
    if (opts.needWeights ?? true) {
      w = weights.reshape([N, H, L, S2]);
      if (opts.averageAttnWeights ?? true) w = w.sum(1).div(H);
      if (!batched) w = w.squeeze(0);
    }
    if (!batched) out = out.squeeze(1);
    else if (this.batchFirst) out = out.transpose(0, 1);
    return [out, w];
  }

  // PyTorch's _mha_shape_check plus the size checks of multi_head_attention_forward, up front.
  private checkShapes(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions): void {
    const op = "MultiheadAttention";
    const batched = query.ndim === 3;
    const shapes = `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`;
    if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError(op, `query must be [L,E] (unbatched) or 3-d (batched), got ${fmtShape(query.shape)}`);
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) throw new ShapeError(op, `query, key and value must all be ${query.ndim}-d, got ${shapes}`);
    const seq = (t: Tensor) => (batched && !this.batchFirst ? t.shape[0] : batched ? t.shape[1] : t.shape[0]);
    const batch = (t: Tensor) => (!batched ? 1 : this.batchFirst ? t.shape[0] : t.shape[1]);
    const feat = (t: Tensor) => t.shape[t.ndim - 1];
    if (feat(query) !== this.embedDim || feat(key) !== this.kdim || feat(value) !== this.vdim) {
      throw new ShapeError(op, `expected features embedDim=${this.embedDim}, kdim=${this.kdim}, vdim=${this.vdim}; got ${shapes}`);
    }
    if (batch(key) !== batch(query) || batch(value) !== batch(query)) throw new ShapeError(op, `query, key and value must have the same batch size, got ${shapes}`);
    if (seq(key) !== seq(value)) throw new ShapeError(op, `key and value must have the same sequence length, got ${shapes}`);
    const L = seq(query), S = seq(key), N = batch(query);
    const kpm = opts.keyPaddingMask;
    if (kpm) {
      const want = batched ? [N, S] : [S];
      if (fmtShape(kpm.shape) !== fmtShape(want)) throw new ShapeError(op, `keyPaddingMask must have shape ${fmtShape(want)}, got ${fmtShape(kpm.shape)}`);
    }
    const am = opts.attnMask;
    if (am) {
      const want3 = [batched ? N * this.numHeads : this.numHeads, L, S];
      if (fmtShape(am.shape) !== fmtShape([L, S]) && fmtShape(am.shape) !== fmtShape(want3)) {
        throw new ShapeError(op, `attnMask must have shape ${fmtShape([L, S])} or ${fmtShape(want3)}, got ${fmtShape(am.shape)}`);
      }
    }
  }

  protected override extraRepr(): string {
    const extra = [this.kdim !== this.embedDim && `kdim=${this.kdim}`, this.vdim !== this.embedDim && `vdim=${this.vdim}`, this.batchFirst && "batchFirst=true", this.dropout && `dropout=${this.dropout}`].filter(Boolean);
    return [`embedDim=${this.embedDim}`, `numHeads=${this.numHeads}`, ...extra].join(", ");
  }
}
