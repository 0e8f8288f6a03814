// Dropout, Embedding and Flatten.
import { ArgumentError } from "../../core/errors.js";
import { checkNumber, checkOptions, optionNames } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { randn } from "../../ops/creation.js";
import { flatten } from "../../ops/shape.js";
import { noGrad } from "../../autograd/mode.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { dropout, embedding } from "../functional.js";

/** Zeroes inputs with probability p in training mode (scaling the rest by 1/(1-p)); identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new ArgumentError("Dropout", `p must be in [0, 1], got ${String(p)}`);
  }
  forward(x: Tensor): Tensor { return dropout(x, this.p, this.training); }
  protected override extraRepr(): string { return `p=${this.p}`; }
}

export interface EmbeddingOptions {
  /** A row that stays zero and gets no gradient (negative counts from the end; default none). */
  paddingIdx?: number | null;
}
const EMBEDDING_OPTIONS = optionNames<EmbeddingOptions>({ paddingIdx: true });

/** A lookup table of numEmbeddings vectors of size embeddingDim, initialised N(0, 1). */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    checkOptions("Embedding", opts, EMBEDDING_OPTIONS);
    checkNumber("Embedding", "numEmbeddings", numEmbeddings, { min: 1, integer: true });
    checkNumber("Embedding", "embeddingDim", embeddingDim, { min: 1, integer: true });
    const p = opts.paddingIdx ?? null;
    if (p !== null) checkNumber("Embedding", "paddingIdx", p, { integer: true });
    if (p !== null && (p >= numEmbeddings || p < -numEmbeddings)) throw new ArgumentError("Embedding", `paddingIdx ${p} must be within numEmbeddings ${numEmbeddings}`);
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(randn([numEmbeddings, embeddingDim]));
    const pad = this.paddingIdx;
    if (pad !== null) noGrad(() => this.weight.index(pad).copy_(0));
  }
  forward(indices: Tensor): Tensor { return embedding(indices, this.weight, this.paddingIdx); }
  protected override extraRepr(): string { return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`}`; }
}

/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    checkNumber("Flatten", "startDim", startDim, { integer: true });
    checkNumber("Flatten", "endDim", endDim, { integer: true });
  }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
  protected override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}
