// Text: character and word vocabularies with unknown/padding tokens, encode/decode, padding
// variable-length sequences into a batch, next-token pairs for language models, and the bundled
// Shakespeare excerpt.
import { ArgumentError, IndexError, ShapeError } from "../core/errors.js";
import { checkBoolean, checkChoice, checkOptions, optionNames } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { assetPath, readAsset } from "../core/assets.js";

export interface VocabOptions {
  /** The unknown token, given to tokens outside the vocabulary (default "<unk>"; null: none, unknown tokens throw). */
  unk?: string | null;
  /** The padding token (default "<pad>"; null: none). With both, pad is index 0 and unk index 1. */
  pad?: string | null;
  /** More special tokens placed after pad and unk (e.g. "<bos>", "<eos>"). */
  specials?: readonly string[];
  /** Tokens seen fewer times are left out (default 1). */
  minFreq?: number;
  /** At most this many tokens in all, specials included (the most frequent are kept). */
  maxSize?: number;
}
const VOCAB_OPTIONS = optionNames<VocabOptions>({ unk: true, pad: true, specials: true, minFreq: true, maxSize: true });

/**
 * A token ↔ index table. Specials come first (pad = 0, unk = 1 by default), then tokens by
 * decreasing frequency, ties in order of first appearance.
 * @example
 * const v = data.Vocab.build([["the", "cat"], ["the", "dog"]]);
 * v.encode(["the", "bird"]); // [2, 1]  (1 = "<unk>")
 */
export class Vocab {
  readonly itos: readonly string[];
  private readonly stoi: Map<string, number>;
  readonly padToken: string | null;
  readonly unkToken: string | null;

  constructor(tokens: readonly string[], opts: { pad?: string | null; unk?: string | null } = {}) {
    checkOptions("Vocab", opts, optionNames<typeof opts>({ pad: true, unk: true }));
    this.itos = [...tokens];
    this.stoi = new Map();
    this.itos.forEach((t, i) => {
      if (this.stoi.has(t)) throw new ArgumentError("Vocab", `token ${JSON.stringify(t)} appears twice`);
      this.stoi.set(t, i);
    });
    this.padToken = opts.pad ?? null;
    this.unkToken = opts.unk ?? null;
    for (const s of [this.padToken, this.unkToken]) {
      if (s !== null && !this.stoi.has(s)) throw new ArgumentError("Vocab", `special token ${JSON.stringify(s)} is not among the tokens`);
    }
  }

  /** Counts the tokens of `sequences` (lists of tokens) and builds the vocabulary. */
  static build(sequences: Iterable<readonly string[]>, opts: VocabOptions = {}): Vocab {
    checkOptions("Vocab.build", opts, VOCAB_OPTIONS);
    const pad = opts.pad === undefined ? "<pad>" : opts.pad;
    const unk = opts.unk === undefined ? "<unk>" : opts.unk;
    const specials = [...(pad !== null ? [pad] : []), ...(unk !== null ? [unk] : []), ...(opts.specials ?? [])];
    const counts = new Map<string, number>();
    for (const seq of sequences) for (const t of seq) counts.set(t, (counts.get(t) ?? 0) + 1);
    const minFreq = opts.minFreq ?? 1;
    // Map iteration follows first appearance; a stable sort keeps it among equal counts.
    let tokens = [...counts.entries()].filter(([t, n]) => n >= minFreq && !specials.includes(t)).sort((a, b) => b[1] - a[1]).map(([t]) => t);
    if (opts.maxSize !== undefined) {
      if (!Number.isInteger(opts.maxSize) || opts.maxSize < specials.length) throw new ArgumentError("Vocab.build", `maxSize must be an integer ≥ the ${specials.length} special tokens, got ${opts.maxSize}`);
      tokens = tokens.slice(0, opts.maxSize - specials.length);
    }
    return new Vocab([...specials, ...tokens], { pad, unk });
  }

