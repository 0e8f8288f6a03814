// nn.TransformerEncoderLayer and nn.TransformerEncoder with PyTorch's parameter names
// (self_attn.*, linear1, linear2, norm1, norm2; layers.{i}.*, norm), and sinusoidal positional
// encodings as a function and as a module.
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { Module } from "../module.js";
import { gelu, relu } from "../functional.js";
import { MultiheadAttention } from "./attention.js";
import { Linear } from "./linear.js";
import { Dropout } from "./misc.js";
import { LayerNorm } from "./normalization.js";
import { ModuleList } from "./container.js";
import { checkBoolean, checkNumber, checkOptions, optionNames } from "../../core/options.js";

export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on attention weights (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default "relu"). */
  activation?: "relu" | "gelu";
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [batch, seq, dModel] instead of [seq, batch, dModel] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: x + sa(norm1(x)), x + ff(norm2(x)) instead of norm1(x + sa(x)), norm2(x + ff(x)) (default false). */
  normFirst?: boolean;
}

const ENCODER_LAYER_OPTIONS = optionNames<TransformerEncoderLayerOptions>({
  dimFeedforward: true, dropout: true, activation: true, layerNormEps: true, batchFirst: true, normFirst: true,
});

export interface TransformerEncoderLayerForwardOptions {
  /** [S, S] or [batch·nhead, S, S]; bool true = may not attend, float = added to the scores. */
  srcMask?: Tensor | null;
  /** [batch, S] (or [S] unbatched); true marks padding positions that no query attends to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal attention (position i sees j <= i) when srcMask is not given; a hint otherwise. */
  isCausal?: boolean;
}
const ENCODER_LAYER_FORWARD_OPTIONS = optionNames<TransformerEncoderLayerForwardOptions>({ srcMask: true, srcKeyPaddingMask: true, isCausal: true });

/**
 * One Transformer encoder block (self-attention + feed-forward, each with a residual connection
 * and layer norm), PyTorch's nn.TransformerEncoderLayer.
 * @example
 * const layer = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true });
 * const y = layer.call(x, { srcKeyPaddingMask: pad }); // x [batch, seq, 64]
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderLayerForwardOptions?], Tensor> {
  // Declaration order = PyTorch's registration order = state-dict order.
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly opts: Required<TransformerEncoderLayerOptions>;

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    checkOptions("TransformerEncoderLayer", opts, ENCODER_LAYER_OPTIONS);
    const o = {
      dimFeedforward: opts.dimFeedforward ?? 2048, dropout: opts.dropout ?? 0.1, activation: opts.activation ?? "relu",
      layerNormEps: opts.layerNormEps ?? 1e-5, batchFirst: opts.batchFirst ?? false, normFirst: opts.normFirst ?? false,
    };
    if (o.activation !== "relu" && o.activation !== "gelu") throw new ArgumentError("TransformerEncoderLayer", `activation must be "relu" or "gelu", got ${JSON.stringify(o.activation)}`);
    checkNumber("TransformerEncoderLayer", "dimFeedforward", o.dimFeedforward, { min: 1, integer: true });
    checkBoolean("TransformerEncoderLayer", "batchFirst", o.batchFirst);
    checkBoolean("TransformerEncoderLayer", "normFirst", o.normFirst);
    this.opts = o;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst });
    this.linear1 = new Linear(dModel, o.dimFeedforward);
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
  }

  forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    checkOptions("TransformerEncoderLayer.forward", opts, ENCODER_LAYER_FORWARD_OPTIONS);
    const act = this.opts.activation === "gelu" ? (t: Tensor) => gelu(t) : relu;
    const sa = (y: Tensor) => this.dropout1.call(this.selfAttn.call(y, y, y, {
      attnMask: opts.srcMask ?? null, keyPaddingMask: opts.srcKeyPaddingMask ?? null, needWeights: false, isCausal: opts.isCausal,
    })[0]);
    const ff = (y: Tensor) => this.dropout2.call(this.linear2.call(this.dropout.call(act(this.linear1.call(y)))));
    let x = src;
    if (this.opts.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(ff(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(ff(x)));
    }
    return x;
  }

  protected override extraRepr(): string {
    const o = this.opts;
    return `dModel=${this.dModel}, nhead=${this.nhead}, dimFeedforward=${o.dimFeedforward}, dropout=${o.dropout}, activation=${o.activation}` +
      `${o.batchFirst ? ", batchFirst=true" : ""}${o.normFirst ? ", normFirst=true" : ""}`;
  }
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask for every layer ([S, S] or [batch·nhead, S, S]; bool true = may not attend). */
  mask?: Tensor | null;
  /** [batch, S]: true marks padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal attention in every layer (when mask is not given). */
  isCausal?: boolean;
}
const ENCODER_FORWARD_OPTIONS = optionNames<TransformerEncoderForwardOptions>({ mask: true, srcKeyPaddingMask: true, isCausal: true });

