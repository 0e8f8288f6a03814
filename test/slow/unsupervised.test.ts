// Learning checks of the unsupervised examples (npm run test:slow), seeded, on the bundled digits:
// autoencoders reconstruct test digits below a stated error, the VAE's negative ELBO falls below a
// stated value, and SimCLR pretraining beats a randomly initialised encoder with 1% of the labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as autoencoder } from "../../examples/autoencoder.js";
import { main as vae } from "../../examples/vae.js";
import { main as simclr } from "../../examples/simclr.js";

// A fresh folder per run; collect the garbage of the previous run first (storage outside the JS heap
// is freed when its tensors are collected, and V8 does not see that memory's pressure).
const out = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run on a later turn
  return mkdtempSync(join(tmpdir(), "deepscript-slow-"));
};

test("autoencoders (4 epochs): test MSE per pixel conv < 0.02, dense < 0.035; denoising removes > half the noise", { timeout: 20 * 60_000 }, async () => {
  const r = await autoencoder({ epochs: 4, out: await out() });
  assert.ok(r.conv < 0.02, `conv autoencoder error ${r.conv}`);
  assert.ok(r.dense < 0.035, `dense autoencoder error ${r.dense}`);
  assert.ok(r.denoised < 0.5 * r.noisyInput, `denoised ${r.denoised} vs noisy input ${r.noisyInput}`);
});

test("VAE (10 epochs): test negative ELBO under 135 nats per digit", { timeout: 20 * 60_000 }, async () => {
  const r = await vae({ epochs: 10, out: await out() });
  assert.ok(r.testLoss < 135, `test loss ${r.testLoss}`);
});

test("SimCLR (5 epochs): with 1% of the labels the pretrained encoder beats the random one by ≥ 10 points (probe) and on kNN", { timeout: 20 * 60_000 }, async () => {
  const r = await simclr({ epochs: 5, out: await out() });
  assert.equal(r.labelled, 80);
  assert.ok(r.pretrained.linearProbe >= r.random.linearProbe + 0.1, `probe: pretrained ${r.pretrained.linearProbe} vs random ${r.random.linearProbe}`);
  assert.ok(r.pretrained.knn > r.random.knn + 0.05, `kNN: pretrained ${r.pretrained.knn} vs random ${r.random.knn}`);
});
