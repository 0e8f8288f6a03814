// The models `deepscript train --model` builds: the MLP and CNN of the benchmark workloads (W2, W3).
import { ArgumentError } from "../core/errors.js";
import * as nn from "../nn/index.js";

export type ModelName = "mlp" | "cnn";

/**
 * mlp: Flatten → 784-256-128-classes with ReLU (any input shape).
 * cnn: conv3×3 32 → ReLU → pool → conv3×3 64 → ReLU → pool → dense 128 → classes (1×28×28 input).
 */
export function buildModel(name: string, inputShape: readonly number[], classes: number): nn.Sequential {
  const features = inputShape.reduce((a, b) => a * b, 1);
  if (name === "mlp") {
    return new nn.Sequential(new nn.Flatten(), new nn.Linear(features, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, classes));
  }
  if (name === "cnn") {
    if (inputShape.length !== 3) throw new ArgumentError("train", `--model cnn needs image input [C, H, W], got [${inputShape.join(", ")}]`);
    const [c, h, w] = inputShape;
    const side = (n: number) => Math.floor((Math.floor((n - 2) / 2) - 2) / 2);
    return new nn.Sequential(
      new nn.Conv2d(c, 32, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(64 * side(h) * side(w), 128), new nn.ReLU(), new nn.Linear(128, classes),
    );
  }
  throw new ArgumentError("train", `unknown model "${name}"; expected mlp or cnn`);
}
