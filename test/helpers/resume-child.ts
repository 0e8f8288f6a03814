// A training process for test/resume-kill.test.ts: trains a small model with dropout by fit with
// checkpoints, resuming from the newest one if there is one; prints "step N" after every step.
// Args: backend threads dir out [stop] — stop "N" blocks after step N so the parent can kill it
// with SIGKILL; stop "wN" kills itself (SIGKILL) midway through writing step N's checkpoint.
// Without stop it trains to the end and writes the final weights' bits to `out` as JSON.
import { writeFileSync } from "node:fs";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { pathToFileURL } from "node:url";
import * as ds from "../../src/index.js";

export const STEPS_PER_EPOCH = 5;

/** The model, data and options of the run, the same in every process (the parent's reference run too). */
export function setup(dir: string): { model: ds.nn.Module; data: [ds.Tensor, ds.Tensor]; opts: ds.train.FitOptions } {
  const { nn, optim, train } = ds;
  ds.seed(7);
  const x = ds.randn([160, 64]);
  const y = x.narrow(1, 0, 10).argmax(1);
  ds.seed(42);
  // 32 × 64 × 256 products: ≥ 1 MFLOP, so with 2 threads the wasm backend splits them between threads.
  const model = new nn.Sequential(new nn.Linear(64, 256), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(256, 10));
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const schedule = new optim.lr.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  ds.seed(1); // the run's own stream: shuffling and dropout
  return {
    model, data: [x, y],
    opts: {
      epochs: 3, batchSize: 32, optimizer, loss: "crossEntropy", metrics: ["accuracy"], verbose: 0,
      callbacks: [train.lrScheduler(schedule)], checkpoint: { dir, everySteps: 2 }, resumeFrom: dir,
    },
  };
}

/** Every bit of every weight, as hex. */
export function bits(model: ds.nn.Module): Record<string, string> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Buffer.from(new Uint8Array(t.contiguous().dataSync().buffer.slice(0))).toString("hex")]));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [backend, threads, dir, out, stop = ""] = process.argv.slice(2);
  ds.setBackend(backend);
  ds.setThreads(Number(threads));
  if (stop.startsWith("w")) {
    // Die by SIGKILL with step N's checkpoint half written: after the first write into its temp file.
    const name = `step-${stop.slice(1).padStart(9, "0")}.safetensors.tmp`;
    const fds = new Set<number>();
    const openSync = fs.openSync, writeSync = fs.writeSync; // the originals (the named imports follow the patch)
    fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
      const fd = (openSync as (...a: unknown[]) => number)(path, ...rest);
      if (String(path).includes(name)) fds.add(fd);
      return fd;
    }) as typeof fs.openSync;
    fs.writeSync = ((fd: number, ...rest: unknown[]) => {
      const n = (writeSync as (...a: unknown[]) => number)(fd, ...rest);
      if (fds.has(fd)) process.kill(process.pid, "SIGKILL");
      return n;
    }) as typeof fs.writeSync;
    syncBuiltinESMExports(); // the library's `import { writeSync } from "node:fs"` sees these too
  }
  const { model, data, opts } = setup(dir);
  const report = {
    onBatchEnd(batch: number, _logs: ds.train.Logs, ctx: ds.train.TrainContext) {
      const step = ctx.history.epoch.length * STEPS_PER_EPOCH + batch + 1;
      process.stdout.write(`step ${step}\n`);
      if (stop === String(step)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000); // until killed
    },
  };
  await ds.train.fit(model as ds.train.Model, data, { ...opts, callbacks: [...opts.callbacks!, report] });
  writeFileSync(out, JSON.stringify(bits(model)));
  process.stdout.write("done\n");
}
