#!/usr/bin/env node
// The `deepscript` command: train, evaluate, predict, plot, pretrain, explain, export, info, demo.
import { Command, InvalidArgumentError } from "commander";
import { info, webgpuLine } from "./info.js";
import { demo } from "./demo.js";
import { trainCommand } from "./train.js";
import { evaluateCommand, predictCommand } from "./evaluate.js";
import { plotCommand } from "./plot.js";
import { pretrainCommand } from "./pretrain.js";
import { explainCommand } from "./explain.js";
import { exportCommand } from "./export.js";
import { version } from "../core/version.js";
import { defaultBackend } from "../backend/registry.js";

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};
const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};

const program = new Command();
program.name("deepscript").description("The Python deep-learning stack, rebuilt for TypeScript").version(version);

program
  .command("train")
  .description("train a model with a progress bar, print test accuracy, save it to --out")
  .option("--dataset <spec>", "digits (bundled), mnist-idx:DIR (MNIST/Fashion-MNIST IDX files) or csv:FILE (numbers; last column = class)", "digits")
  .option("--model <name>", "mlp (784-256-128-10) or cnn (conv32-pool-conv64-pool-dense128)", "mlp")
  .option("--epochs <n>", "passes over the training data", int("--epochs"), 5)
  .option("--batch-size <n>", "samples per step", int("--batch-size"), 64)
  .option("--lr <x>", "Adam learning rate", num("--lr"), 1e-3)
  .option("--backend <name>", "backend to run on (wasm where WebAssembly SIMD exists, else js)", defaultBackend())
  .option("--out <dir>", "folder for model.safetensors, history.json, train-options.json", "out")
  .option("--seed <n>", "random seed (initialisation and shuffling)", int("--seed"), 0)
  .option("--limit <n>", "use only the first N training samples (quick runs)", int("--limit"))
  .option("--compile", "run each training step through ds.compile (same numbers, fewer kernel launches)", false)
  .action(async (opts) => {
    await trainCommand(opts);
  });

program
  .command("evaluate")
  .description("test-set loss and accuracy of a saved model")
  .argument("<model>", "a model file written by `deepscript train` (model.safetensors)")
  .option("--dataset <spec>", "digits, mnist-idx:DIR or csv:FILE", "digits")
  .option("--backend <name>", "backend to run on", defaultBackend())
  .option("--seed <n>", "seed of the csv train/test split", int("--seed"), 0)
  .action((model: string, opts) => {
    evaluateCommand(model, opts);
  });

program
  .command("predict")
  .description("predicted class of each input sample")
  .argument("<model>", "a model file written by `deepscript train`")
  .argument("<input>", "digits:I or digits:I-J (bundled test digits), an IDX image file, or a JSON array of samples")
  .option("--backend <name>", "backend to run on", defaultBackend())
  .action((model: string, input: string, opts) => {
    predictCommand(model, input, opts);
  });

program
  .command("plot")
  .description("draw a CSV's columns as a chart (.png, .svg or .html by the extension of --out)")
  .argument("<file>", "a CSV file with a header")
  .option("--x <col>", "x column (line: default the row number; bar: categories)")
  .option("--y <cols>", "y column(s), comma-separated (several give several lines)")
  .option("--kind <kind>", "line, scatter, bar or hist", "line")
  .option("--color <col>", "column to colour by (scatter classes, line series, grouped bars, hist groups)")
  .option("--bins <n>", "histogram bins", int("--bins"), 20)
  .option("--title <text>", "figure title (default: the file name)")
  .option("--width <px>", "figure width", int("--width"))
  .option("--height <px>", "figure height", int("--height"))
  .option("--delimiter <c>", "field separator (default ,)")
  .option("--out <file>", "output file (default: FILE's name with .png)")
  .action(async (file: string, opts) => {
    console.log(`wrote ${await plotCommand(file, opts)}`);
  });

program
  .command("pretrain")
  .description("SimCLR self-supervised pretraining on the bundled digits; probes the encoder with 1% of the labels vs a random one")
  .option("--epochs <n>", "passes over the unlabelled training digits", int("--epochs"), 8)
  .option("--batch-size <n>", "pairs of views per step", int("--batch-size"), 256)
  .option("--temperature <x>", "NT-Xent temperature", num("--temperature"), 0.5)
  .option("--labels <fraction>", "share of the training labels the probes may use", num("--labels"), 0.01)
  .option("--backend <name>", "backend to run on", defaultBackend())
  .option("--out <dir>", "folder for encoder.safetensors, probe.json, embeddings-pca.png, embeddings-tsne.png", "out/pretrain")
  .option("--seed <n>", "random seed", int("--seed"), 0)
  .option("--limit <n>", "use only the first N training digits (quick runs)", int("--limit"))
  .action(async (opts) => {
    await pretrainCommand(opts);
  });

program
  .command("explain")
  .description("saliency, integrated-gradients and occlusion pictures of a saved model's predictions")
  .argument("<model>", "a model file written by `deepscript train`")
  .argument("<input>", "digits:I or digits:I-J (bundled test digits), an IDX image file, or a JSON array of samples")
  .option("--target <t>", "class to explain: predicted, label, or a class index", "predicted")
  .option("--methods <list>", "comma-separated: saliency, ig, occlusion", "saliency,ig,occlusion")
  .option("--steps <n>", "integrated-gradients path steps", int("--steps"), 64)
  .option("--window <n>", "occlusion window side (pixels)", int("--window"), 6)
  .option("--backend <name>", "backend to run on", defaultBackend())
  .option("--out <dir>", "folder for the PNGs", "out/explain")
  .action(async (model: string, input: string, opts) => {
    await explainCommand(model, input, opts);
  });

program
  .command("export")
  .description("write a saved model as an ONNX file (opset 17, dynamic batch) for ONNX Runtime")
  .argument("<model>", "a model file written by `deepscript train` or io.save")
  .argument("<out>", "the .onnx file to write")
  .option("--shape <dims>", "example input shape, comma-separated (default: from the first layer; 28×28 images for convolutions)")
  .action((model: string, out: string, opts: { shape?: string }) => {
    console.log(exportCommand(model, out, opts));
  });

program
  .command("info")
  .description("print version, backend, threads, WebAssembly SIMD support and the WebGPU adapter")
  .action(async () => {
    console.log(info());
    console.log(await webgpuLine());
  });

program
  .command("demo")
  .description("fit a line by gradient descent with autograd (the tensor layer end to end)")
  .option("--steps <n>", "gradient-descent steps", int("--steps"), 120)
  .option("--lr <x>", "learning rate", num("--lr"), 0.05)
  .option("--seed <n>", "random seed", int("--seed"), 0)
  .action((opts: { steps: number; lr: number; seed: number }) => demo(opts));

program.parseAsync(process.argv).catch((e: unknown) => {
  // One clear line, no stack trace: every deepscript error names the op and the problem.
  console.error(`deepscript: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
