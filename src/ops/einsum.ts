// einsum and kron: tensor products composed from diagonal, sum, permute, reshape and batched
// matmul, so both run on every backend's matmul kernel and get gradients from the composition.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { frame } from "../tensor/memory.js";
import { mul } from "../prims/elementwise.js";
import { reduce } from "../prims/reduce.js";
import * as mv from "../prims/movement.js";
import { matmul } from "./linalg.js";
import { diagonal } from "./diagonal.js";

// Letters standing for the dims an ellipsis covers (never valid in a user's subscripts).
const ELLIPSIS_LETTERS = "0123456789!#$%&*+:;<=?@^_|~";

interface Term { t: Tensor; letters: string[] }

/**
 * Einstein summation, as torch.einsum: `ds.einsum("bij,bjk->bik", a, b)`. Letters a–z, A–Z; "..."
 * for broadcast dims; without "->", the output is the letters used once, in alphabetical order.
 * Repeated letters in one operand take its diagonal ("ii->i"). Pairs of operands contract
 * left to right through batched matmul.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  return frame(() => {
  if (typeof equation !== "string") throw new ArgumentError("einsum", `equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const specs = lhs.split(",");
  if (specs.length !== operands.length) throw new ArgumentError("einsum", `"${equation}" names ${specs.length} operands, got ${operands.length}`);
  const ellDims = Math.max(0, ...specs.map((s, i) => (s.includes("...") ? operands[i].ndim - (s.length - 3) : 0)));
  const ell = ELLIPSIS_LETTERS.slice(0, ellDims).split("");
  const terms: Term[] = specs.map((s, i) => parseTerm(equation, s, operands[i], ell));
  let out: string[];
  if (arrow < 0) {
    // Counted in the subscripts as written (a repeated letter such as "ii" is summed, not kept).
    const all = specs.join("").replace(/\.\.\./g, "").split("");
    out = [...ell, ...[...new Set(all)].filter((l) => all.indexOf(l) === all.lastIndexOf(l)).sort()];
  } else {
    const rhs = eq.slice(arrow + 2);
    out = rhs.includes("...") ? [...rhs.slice(0, rhs.indexOf("...")), ...ell, ...rhs.slice(rhs.indexOf("...") + 3)] : rhs.split("");
    for (const l of out) {
      if (!/[a-zA-Z]/.test(l) && !ell.includes(l)) throw new ArgumentError("einsum", `"${equation}": invalid output subscript "${l}"`);
      if (!terms.some((t) => t.letters.includes(l))) throw new ArgumentError("einsum", `"${equation}": output subscript "${l}" appears in no operand`);
      if (out.indexOf(l) !== out.lastIndexOf(l)) throw new ArgumentError("einsum", `"${equation}": output subscript "${l}" appears more than once`);
    }
  }
  // Sizes per letter; size-1 dims broadcast to the letter's size.
  const size = new Map<string, number>();
  for (const term of terms) {
    term.letters.forEach((l, i) => {
      const n = term.t.shape[i], have = size.get(l);
      if (have === undefined || have === 1) size.set(l, n);
      else if (n !== have && n !== 1) throw new ShapeError("einsum", `"${equation}": subscript "${l}" has size ${have} in one operand and ${n} in another`);
    });
  }
  for (const term of terms) {
    const target = term.letters.map((l) => size.get(l)!);
    if (target.some((n, i) => n !== term.t.shape[i])) term.t = mv.expand(term.t, target);
  }
  // Sum each operand's letters that no other operand and not the output uses.
  const reduced = terms.map((term, k) => {
    const usedElsewhere = new Set([...out, ...terms.filter((_, j) => j !== k).flatMap((t) => t.letters)]);
    return sumOut(term, (l) => !usedElsewhere.has(l));
  });
  let cur = reduced[0];
  for (let k = 1; k < reduced.length; k++) {
    const later = new Set([...out, ...reduced.slice(k + 1).flatMap((t) => t.letters)]);
    cur = contract(cur, reduced[k], later, size);
  }
  // Letters the output does not keep (a single operand's, or ones both of the last pair lacked) are summed; then order them.
  cur = sumOut(cur, (l) => !out.includes(l));
  return cur.letters.length === 0 && out.length === 0 ? cur.t : mv.permute(cur.t, out.map((l) => cur.letters.indexOf(l)));
  });
}

function parseTerm(equation: string, spec: string, t: Tensor, ell: string[]): Term {
  const at = spec.indexOf("...");
  const named = at < 0 ? spec.split("") : [...spec.slice(0, at), ...spec.slice(at + 3)];
  for (const l of named) if (!/[a-zA-Z]/.test(l)) throw new ArgumentError("einsum", `"${equation}": invalid subscript "${l}" (letters a-z, A-Z and "..." only)`);
  const k = at < 0 ? 0 : t.ndim - named.length;
  if (k < 0 || (at < 0 && named.length !== t.ndim)) {
    throw new ShapeError("einsum", `"${equation}": subscripts "${spec}" do not fit an operand of shape ${fmtShape(t.shape)}`);
  }
  let letters = at < 0 ? named : [...spec.slice(0, at), ...ell.slice(ell.length - k), ...spec.slice(at + 3)];
  // Repeated letters: take the diagonal (it moves to the end).
  for (;;) {
    const i = letters.findIndex((l, j) => letters.indexOf(l) !== j);
    if (i < 0) break;
    const first = letters.indexOf(letters[i]);
    if (t.shape[first] !== t.shape[i]) throw new ShapeError("einsum", `"${equation}": repeated subscript "${letters[i]}" covers dims of sizes ${t.shape[first]} and ${t.shape[i]}`);
    t = diagonal(t, 0, first, i);
    letters = [...letters.filter((_, j) => j !== first && j !== i), letters[i]];
  }
  return { t, letters };
}

function sumOut(term: Term, drop: (l: string) => boolean): Term {
  const dims = term.letters.map((l, i) => (drop(l) ? i : -1)).filter((i) => i >= 0);
  if (dims.length === 0) return term;
  return { t: reduce("sum", term.t, dims), letters: term.letters.filter((l) => !drop(l)) };
}

// a ⊙ b over their shared letters: shared and kept → batch, shared and not kept → contracted.
function contract(a: Term, b: Term, keep: Set<string>, size: Map<string, number>): Term {
  const shared = a.letters.filter((l) => b.letters.includes(l));
  const batch = shared.filter((l) => keep.has(l)), sum = shared.filter((l) => !keep.has(l));
  const left = a.letters.filter((l) => !shared.includes(l)), right = b.letters.filter((l) => !shared.includes(l));
  const prod = (ls: string[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
  const A = mv.reshape(mv.permute(a.t, [...batch, ...left, ...sum].map((l) => a.letters.indexOf(l))), [prod(batch), prod(left), prod(sum)]);
  const B = mv.reshape(mv.permute(b.t, [...batch, ...sum, ...right].map((l) => b.letters.indexOf(l))), [prod(batch), prod(sum), prod(right)]);
  const letters = [...batch, ...left, ...right];
  return { t: mv.reshape(matmul(A, B), letters.map((l) => size.get(l)!)), letters };
}

/**
 * The Kronecker product, as torch.kron: block (i, j) of the result is a[i, j] · b (for any
 * number of dims; the shorter shape gains leading 1s). @example ds.kron(ds.eye(2), ds.ones([2, 2]))
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  return frame(() => {
  const nd = Math.max(a.ndim, b.ndim);
  const as = [...Array(nd - a.ndim).fill(1), ...a.shape], bs = [...Array(nd - b.ndim).fill(1), ...b.shape];
  const A = mv.reshape(a, as.flatMap((n) => [n, 1])), B = mv.reshape(b, bs.flatMap((n) => [1, n]));
  return mv.reshape(mul(A, B), as.map((n, i) => n * bs[i]));
  });
}
