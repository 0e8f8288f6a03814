// The results table: one row per case, deepscript's time and rate, its fraction of the native
// ceiling (matmul), the peers' times and rates, and speed-up factors (peer time / deepscript time).
import { type Case, rate } from "./cases.js";
import type { Ceiling } from "./ceiling.js";
import type { Timing } from "./timer.js";

export interface Row {
  c: Case;
  /** Timing per peer name. */
  t: Map<string, Timing>;
  /** Peers that failed on this case (a peer absent from both did not run it: shown as "–"). */
  failed?: Set<string>;
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const num = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const factor = (x: number) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)) + "×";

/** Renders the table as Markdown (also readable in a terminal). */
export function table(rows: readonly Row[], ours: string, peers: readonly string[], ceiling: Ceiling | null): string {
  const head = ["case", "work", `${ours} ms`, "rate", "% ceil 1T"];
  for (const p of peers) head.push(`${p} ms`, "rate");
  for (const p of peers) head.push(`vs ${p}`);
  const lines = [head];
  for (const { c, t, failed } of rows) {
    const missing = (p: string) => (failed?.has(p) ? "failed" : "–");
    const work = c.unit === "GFLOP/s" ? `${(c.flops / 1e9).toFixed(3)} GFLOP` : `${(c.bytes / 1e6).toFixed(1)} MB`;
    const o = t.get(ours);
    const unit = c.unit === "GFLOP/s" ? " GFLOP/s" : " GB/s";
    const line = [c.id, work, o ? ms(o.medianMs) : missing(ours), o ? num(rate(c, o.medianMs)) + unit : "–"];
    line.push(o && ceiling && c.group === "matmul" ? ((100 * rate(c, o.medianMs)) / ceiling.best1T).toFixed(1) + "%" : "");
    for (const p of peers) {
      const q = t.get(p);
      line.push(q ? ms(q.medianMs) : missing(p), q ? num(rate(c, q.medianMs)) + unit : "–");
    }
    for (const p of peers) {
      const q = t.get(p);
      line.push(o && q ? factor(q.medianMs / o.medianMs) : "–");
    }
    lines.push(line);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => "| " + l.map((s, i) => (i < 2 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 1) + "-" : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [fmt(lines[0]), rule, ...lines.slice(1).map(fmt)].join("\n");
}

/** The ceiling as a few lines of text. */
export function ceilingText(c: Ceiling | null): string {
  if (!c) return "ceiling: unavailable";
  const pts = (ps: Ceiling["oneThread"]) => ps.map((p) => `N=${p.n} ${p.gflops.toFixed(1)} GFLOP/s (${p.ms.toFixed(1)} ms)`).join(", ");
  const lines = [
    `ceiling (NumPy ${c.numpy} float32 matmul, ${c.blas.find((b) => b.includes("openblas") || b.includes("libblas")) ?? c.blas.join(" ") ?? "?"}):`,
    `  1 thread:     ${pts(c.oneThread)}  -> best ${c.best1T.toFixed(1)} GFLOP/s (the "% ceil 1T" column)`,
    `  all threads:  ${pts(c.allThreads)}  -> best ${c.bestAll.toFixed(1)} GFLOP/s`,
  ];
  if (c.referenceBlas) lines.push("  WARNING: NumPy loaded the reference BLAS (libblas3), not an optimised one; this is no ceiling. Install libopenblas0-pthread.");
  return lines.join("\n");
}
