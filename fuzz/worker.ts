// The fuzz harness's worker thread: imports the targets once, then for each input it is sent
// writes it to a temp file, parses it through the target's public API and reports the outcome
// class. Hangs, crashes and memory are judged by the harness (fuzz/run.ts), which can kill it.
import { parentPort, workerData } from "node:worker_threads";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeepScriptError } from "../src/core/errors.js";
import { loadTarget } from "./discover.js";
import type { FuzzTarget } from "./target.js";

const { files, dir } = workerData as { files: string[]; dir: string };
const targets = new Map<string, FuzzTarget>();
for (const f of files) targets.set(f, await loadTarget(f));
const port = parentPort!;

function describe(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message.slice(0, 2000)}\n${(e.stack ?? "").split("\n").slice(1, 8).join("\n")}`;
    return `a thrown ${typeof e}: ${String(e).slice(0, 2000)}`;
  } catch {
    return `a thrown ${typeof e} that cannot be described`;
  }
}

port.on("message", async (job: { id: number; file: string; bytes: Uint8Array }) => {
  const t = targets.get(job.file)!;
  const path = join(dir, `input${t.ext}`);
  writeFileSync(path, job.bytes);
  let reply: { outcome: "accepted" | "typed" | "untyped"; message?: string };
  try {
    await t.parse(path);
    reply = { outcome: "accepted" };
  } catch (e) {
    reply = e instanceof DeepScriptError ? { outcome: "typed", message: e.message.slice(0, 2000) } : { outcome: "untyped", message: describe(e) };
  }
  // One turn of the event loop, so an asynchronous failure the parse left behind counts for this input.
  await new Promise((r) => setImmediate(r));
  port.postMessage({ id: job.id, ...reply });
});
port.postMessage({ ready: true });