  /** Number of tokens (specials included). */
  get length(): number {
    return this.itos.length;
  }
  /** Index of the padding token (null when there is none). */
  get padIndex(): number | null {
    return this.padToken === null ? null : this.stoi.get(this.padToken)!;
  }
  /** Index of the unknown token (null when there is none). */
  get unkIndex(): number | null {
    return this.unkToken === null ? null : this.stoi.get(this.unkToken)!;
  }
  has(token: string): boolean {
    return this.stoi.has(token);
  }
  /** The index of a token; unknown tokens get unkIndex (or throw when there is no unk token). */
  indexOf(token: string): number {
    const i = this.stoi.get(token);
    if (i !== undefined) return i;
    if (this.unkToken === null) throw new ArgumentError("Vocab", `unknown token ${JSON.stringify(token)} and no unk token`);
    return this.stoi.get(this.unkToken)!;
  }
  /** The token at an index. */
  tokenAt(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.itos.length) throw new IndexError("Vocab", `index ${i} is out of range for ${this.itos.length} tokens`);
    return this.itos[i];
  }
  /** Tokens → indices. */
  encode(tokens: Iterable<string>): number[] {
    return Array.from(tokens, (t) => this.indexOf(t));
  }
  /** Indices (numbers, or a 1-d int tensor) → tokens; `skipPad` drops padding. */
  decode(ids: Iterable<number> | Tensor, opts: { skipPad?: boolean } = {}): string[] {
    checkOptions("Vocab.decode", opts, optionNames<typeof opts>({ skipPad: true }));
    const arr = Symbol.iterator in Object(ids) ? Array.from(ids as Iterable<number>) : Array.from((ids as Tensor).dataSync());
    const pad = this.padIndex;
    return arr.filter((i) => !(opts.skipPad && i === pad)).map((i) => this.tokenAt(i));
  }
}

/**
 * A vocabulary of characters: encode(text) → indices, decode(indices) → text.
 * @example
 * const v = data.CharVocab.fromText("hello world", { pad: null });
 * v.decode(v.encode("hold")); // "hold"
 */
export class CharVocab extends Vocab {
  static fromText(text: string | readonly string[], opts: VocabOptions = {}): CharVocab {
    const texts = typeof text === "string" ? [text] : text;
    const v = Vocab.build(texts.map((t) => Array.from(t)), opts);
    return new CharVocab(v.itos, { pad: v.padToken, unk: v.unkToken });
  }
  override encode(text: Iterable<string>): number[] {
    return super.encode(typeof text === "string" ? Array.from(text) : text);
  }
  /** Indices → text (padding dropped). */
  decodeText(ids: Iterable<number> | Tensor): string {
    return this.decode(ids, { skipPad: true }).join("");
  }
}

/** Lower-cased words and single punctuation marks: "It's 4 o'clock!" → ["it's", "4", "o'clock", "!"]. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu) ?? [];
}

/**
 * A vocabulary of words split by a tokenizer (default: `tokenize`).
 * @example
 * const v = data.WordVocab.fromTexts(["the cat sat", "the dog sat"], { minFreq: 2 });
 * v.encode("the cat ran"); // [the, <unk>, <unk>]
 */
export class WordVocab extends Vocab {
  tokenizer: (text: string) => string[] = tokenize;
  static fromTexts(texts: readonly string[], opts: VocabOptions & { tokenizer?: (text: string) => string[] } = {}): WordVocab {
    checkOptions("WordVocab.fromTexts", opts, [...VOCAB_OPTIONS, "tokenizer"]);
    const { tokenizer, ...vocabOpts } = opts;
    const tok = tokenizer ?? tokenize;
    if (typeof tok !== "function") throw new ArgumentError("WordVocab.fromTexts", `tokenizer must be a function, got ${typeof tok}`);
    const v = Vocab.build(texts.map(tok), vocabOpts);
    const w = new WordVocab(v.itos, { pad: v.padToken, unk: v.unkToken });
    w.tokenizer = tok;
    return w;
  }
  /** A text (tokenized) or a list of tokens → indices. */
  override encode(text: string | Iterable<string>): number[] {
    return super.encode(typeof text === "string" ? this.tokenizer(text) : text);
  }
  /** Indices → words joined by spaces (padding dropped). */
  decodeText(ids: Iterable<number> | Tensor): string {
    return this.decode(ids, { skipPad: true }).join(" ");
  }
}

export interface PadOptions {
  /** Value of the padding entries (default 0, the pad index of a default Vocab). */
  padValue?: number;
  /** Length of the batch (default: the longest sequence); longer sequences are cut. */
  maxLen?: number;
  /** Pad (and cut) at the "end" (default) or the "start". */
  side?: "end" | "start";
  /** Output layout: [batch, time] (default true) or [time, batch]. */
  batchFirst?: boolean;
}
const PAD_OPTIONS = optionNames<PadOptions>({ padValue: true, maxLen: true, side: true, batchFirst: true });