/**
 * A stack of numLayers copies of `encoderLayer` (each starts with the given layer's weights, as
 * PyTorch's deep copies do), then an optional final norm: PyTorch's nn.TransformerEncoder.
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(32, 4, { batchFirst: true }), 2);
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, norm: LayerNorm | null = null) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new ArgumentError("TransformerEncoder", "encoderLayer must be an nn.TransformerEncoderLayer");
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError("TransformerEncoder", `numLayers must be a positive integer, got ${numLayers}`);
    const copies = Array.from({ length: numLayers }, () => {
      const c = new TransformerEncoderLayer(encoderLayer.dModel, encoderLayer.nhead, encoderLayer.opts);
      const dtype = encoderLayer.linear1.weight.dtype;
      if (dtype === "float64") c.double();
      c.loadStateDict(encoderLayer.stateDict());
      return c.train(encoderLayer.training);
    });
    this.layers = new ModuleList(copies);
    this.norm = norm;
  }

  forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    checkOptions("TransformerEncoder.forward", opts, ENCODER_FORWARD_OPTIONS);
    let x = src;
    for (const layer of this.layers) x = layer.call(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal });
    return this.norm ? this.norm.call(x) : x;
  }

  protected override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}

/**
 * The sinusoidal position table of "Attention Is All You Need": [length, dModel] with
 * PE[p, 2i] = sin(p / base^(2i/dModel)), PE[p, 2i+1] = cos(p / base^(2i/dModel)).
 * @example const pe = nn.sinusoidalPositionalEncoding(50, 16); // [50, 16]
 */
export function sinusoidalPositionalEncoding(length: number, dModel: number, opts: { base?: number; dtype?: "float32" | "float64" } = {}): Tensor {
  if (!Number.isInteger(length) || length < 0 || !Number.isInteger(dModel) || dModel < 1) {
    throw new ArgumentError("sinusoidalPositionalEncoding", `length and dModel must be non-negative and positive integers, got ${length}, ${dModel}`);
  }
  const base = opts.base ?? 10000;
  const pe = new Float64Array(length * dModel);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = p * Math.exp(i * (-Math.log(base) / dModel));
      pe[p * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) pe[p * dModel + i + 1] = Math.cos(angle);
    }
  }
  return ds.tensor(pe, { dtype: opts.dtype ?? "float32" }).reshape([length, dModel]);
}

export interface PositionalEncodingOptions {
  /** Dropout after adding the encodings (default 0.1). */
  dropout?: number;
  /** Longest sequence (default 5000). */
  maxLen?: number;
  /** Inputs are [batch, seq, dModel] instead of [seq, batch, dModel] (default false). */
  batchFirst?: boolean;
}
const POSITIONAL_ENCODING_OPTIONS = optionNames<PositionalEncodingOptions>({ dropout: true, maxLen: true, batchFirst: true });

/**
 * Adds sinusoidal position encodings to a sequence of embeddings, then dropout (the module of
 * PyTorch's Transformer tutorial). Input [S, batch, dModel], or [batch, S, dModel] with batchFirst,
 * or [S, dModel]. The table is recomputed, not stored: it is not in the state dict.
 * @example const pos = new nn.PositionalEncoding(64, { dropout: 0.1, batchFirst: true });
 */
export class PositionalEncoding extends Module {
  readonly dropout: Dropout;
  readonly maxLen: number;
  readonly batchFirst: boolean;
  private table: Tensor | null = null;
  constructor(readonly dModel: number, opts: PositionalEncodingOptions = {}) {
    super();
    checkOptions("PositionalEncoding", opts, POSITIONAL_ENCODING_OPTIONS);
    checkNumber("PositionalEncoding", "dModel", dModel, { min: 1, integer: true });
    this.dropout = new Dropout(opts.dropout ?? 0.1);
    this.maxLen = checkNumber("PositionalEncoding", "maxLen", opts.maxLen ?? 5000, { min: 1, integer: true });
    this.batchFirst = checkBoolean("PositionalEncoding", "batchFirst", opts.batchFirst ?? false);
  }
  forward(x: Tensor): Tensor {
    const seqDim = x.ndim === 3 && this.batchFirst ? 1 : 0;
    const S = x.shape[seqDim];
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.dModel) {
      throw new ShapeError("PositionalEncoding", `expected [seq, batch, ${this.dModel}], [batch, seq, ${this.dModel}] (batchFirst) or [seq, ${this.dModel}], got ${fmtShape(x.shape)}`);
    }
    if (S > this.maxLen) throw new ShapeError("PositionalEncoding", `sequence length ${S} exceeds maxLen ${this.maxLen}`);
    const dtype = x.dtype === "float64" ? "float64" : "float32";
    if (!this.table || this.table.shape[0] < S || this.table.dtype !== dtype) {
      this.table = ds.keep(sinusoidalPositionalEncoding(Math.max(S, Math.min(this.maxLen, 512)), this.dModel, { dtype }));
    }
    let pe = this.table.narrow(0, 0, S);
    if (x.ndim === 3) pe = pe.unsqueeze(seqDim === 0 ? 1 : 0);
    return this.dropout.call(x.add(pe));
  }
  protected override extraRepr(): string {
    return `dModel=${this.dModel}, maxLen=${this.maxLen}${this.batchFirst ? ", batchFirst=true" : ""}`;
  }
}
