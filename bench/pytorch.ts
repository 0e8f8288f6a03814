// PyTorch's CPU figures for W2–W5 measured in the same run (bench/pytorch.py, Debian's python3-torch),
// on one thread, in a fresh python3 process; a peer column like the others, or absent without torch.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Case } from "./cases.js";
import type { Timing } from "./timer.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./pytorch.py", import.meta.url));

export interface TorchRun {
  version: string;
  threads: number;
  /** Timing (and the first call's result, to check agreement) per case id. */
  cases: Map<string, Timing & { value: number }>;
}

/** Runs the PyTorch versions of the given cases, or returns null (printing why) where torch is missing. */
export function runPytorch(cases: readonly Case[], threads: number, quick: boolean): TorchRun | null {
  const ids = cases.filter((c) => ["mlp", "cnn", "lstm", "infer"].includes(c.group)).map((c) => c.id);
  if (ids.length === 0) return null;
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  try {
    const out = execFileSync(PYTHON, [SCRIPT, String(threads), quick ? "1" : "0", ...ids], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    const r = JSON.parse(out.trim().split("\n").pop()!) as { torch: string; threads: number; cases: Record<string, Timing & { value: number }> };
    return { version: r.torch, threads: r.threads, cases: new Map(Object.entries(r.cases)) };
  } catch (e) {
    const why = (e as { stderr?: string }).stderr?.toString().trim().split("\n").pop() ?? (e as Error).message;
    console.log(`pytorch: unavailable (${why})`);
    return null;
  }
}