/**
 * Pads lists of token indices into one int32 batch, with each sequence's length (after cutting)
 * for the `lengths` option of RNN/LSTM/GRU. Empty sequences are refused (a recurrent layer needs
 * at least one step).
 * @example
 * const { ids, lengths } = data.padSequences([[5, 6, 7], [8]]); // ids [[5,6,7],[8,0,0]], lengths [3, 1]
 */
export function padSequences(seqs: readonly (readonly number[])[], opts: PadOptions = {}): { ids: Tensor; lengths: number[] } {
  const op = "padSequences";
  checkOptions(op, opts, PAD_OPTIONS);
  if (opts.side !== undefined) checkChoice(op, "side", opts.side, ["end", "start"]);
  if (opts.batchFirst !== undefined) checkBoolean(op, "batchFirst", opts.batchFirst);
  if (seqs.length === 0) throw new ShapeError(op, "needs at least one sequence");
  const maxLen = opts.maxLen ?? Math.max(...seqs.map((s) => s.length));
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new ArgumentError(op, `maxLen must be a positive integer, got ${maxLen}`);
  const pad = opts.padValue ?? 0, start = opts.side === "start", bf = opts.batchFirst ?? true;
  const B = seqs.length, out = new Int32Array(B * maxLen).fill(pad);
  const lengths = seqs.map((s, b) => {
    if (s.length === 0) throw new ShapeError(op, `sequence ${b} is empty`);
    const kept = s.length > maxLen ? (start ? s.slice(s.length - maxLen) : s.slice(0, maxLen)) : s;
    const at = start ? maxLen - kept.length : 0;
    kept.forEach((v, t) => (out[bf ? b * maxLen + at + t : (at + t) * B + b] = v));
    return kept.length;
  });
  return { ids: tensor(out, { dtype: "int32" }).reshape(bf ? [B, maxLen] : [maxLen, B]), lengths };
}

/**
 * Language-model training pairs from a stream of token indices: x[i] = ids[i·stride … + seqLen - 1],
 * y[i] = the same window shifted by one (each position's next token). int32 [N, seqLen] each.
 * @example const { x, y } = data.nextTokenPairs(vocab.encode(text), 64, { stride: 32 });
 */
export function nextTokenPairs(ids: readonly number[] | Tensor, seqLen: number, opts: { stride?: number } = {}): { x: Tensor; y: Tensor } {
  const op = "nextTokenPairs";
  checkOptions(op, opts, optionNames<typeof opts>({ stride: true }));
  const arr = Array.isArray(ids) ? (ids as number[]) : Array.from((ids as Tensor).dataSync());
  const stride = opts.stride ?? seqLen;
  if (!Number.isInteger(seqLen) || seqLen < 1 || !Number.isInteger(stride) || stride < 1) throw new ArgumentError(op, `seqLen and stride must be positive integers, got ${seqLen}, ${stride}`);
  if (arr.length < seqLen + 1) throw new ShapeError(op, `${arr.length} tokens are too few for sequences of ${seqLen} (+1 for the targets)`);
  const N = Math.floor((arr.length - seqLen - 1) / stride) + 1;
  const x = new Int32Array(N * seqLen), y = new Int32Array(N * seqLen);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < seqLen; t++) {
      x[i * seqLen + t] = arr[i * stride + t];
      y[i * seqLen + t] = arr[i * stride + t + 1];
    }
  }
  return { x: tensor(x, { dtype: "int32" }).reshape([N, seqLen]), y: tensor(y, { dtype: "int32" }).reshape([N, seqLen]) };
}

/** The bundled file's URL (see DIGITS_URL). */
export const SHAKESPEARE_URL = new URL("../../data/shakespeare-coriolanus.txt", import.meta.url);
export const SHAKESPEARE_FILE = assetPath(SHAKESPEARE_URL);

/**
 * The opening of Shakespeare's Coriolanus (Act I, scene 1, about 6.5 KB; public domain), for
 * language-model examples. See data/README.md.
 * @example const text = data.datasets.shakespeare();
 */
export function shakespeare(): string {
  return new TextDecoder().decode(readAsset("shakespeare", SHAKESPEARE_URL, 'data.datasets.preload("shakespeare")'));
}

