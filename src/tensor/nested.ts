// Nested JavaScript arrays <-> flat data and shape.
import { ShapeError, ArgumentError } from "../core/errors.js";

export type NestedArray = number | boolean | NestedArray[];
export type NestedInput = number | boolean | ArrayLike<number> | readonly NestedInput[];

/** Shape and flat values of nested arrays; ragged or non-numeric input is an error. */
export function flatten(op: string, data: NestedInput): { shape: number[]; values: number[]; allBool: boolean } {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
    const a = probe as ArrayLike<unknown>;
    shape.push(a.length);
    if (a.length === 0) break;
    probe = a[0];
  }
  const values: number[] = [];
  let allBool = true;
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v === "number") allBool = false;
      else if (typeof v !== "boolean") {
        throw new ArgumentError(op, `element at [${path.join(",")}] is ${Array.isArray(v) ? "an array" : v === null ? "null" : typeof v}; expected a number or boolean (ragged nesting?)`);
      }
      values.push(Number(v));
      return;
    }
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
      throw new ShapeError(op, `ragged nested array: element at [${path.join(",")}] is not an array but the first row nests ${shape.length} deep (shape [${shape.join(",")}])`);
    }
    const a = v as ArrayLike<unknown>;
    if (a.length !== shape[depth]) {
      throw new ShapeError(op, `ragged nested array: element at [${path.join(",")}] has length ${a.length}, expected ${shape[depth]} (shape [${shape.join(",")}])`);
    }
    if (ArrayBuffer.isView(v) && depth === shape.length - 1) {
      allBool = false;
      for (let i = 0; i < a.length; i++) values.push(a[i] as number);
      return;
    }
    for (let i = 0; i < a.length; i++) walk(a[i], depth + 1, [...path, i]);
  };
  walk(data, 0, []);
  if (values.length === 0) allBool = false;
  return { shape, values, allBool };
}

/** Flat row-major data → nested arrays of `shape` (0-d → a number). */
export function toNested(data: ArrayLike<number>, shape: readonly number[], asBool: boolean): NestedArray {
  const conv = asBool ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(data[0]);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[d]);
    if (d === shape.length - 1) {
      for (let i = 0; i < shape[d]; i++) out[i] = conv(data[pos++]);
    } else {
      for (let i = 0; i < shape[d]; i++) out[i] = build(d + 1);
    }
    return out;
  };
  return build(0);
}
