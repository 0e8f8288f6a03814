// PyTorch-style printing: tensor([[1., 2.], [3., 4.]]), summarised with "..." beyond 1000 elements.
import type { Tensor } from "./tensor.js";

const THRESHOLD = 1000;
const EDGE = 3;

function formatter(values: number[], dtype: string): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32" || dtype === "uint8") return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const maxA = abs.length ? Math.max(...abs) : 0, minA = abs.length ? Math.min(...abs) : 0;
  const allInt = finite.every((v) => Number.isInteger(v));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (allInt && maxA < 1e8) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  if (maxA >= 1e8 || (minA > 0 && (minA < 1e-4 || maxA / minA > 1000))) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

/** Text of a tensor as PyTorch prints it (dtype shown when not float32). */
export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return "tensor(<disposed>)";
  const data = Array.from(t.dataSync());
  const shape = t.shape;
  const summarise = data.length > THRESHOLD;
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = acc; acc *= shape[i]; }
  // Only the shown elements decide the number format.
  const shown: number[] = [];
  const indices = (n: number): (number | null)[] => (summarise && n > 2 * EDGE ? [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : Array.from({ length: n }, (_, i) => i));
  const visit = (d: number, base: number): void => {
    if (d === shape.length) { shown.push(data[base]); return; }
    for (const i of indices(shape[d])) if (i !== null) visit(d + 1, base + i * strides[d]);
  };
  visit(0, 0);
  const fmt = formatter(shown, t.dtype);
  const width = Math.max(0, ...shown.map((v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);
  const prefix = "tensor(";
  const render = (d: number, base: number, indent: number): string => {
    if (d === shape.length) return cell(data[base]);
    const parts = indices(shape[d]).map((i) => (i === null ? "..." : render(d + 1, base + i * strides[d], indent + 1)));
    if (d === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(shape.length - 1 - d) + " ".repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  let body = render(0, 0, prefix.length);
  const extras: string[] = [];
  if (shape.length > 0 && t.size === 0) { body = "[]"; extras.push(`size=[${shape.join(", ")}]`); }
  if (t.dtype !== "float32") extras.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) extras.push(t._node ? `gradFn=${t._node.name}` : "requiresGrad=true");
  return `${prefix}${body}${extras.length ? ", " + extras.join(", ") : ""})`;
}
