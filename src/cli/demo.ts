// `deepscript demo`: fits y = 3x + 2 from noisy samples by gradient descent, using autograd.
import * as ds from "../index.js";

export function demo(opts: { steps: number; lr: number; seed: number }): void {
  ds.seed(opts.seed);
  const x = ds.rand([256, 1]).mul(4).sub(2);
  const y = x.mul(3).add(2).add(ds.randn([256, 1]).mul(0.1));
  const w = ds.zeros([1, 1], { requiresGrad: true });
  const b = ds.zeros([1], { requiresGrad: true });
  console.log(`fitting y = w·x + b to 256 noisy samples of y = 3x + 2 (${opts.steps} steps, lr ${opts.lr}, backend ${ds.getBackend()})`);
  const start = ds.memory();
  const t0 = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    const loss = ds.scope(() => {
      const l = ds.nn.F.mse(x.matmul(w).add(b), y);
      l.backward();
      ds.noGrad(() => {
        w.copy_(w.sub(w.grad!.mul(opts.lr)));
        b.copy_(b.sub(b.grad!.mul(opts.lr)));
      });
      // Gradients live outside scopes (they belong to their leaves): release them explicitly.
      w.grad!.dispose();
      b.grad!.dispose();
      w.grad = b.grad = null;
      return l.item();
    });
    if (step === 1 || step % Math.max(1, Math.floor(opts.steps / 6)) === 0 || step === opts.steps) {
      console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(6)}  w ${w.item().toFixed(4)}  b ${b.item().toFixed(4)}`);
    }
  }
  const end = ds.memory();
  console.log(`learned w = ${w.item().toFixed(3)} (true 3), b = ${b.item().toFixed(3)} (true 2) in ${(performance.now() - t0).toFixed(0)} ms`);
  console.log(`live tensors before/after the loop: ${start.tensors}/${end.tensors} (memory stays flat)`);
}
