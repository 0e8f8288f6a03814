// Pipeline: named steps (transformers, then a final estimator) fitted and applied in sequence.
import type { Tensor } from "../tensor/index.js";
import { ArgumentError, ShapeError } from "../core/errors.js";
import { NotFittedError, type Label, type MatrixInput, type TargetInput } from "./base.js";
import { isClassifier, type AnyEstimator, type Estimator } from "./protocols.js";

/** Data a pipeline takes: what its first step takes (numbers, or strings for an encoder). */
export type PipelineInput = MatrixInput | ArrayLike<ArrayLike<Label>>;
/** A step: a name and an estimator, or "passthrough" to skip it. */
export type Step = [name: string, estimator: Estimator | "passthrough"];

/**
 * Chains transformers and a final estimator, as scikit-learn's Pipeline: `fit` fits each step on
 * the output of the previous ones; `predict`, `predictProba`, `score` and `transform` run the data
 * through the fitted steps. Parameters of steps are reached as `step__param` (GridSearchCV uses this).
 * @example
 * const pipe = new ml.Pipeline([["scale", new ml.StandardScaler()], ["clf", new ml.LogisticRegression()]]);
 * pipe.fit(Xtrain, ytrain).score(Xtest, ytest);
 * pipe.setParams({ clf__C: 10 });
 */
export class Pipeline implements Estimator {
  steps: Step[];
  private fitted = false;

  constructor(steps: Step[]) {
    this.steps = steps;
    checkSteps("Pipeline", steps);
  }

  /** The steps by name. */
  get namedSteps(): Record<string, Estimator | "passthrough"> {
    return Object.fromEntries(this.steps);
  }

  /** The final estimator's classes (classifier pipelines). */
  get classes_(): Label[] | undefined {
    return (this.final() as AnyEstimator | null)?.classes_;
  }

  /** "classifier" when the final step is one (so model selection stratifies its splits). */
  get estimatorType(): AnyEstimator["estimatorType"] {
    const f = this.final() as AnyEstimator | null;
    if (f === null) return "transformer";
    return isClassifier(f) ? "classifier" : f.estimatorType;
  }

  /** Fits every step in turn; transformers' outputs feed the next step. */
  fit(X: PipelineInput, y?: TargetInput): this {
    checkSteps("Pipeline.fit", this.steps);
    const Xt = this.fitTransformers(X, y);
    const f = this.final();
    if (f !== null) f.fit(Xt, y);
    this.fitted = true;
    return this;
  }

  /** The final step's predictions on the transformed X. */
  predict(X: PipelineInput): Tensor {
    return this.call("predict", X);
  }
  /** The final step's class probabilities on the transformed X. */
  predictProba(X: PipelineInput): Tensor {
    return this.call("predictProba", X);
  }
  /** The final step's labels (strings stay strings) on the transformed X. */
  predictLabels(X: PipelineInput): Label[] {
    return this.call("predictLabels", X);
  }
  /** The final step's decision function on the transformed X. */
  decisionFunction(X: PipelineInput): Tensor {
    return this.call("decisionFunction", X);
  }

  /** The final step's score (accuracy or R²) on the transformed X. */
  score(X: PipelineInput, y?: TargetInput): number {
    const f = this.final() as AnyEstimator | null;
    if (!f?.score) throw new ArgumentError("Pipeline.score", `the final step ${this.finalName()} has no score method`);
    this.checkFitted("score");
    return f.score(this.transformThrough(X, this.steps.length - 1), y);
  }

  /** X through every step, the final one included (which must be a transformer or "passthrough"). */
  transform(X: PipelineInput): Tensor {
    this.checkFitted("transform");
    return this.transformThrough(X, this.steps.length) as Tensor;
  }

  /** fit(X, y), then the transformed training data. */
  fitTransform(X: PipelineInput, y?: TargetInput): Tensor {
    const Xt = this.fitTransformers(X, y);
    const f = this.final() as AnyEstimator | null;
    let out: unknown = Xt;
    if (f !== null) {
      if (f.fitTransform) out = f.fitTransform(Xt, y);
      else if (f.transform) out = (f.fit(Xt, y), f.transform(Xt));
      else throw new ArgumentError("Pipeline.fitTransform", `the final step ${this.finalName()} has no transform method`);
    }
    this.fitted = true;
    return out as Tensor;
  }

  /** Undoes transform, through the steps in reverse (each must have inverseTransform). */
  inverseTransform(Xt: MatrixInput): unknown {
    this.checkFitted("inverseTransform");
    let out: unknown = Xt;
    for (let s = this.steps.length - 1; s >= 0; s--) {
      const [name, e] = this.steps[s];
      if (e === "passthrough") continue;
      const est = e as AnyEstimator;
      if (!est.inverseTransform) throw new ArgumentError("Pipeline.inverseTransform", `step "${name}" has no inverseTransform method`);
      out = est.inverseTransform(out);
    }
    return out;
  }

