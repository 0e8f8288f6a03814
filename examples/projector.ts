// The embedding projector: the test digits as points in 2-D (PCA, and t-SNE), coloured by class —
// raw pixels against the embeddings of a SimCLR-pretrained encoder (the one `npm run
// example:simclr` saved, or, if it is missing, one pretrained here for a few epochs) and of the
// same encoder untrained. Trustworthiness (scikit-learn's) says how faithfully each picture keeps
// the neighbourhoods of the high-dimensional points.
// Run: npm run example:projector   (ENCODER=path to an encoder.safetensors, OUT=dir)
import { fileURLToPath } from "node:url";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, data, train, io, explain } from "../src/index.js";
import { encoder, augment } from "./simclr.js";

export interface ProjectorResults { files: string[]; knn2d: Record<string, number>; trustworthiness: Record<string, number> }

/** kNN accuracy inside the 2-D picture (leave-one-out, k = 5): how well the classes separate on screen. */
function knn2d(points: ds.Tensor, y: ds.Tensor): number {
  const n = points.shape[0];
  const half = Math.floor(n / 2);
  return train.knnAccuracy(points.narrow(0, 0, half), y.narrow(0, 0, half), points.narrow(0, half, n - half), y.narrow(0, half, n - half), { k: 5, metric: "euclidean" });
}

export async function main(opts: { encoderPath?: string; out?: string; epochs?: number; limit?: number; tsne?: boolean } = {}): Promise<ProjectorResults> {
  const out = opts.out ?? process.env.OUT ?? "out/projector";
  mkdirSync(out, { recursive: true });
  const { train: tr, test } = data.datasets.digits();
  const n = opts.limit ?? 1000;
  const x = test.x.narrow(0, 0, n), y = test.y.narrow(0, 0, n);

  const path = opts.encoderPath ?? process.env.ENCODER ?? "out/simclr/encoder.safetensors";
  let pretrained: nn.Module;
  if (existsSync(path)) {
    pretrained = io.load(path);
    console.log(`loaded the SimCLR encoder ${path}`);
  } else {
    const epochs = opts.epochs ?? 3;
    console.log(`${path} not found (npm run example:simclr makes it): pretraining one for ${epochs} epochs`);
    ds.seed(0);
    pretrained = encoder();
    const head = new nn.Sequential(new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, 64));
    await train.fitContrastive(pretrained, opts.limit ? tr.x.narrow(0, 0, 4 * opts.limit) : tr.x, { head, augment, epochs, seed: 0 });
  }
  ds.seed(0);
  const untrained = encoder();

  const views: [string, string, ds.Tensor][] = [
    ["pixels", "Raw pixels (784 numbers per digit)", x.flatten(1)],
    ["random-encoder", "Untrained encoder (128 numbers)", train.embed(untrained, x)],
    ["simclr", "SimCLR-pretrained encoder (128 numbers, no labels used)", train.embed(pretrained, x)],
  ];
  const files: string[] = [], scores: Record<string, number> = {}, trust: Record<string, number> = {};
  const methods = (opts.tsne ?? process.env.TSNE !== "0") ? (["pca", "tsne"] as const) : (["pca"] as const);
  for (const [name, title, z] of views) {
    for (const method of methods) {
      if (method === "tsne" && name === "random-encoder") continue; // two t-SNE pictures are enough
      const t0 = performance.now();
      const p = explain.projector(z, y, { method, title: `${title}: ${method === "pca" ? "PCA" : "t-SNE"} of ${n} test digits` });
      const key = `${name} ${method}`;
      const file = join(out, `${name}-${method}.png`);
      await p.figure.save(file, { scale: 2 });
      files.push(file);
      scores[key] = knn2d(p.points, y);
      trust[key] = explain.trustworthiness(z, p.points, 5);
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(`${key.padEnd(22)} trustworthiness ${trust[key].toFixed(3)}, 5-NN accuracy in the picture ${(scores[key] * 100).toFixed(1)}% (${secs} s)`);
    }
  }
  console.log(`wrote ${files.join(", ")}`);
  return { files, knn2d: scores, trustworthiness: trust };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
