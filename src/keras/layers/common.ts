// Options shared by the layers with a kernel and a bias (Dense, Conv*): activation, initializers,
// regularizers and constraints by name or object, and their Keras config entries.
import { ArgumentError } from "../../core/errors.js";
import * as activations from "../activations.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import * as constraints from "../constraints.js";
import type { Config } from "../names.js";

export interface KernelOptions {
  activation?: activations.ActivationSpec;
  useBias?: boolean;
  kernelInitializer?: initializers.InitializerSpec;
  biasInitializer?: initializers.InitializerSpec;
  kernelRegularizer?: regularizers.RegularizerSpec;
  biasRegularizer?: regularizers.RegularizerSpec;
  /** Only null: activity regularizers are not supported. */
  activityRegularizer?: null;
  kernelConstraint?: constraints.ConstraintSpec;
  biasConstraint?: constraints.ConstraintSpec;
}
export const KERNEL_OPTIONS = [
  "activation", "useBias", "kernelInitializer", "biasInitializer", "kernelRegularizer", "biasRegularizer",
  "activityRegularizer", "kernelConstraint", "biasConstraint",
] as const;

/** The resolved kernel/bias settings of a layer. */
export interface KernelSettings {
  activation: activations.Activation;
  useBias: boolean;
  kernelInitializer: initializers.Initializer;
  biasInitializer: initializers.Initializer;
  kernelRegularizer: regularizers.Regularizer | null;
  biasRegularizer: regularizers.Regularizer | null;
  kernelConstraint: constraints.Constraint | null;
  biasConstraint: constraints.Constraint | null;
}

export function kernelSettings(op: string, o: KernelOptions, defaults: { kernelInitializer?: string; activation?: string } = {}): KernelSettings {
  if (o.activityRegularizer !== undefined && o.activityRegularizer !== null) throw new ArgumentError(op, "activityRegularizer is not supported; add a penalty to the loss instead");
  return {
    activation: activations.get(o.activation ?? defaults.activation, op),
    useBias: o.useBias ?? true,
    kernelInitializer: initializers.get(o.kernelInitializer ?? defaults.kernelInitializer ?? "glorot_uniform", op),
    biasInitializer: initializers.get(o.biasInitializer ?? "zeros", op),
    kernelRegularizer: regularizers.get(o.kernelRegularizer, op),
    biasRegularizer: regularizers.get(o.biasRegularizer, op),
    kernelConstraint: constraints.get(o.kernelConstraint, op),
    biasConstraint: constraints.get(o.biasConstraint, op),
  };
}

const orNull = <T, R>(v: T | null, f: (v: T) => R): R | null => (v === null ? null : f(v));

/** The Keras config entries of kernel settings. */
export function kernelConfig(s: KernelSettings): Config {
  return {
    activation: activations.serialize(s.activation),
    use_bias: s.useBias,
    kernel_initializer: initializers.serialize(s.kernelInitializer),
    bias_initializer: initializers.serialize(s.biasInitializer),
    kernel_regularizer: orNull(s.kernelRegularizer, regularizers.serialize),
    bias_regularizer: orNull(s.biasRegularizer, regularizers.serialize),
    activity_regularizer: null,
    kernel_constraint: orNull(s.kernelConstraint, constraints.serialize),
    bias_constraint: orNull(s.biasConstraint, constraints.serialize),
  };
}
