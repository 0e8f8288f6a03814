// The unsupervised and explanation examples and commands run end to end on a few digits (the full
// runs are `npm run example:<name>`; their learning checks are in test/slow/unsupervised.test.ts),
// plus the contrastive-training helpers of train/.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, io, train, data } from "../src/index.js";
import { main as autoencoder } from "../examples/autoencoder.js";
import { main as vae } from "../examples/vae.js";
import { main as simclr } from "../examples/simclr.js";
import { main as projector } from "../examples/projector.js";
import { decodePng } from "./helpers/png.js";

const tmp = () => mkdtempSync(join(tmpdir(), "deepscript-unsup-"));
const root = new URL("..", import.meta.url).pathname;
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try { return await fn(); } finally { console.log = log; }
};

describe("examples (tiny runs)", () => {
  it("autoencoder: dense, conv and denoising train and write the reconstruction grid", async () => {
    const out = tmp();
    const r = await quiet(() => autoencoder({ epochs: 1, limit: 256, out }));
    for (const v of [r.dense, r.conv, r.denoised]) assert.ok(v > 0 && v < 0.3, `error ${v}`);
    assert.ok(r.noisyInput > 0.05, `noise ${r.noisyInput}`);
    const png = decodePng(new Uint8Array(readFileSync(r.grid)));
    assert.ok(png.width > 500 && png.height > 300);
  });
  it("vae: trains and writes samples and reconstructions", async () => {
    const out = tmp();
    const r = await quiet(() => vae({ epochs: 1, limit: 256, out }));
    assert.ok(Number.isFinite(r.loss) && r.loss > 0);
    assert.ok(existsSync(r.samples) && existsSync(r.reconstructions));
  });
  it("simclr then projector: pretrain, probe both encoders, save and reload the encoder, draw the PCA pictures", async () => {
    const out = tmp();
    const r = await quiet(() => simclr({ epochs: 1, limit: 256, out }));
    for (const s of [r.pretrained, r.random]) for (const v of [s.linearProbe, s.knn]) assert.ok(v > 0.1 && v <= 1, `accuracy ${v}`);
    assert.equal(r.labelled, 80);
    const p = await quiet(() => projector({ encoderPath: r.encoderPath, out, limit: 120 }));
    assert.equal(p.files.length, 5);
    for (const f of p.files) assert.ok(existsSync(f), f);
    assert.ok(p.knn2d["pixels pca"] > 0.2, JSON.stringify(p.knn2d));
    assert.ok(p.trustworthiness["simclr tsne"] > p.trustworthiness["simclr pca"], JSON.stringify(p.trustworthiness));
  });
});

describe("train's contrastive helpers", () => {
  it("labelledSubset is stratified and seeded; knn and the probe score a separable toy problem", () => {
    const y = ds.tensor(Array.from({ length: 300 }, (_, i) => i % 3), { dtype: "int32" });
    const a = train.labelledSubset(y, 0.1, 1), b = train.labelledSubset(y, 0.1, 1);
    assert.deepEqual(a, b);
    assert.equal(a.length, 30);
    const counts = [0, 0, 0];
    for (const i of a) counts[i % 3]++;
    assert.deepEqual(counts, [10, 10, 10]);
    const z = ds.tensor(Array.from({ length: 300 }, (_, i) => [i % 3 === 0 ? 5 : 0, i % 3 === 1 ? 5 : 0, i % 3 === 2 ? 5 : 0].map((v, j) => v + 0.1 * Math.sin(i * (j + 1)))));
    const rows = ds.tensor(a, { dtype: "int32" });
    const zl = ds.indexSelect(z, 0, rows), yl = ds.indexSelect(y, 0, rows);
    assert.equal(train.knnAccuracy(zl, yl, z, y, { k: 3 }), 1);
    assert.equal(train.knnAccuracy(zl, yl, z, y, { k: 3, metric: "euclidean" }), 1);
    assert.equal(train.linearProbe(zl, yl, z, y), 1);
  });

  it("fitContrastive lowers NT-Xent on a toy problem and checks its options", async () => {
    ds.seed(0);
    const enc = new nn.Sequential(new nn.Flatten(), new nn.Linear(16, 8));
    const x = ds.rand([64, 1, 4, 4]);
    const h = await train.fitContrastive(enc, x, { augment: data.transforms.gaussianNoise(0.05), epochs: 5, batchSize: 32, verbose: false });
    const loss = h.history.loss;
    assert.equal(loss.length, 5);
    assert.ok(loss[4] < loss[0], JSON.stringify(loss));
    await assert.rejects(() => train.fitContrastive(enc, x, { augment: (v) => v, epochs: 0 }), /epochs/);
  });
});

describe("deepscript pretrain and explain", () => {
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it("pretrain writes the encoder, the probe report and the PCA and t-SNE pictures", () => {
    const dir = tmp();
    const r = cli("pretrain", "--epochs", "1", "--limit", "256", "--batch-size", "64", "--out", dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /random encoder: +linear probe [\d.]+%, kNN [\d.]+%/);
    assert.match(r.stdout, /pretrained encoder: linear probe [\d.]+%, kNN [\d.]+%/);
    for (const f of ["encoder.safetensors", "probe.json", "embeddings-pca.png", "embeddings-tsne.png"]) assert.ok(existsSync(join(dir, f)), f);
    const report = JSON.parse(readFileSync(join(dir, "probe.json"), "utf8")) as { labelled: number; ntXent: number[] };
    assert.equal(report.labelled, 80);
    assert.equal(report.ntXent.length, 1);
    assert.equal(cli("pretrain", "--labels", "2").code, 1);
  });

  it("explain writes saliency, integrated-gradients and occlusion overlays for a saved model", () => {
    const dir = tmp();
    ds.seed(0);
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(4), new nn.Flatten(), new nn.Linear(4 * 7 * 7, 10));
    io.save(model, join(dir, "model.safetensors"));
    const r = cli("explain", join(dir, "model.safetensors"), "digits:0-3", "--out", dir, "--steps", "16", "--target", "label");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /completeness gap/);
    assert.equal(r.stdout.match(/^sample \d: predicted \d/gm)?.length, 4);
    for (const f of ["saliency.png", "ig.png", "occlusion.png"]) assert.ok(existsSync(join(dir, f)), f);
    const bad = cli("explain", join(dir, "model.safetensors"), "digits:0", "--methods", "lime");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--methods/);
  });
});