  /** The steps and every step's parameters as `step__param`, e.g. `{ steps, scale: …, clf: …, clf__C: 1 }`. */
  getParams(): Record<string, unknown> {
    const out: Record<string, unknown> = { steps: this.steps };
    for (const [name, e] of this.steps) {
      out[name] = e;
      if (e === "passthrough") continue;
      for (const [k, v] of Object.entries(e.getParams())) out[`${name}__${k}`] = v;
    }
    return out;
  }

  /** Sets `steps`, replaces a step by its name, or sets a step's parameter by `step__param`. */
  setParams(params: Record<string, unknown>): this {
    const op = "Pipeline.setParams";
    const nested = new Map<string, Record<string, unknown>>();
    for (const [key, v] of Object.entries(params)) {
      if (key === "steps") {
        checkSteps(op, v as Step[]);
        this.steps = v as Step[];
        continue;
      }
      const cut = key.indexOf("__");
      const name = cut < 0 ? key : key.slice(0, cut);
      const at = this.steps.findIndex(([n]) => n === name);
      if (at < 0) throw new ArgumentError(op, `no step named "${name}" (parameter "${key}"); steps: ${this.steps.map(([n]) => n).join(", ")}`);
      if (cut < 0) {
        this.steps[at] = [name, v as Estimator | "passthrough"];
        continue;
      }
      if (!nested.has(name)) nested.set(name, {});
      nested.get(name)![key.slice(cut + 2)] = v;
    }
    for (const [name, p] of nested) {
      const e = this.steps.find(([n]) => n === name)![1];
      if (e === "passthrough") throw new ArgumentError(op, `step "${name}" is "passthrough" and has no parameters`);
      e.setParams(p);
    }
    return this;
  }

  /** A new, unfitted pipeline of clones of the steps. */
  clone(): this {
    const C = this.constructor as new (steps: Step[]) => this;
    return new C(this.steps.map(([n, e]) => [n, e === "passthrough" ? e : e.clone()]));
  }

  private final(): Estimator | null {
    const last = this.steps[this.steps.length - 1][1];
    return last === "passthrough" ? null : last;
  }

  private finalName(): string {
    return `"${this.steps[this.steps.length - 1][0]}"`;
  }

  private checkFitted(method: string): void {
    if (!this.fitted) throw new NotFittedError(`Pipeline.${method}`, "this Pipeline is not fitted yet; call fit(X, y) first");
  }

  private fitTransformers(X: PipelineInput, y?: TargetInput): unknown {
    let Xt: unknown = X;
    for (const [name, e] of this.steps.slice(0, -1)) {
      if (e === "passthrough") continue;
      const est = e as AnyEstimator;
      if (est.fitTransform) Xt = est.fitTransform(Xt, y);
      else if (est.transform) {
        est.fit(Xt, y);
        Xt = est.transform(Xt);
      } else throw new ArgumentError("Pipeline.fit", `step "${name}" is not the last step but has no transform method`);
    }
    return Xt;
  }

  // X through the first `upTo` steps (transform only).
  private transformThrough(X: PipelineInput, upTo: number): unknown {
    let Xt: unknown = X;
    for (const [name, e] of this.steps.slice(0, upTo)) {
      if (e === "passthrough") continue;
      const est = e as AnyEstimator;
      if (!est.transform) throw new ArgumentError("Pipeline.transform", `step "${name}" has no transform method`);
      Xt = est.transform(Xt);
    }
    return Xt;
  }

  private call<M extends "predict" | "predictProba" | "predictLabels" | "decisionFunction">(method: M, X: PipelineInput): ReturnType<NonNullable<AnyEstimator[M]>> {
    const f = this.final() as AnyEstimator | null;
    const fn = f?.[method] as ((X: unknown) => ReturnType<NonNullable<AnyEstimator[M]>>) | undefined;
    if (!f || !fn) throw new ArgumentError(`Pipeline.${method}`, `the final step ${this.finalName()} has no ${method} method`);
    this.checkFitted(method);
    return fn.call(f, this.transformThrough(X, this.steps.length - 1));
  }
}

function checkSteps(op: string, steps: Step[]): void {
  if (!Array.isArray(steps) || steps.length === 0) throw new ArgumentError(op, "steps must be a non-empty array of [name, estimator] pairs");
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (!Array.isArray(s) || s.length !== 2 || typeof s[0] !== "string") throw new ShapeError(op, `step ${i} must be a [name, estimator] pair`);
    const [name, e] = s;
    if (name === "" || name.includes("__") || name === "steps") throw new ArgumentError(op, `step name ${JSON.stringify(name)} is not allowed (empty, "steps", or containing "__")`);
    if (seen.has(name)) throw new ArgumentError(op, `step names must be unique; "${name}" appears twice`);
    seen.add(name);
    if (e !== "passthrough" && (e == null || typeof (e as Estimator).fit !== "function")) throw new ArgumentError(op, `step "${name}" must be an estimator (with fit) or "passthrough"`);
  });
}
