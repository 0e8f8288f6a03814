// A tree of JSON values with tensors anywhere in it (a training checkpoint: weights, optimizer
// state, generator states, counters) as one safetensors file: each tensor under the path that
// leads to it, the tree as JSON in the file's metadata with {"$tensor": name} in its place.
import { ArgumentError, FileError } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { encodeSafetensors, type SafetensorsContents } from "./safetensors.js";

/** A JSON value in which a Tensor may stand for any value. */
export type TreeValue = null | boolean | number | string | Tensor | readonly TreeValue[] | { readonly [key: string]: TreeValue };

/** How deep a tree may nest (checkpoints nest about 6 deep); deeper input is refused, not recursed into. */
export const MAX_TREE_DEPTH = 64;

// JSON has no NaN, ±Infinity or -0; objects whose keys start with "$" are escaped so tags stay unambiguous.
const NUMBERS: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

/**
 * The tree as safetensors pieces: tensors named by their path ("optimizer/state/0/exp_avg"), the
 * JSON under `key` in the metadata. Numbers keep every bit (NaN, ±Infinity and -0 included).
 */
export function encodeTree(tree: TreeValue, key: string, op: string): Uint8Array[] {
  const tensors: Record<string, Tensor> = {};
  const walk = (v: unknown, path: string[]): unknown => {
    if (path.length > MAX_TREE_DEPTH) throw new ArgumentError(op, `the state nests deeper than ${MAX_TREE_DEPTH} levels at ${path.join("/")}`);
    if (v instanceof Tensor) {
      let name = path.join("/") || "tensor";
      for (let i = 1; Object.hasOwn(tensors, name); i++) name = `${path.join("/")}#${i}`;
      tensors[name] = v;
      return { $tensor: name };
    }
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: String(Object.is(v, -0) ? "-0" : v) };
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      const entries = Object.entries(v as object).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x, [...path, k])]);
      const out = Object.fromEntries(entries);
      return entries.some(([k]) => (k as string).startsWith("$")) ? { $object: out } : out;
    }
    throw new ArgumentError(op, `cannot store ${typeof v === "object" ? (v as object).constructor?.name ?? "an object" : typeof v} at ${path.join("/") || "the root"}: only JSON values and tensors`);
  };
  const json = JSON.stringify(walk(tree, []));
  return encodeSafetensors(tensors, { [key]: json }, op);
}

/**
 * The tree of a decoded file (decodeSafetensors), checked: the JSON under `key` parses, nests at
 * most MAX_TREE_DEPTH deep, and names every tensor of the file exactly once. `path` names the file in errors.
 */
export function decodeTree(contents: SafetensorsContents, key: string, path: string, op: string): TreeValue {
  const fail = (why: string) => new FileError(op, path, why);
  if (!Object.hasOwn(contents.metadata, key)) throw fail(`no "${key}" entry in its metadata: not a file of this kind`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(contents.metadata[key]);
  } catch (e) {
    throw fail(`the "${key}" metadata is not valid JSON (${(e as Error).message})`);
  }
  const used = new Set<string>();
  const walk = (v: unknown, depth: number): TreeValue => {
    if (depth > MAX_TREE_DEPTH) throw fail(`the "${key}" metadata nests deeper than ${MAX_TREE_DEPTH} levels`);
    if (v === null || typeof v !== "object") return v as TreeValue;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "$tensor") {
      const name = o.$tensor;
      if (typeof name !== "string" || !Object.hasOwn(contents.tensors, name)) throw fail(`the "${key}" metadata refers to a tensor ${JSON.stringify(name)} that the file does not hold`);
      if (used.has(name)) throw fail(`the "${key}" metadata refers to tensor "${name}" twice`);
      used.add(name);
      return contents.tensors[name];
    }
    if (keys.length === 1 && keys[0] === "$number") {
      const s = o.$number;
      if (typeof s !== "string" || !Object.hasOwn(NUMBERS, s)) throw fail(`the "${key}" metadata holds an unknown number ${JSON.stringify(s)}`);
      return NUMBERS[s];
    }
    if (keys.length === 1 && keys[0] === "$object") {
      const inner = o.$object;
      if (inner === null || typeof inner !== "object" || Array.isArray(inner)) throw fail(`the "${key}" metadata holds a malformed $object`);
      return Object.fromEntries(Object.entries(inner).map(([k, x]) => [k, walk(x, depth + 1)]));
    }
    if (keys.some((k) => k.startsWith("$"))) throw fail(`the "${key}" metadata holds an unknown tag among ${keys.join(", ")}`);
    // fromEntries defines own properties: a "__proto__" key stays a plain key.
    return Object.fromEntries(keys.map((k) => [k, walk(o[k], depth + 1)]));
  };
  const tree = walk(parsed, 0);
  const unused = Object.keys(contents.tensors).filter((n) => !used.has(n));
  if (unused.length) throw fail(`tensor${unused.length > 1 ? "s" : ""} ${unused.slice(0, 5).join(", ")}${unused.length > 5 ? ", …" : ""} not referenced by the "${key}" metadata`);
  return tree;
}
