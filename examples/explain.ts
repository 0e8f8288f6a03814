// Explaining what models learned. Part 1: a small CNN is trained on the bundled digits, then for a
// few test digits we ask which pixels drove its prediction — input-gradient saliency, integrated
// gradients (checked for completeness: the attributions add up to f(x) - f(black image)) and
// occlusion — and save the heat maps over the digits. Part 2: on a table (breast-cancer
// diagnosis) a random forest's impurity importances against permutation importance on held-out data.
// Run: npm run example:explain   (EPOCHS=N, OUT=dir)
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, optim, data, train, explain, ml } from "../src/index.js";

export interface ExplainResults { accuracy: number; completenessGap: number; files: string[]; topFeatures: string[] }

export async function main(opts: { epochs?: number; limit?: number; out?: string } = {}): Promise<ExplainResults> {
  const epochs = opts.epochs ?? Number(process.env.EPOCHS ?? 3);
  const limit = opts.limit ?? Number(process.env.LIMIT ?? 0);
  const out = opts.out ?? process.env.OUT ?? "out/explain";
  mkdirSync(out, { recursive: true });
  const files: string[] = [];

  // ---- part 1: a digit classifier --------------------------------------------------------------
  const { train: tr, test } = data.datasets.digits();
  const [xTrain, yTrain] = limit > 0 ? [tr.x.narrow(0, 0, limit), tr.y.narrow(0, 0, limit)] : [tr.x, tr.y];
  ds.seed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 64), new nn.ReLU(), new nn.Linear(64, 10),
  );
  await train.fit(model, [xTrain, yTrain], {
    epochs, batchSize: 64, optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), loss: "crossEntropy", metrics: ["accuracy"], seed: 0, verbose: 2,
  });
  const { accuracy } = train.evaluate(model, [test.x, test.y], { metrics: ["accuracy"], batchSize: 256 });
  console.log(`test accuracy ${(accuracy * 100).toFixed(1)}%`);

  const x = test.x.narrow(0, 0, 8), y = test.y.narrow(0, 0, 8);
  const predicted = Array.from(train.predict(model, x).argmax(1).dataSync(), Number);
  const target = predicted; // explain the class the model chose
  const saliency = explain.saliency(model, x, target, { abs: true });
  const ig = explain.integratedGradients(model, x, target, { steps: 64 });
  const occlusion = explain.occlusion(model, x, target, { window: [6, 6], stride: [2, 2] });
  const gap = explain.convergenceDelta(model, x, target, ig).abs().max().item();
  const logitGap = explain.targetOutputs(model, x, target).sub(explain.targetOutputs(model, ds.zerosLike(x), target)).abs().mean().item();
  console.log(`integrated gradients: Σ attributions vs f(x) - f(black): largest gap ${gap.toExponential(2)} (the differences average ${logitGap.toFixed(2)})`);

  // One grid: a row per method, the same eight digits in each.
  const labels = ["saliency", "IG", "occlusion"].flatMap((m) => predicted.map((p) => `${m}: ${p}`));
  const grid = join(out, "attributions.png");
  await explain.overlay(ds.concat([x, x, x], 0), ds.concat([saliency, ig.abs(), occlusion], 0), { labels, columns: 8, pixelSize: 4, title: "What the CNN looked at: saliency, integrated gradients (IG), occlusion — for the predicted class" }).save(grid, { scale: 2 });
  const signed = join(out, "integrated-gradients-signed.png");
  await explain.overlay(x, ig, { mode: "signed", labels: predicted.map((p, i) => `${p} (true ${y.index(i).item()})`), columns: 8, pixelSize: 4, title: "Integrated gradients: red raises the score, blue lowers it" }).save(signed, { scale: 2 });
  files.push(grid, signed);

  // ---- part 2: which measurements a random forest relies on -----------------------------------
  const cancer = ml.datasets.loadBreastCancer();
  const [Xtr, Xte, ytr, yte] = ml.trainTestSplit(cancer.data, cancer.target, { testSize: 0.3, seed: 0, stratify: cancer.target }) as ds.Tensor[];
  const forest = new ml.RandomForestClassifier({ nEstimators: 100, seed: 0 }).fit(Xtr, ytr);
  console.log(`random forest on breast-cancer diagnosis: test accuracy ${(forest.score(Xte, yte) * 100).toFixed(1)}%`);
  const impurity = explain.featureImportances(forest);
  const perm = explain.permutationImportance(forest, Xte, yte, { nRepeats: 10, seed: 0 });
  const names = cancer.featureNames;
  const top = (v: number[]) => v.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
  console.log("top features by impurity importance (training data):");
  for (const [s, i] of top(impurity)) console.log(`  ${names[i].padEnd(24)} ${s.toFixed(3)}`);
  console.log("top features by permutation importance (accuracy drop on held-out data, mean ± std of 10 shuffles):");
  for (const [s, i] of top(perm.importancesMean)) console.log(`  ${names[i].padEnd(24)} ${s.toFixed(3)} ± ${perm.importancesStd[i].toFixed(3)}`);
  const bars = join(out, "permutation-importance.png");
  await explain.plotImportances(perm, { featureNames: names, top: 10, title: "Permutation importance (random forest, breast cancer)" }).save(bars, { scale: 2 });
  const impBars = join(out, "impurity-importance.png");
  await explain.plotImportances(impurity, { featureNames: names, top: 10, title: "Impurity importance (random forest, breast cancer)" }).save(impBars, { scale: 2 });
  files.push(bars, impBars);
  console.log(`wrote ${files.join(", ")}`);
  return { accuracy, completenessGap: gap, files, topFeatures: top(perm.importancesMean).map(([, i]) => names[i]) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
