// Model configs between the formats: a file's topology (Keras 3, Keras 2, TensorFlow.js) as this
// project reads it, and this project's (Keras 3) config as TensorFlow.js' model.json topology.
// Keras 2 and TensorFlow.js share one meaning of "hard_sigmoid" (clip(0.2x + 0.5, 0, 1)) that
// Keras 3 changed (relu6(x + 3) / 6): their files load it as "legacy_hard_sigmoid" and saving
// writes it back; TensorFlow.js' GRU is always reset_after false.
import { ArgumentError } from "../../core/errors.js";
import type { Config, Json } from "../names.js";

const ACTIVATION_KEYS = new Set(["activation", "recurrent_activation"]);
const isObj = (v: unknown): v is Config => !!v && typeof v === "object" && !Array.isArray(v);

/** Whether a topology follows Keras 2 / TensorFlow.js semantics (anything but keras_version 3.x). */
export function isLegacy(topology: Json): boolean {
  const v = isObj(topology) ? topology.keras_version : undefined;
  return !(typeof v === "string" && /^3\./.test(v));
}

/** A file's topology with Keras 2 / TensorFlow.js meanings made explicit (a copy; the input is unchanged). */
export function fromLegacy(topology: Json): Json {
  const tfjs = isObj(topology) && typeof topology.keras_version === "string" && topology.keras_version.startsWith("tfjs");
  const walk = (v: Json, depth: number): Json => {
    if (depth > 200) throw new ArgumentError("loadModel", "the model config is nested more than 200 deep");
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (!isObj(v)) return v;
    const out: Config = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = ACTIVATION_KEYS.has(k) && (x === "hard_sigmoid" || x === "hardSigmoid") ? "legacy_hard_sigmoid" : walk(x, depth + 1);
    }
    // TensorFlow.js has only reset_after false (older versions did not write the key).
    if (tfjs && out.class_name === "GRU" && isObj(out.config) && out.config.reset_after === undefined) out.config = { ...out.config, reset_after: false };
    // Keras 2 writes a built BatchNormalization's axis as a one-element list of the positive axis ([3]).
    if (out.class_name === "BatchNormalization" && isObj(out.config) && Array.isArray(out.config.axis) && out.config.axis.length === 1) out.config = { ...out.config, axis: out.config.axis[0] };
    return out;
  };
  return walk(topology, 0);
}

/**
 * This project's model JSON (Keras 3's form, from model.toJSON()) as the Keras 2 form TensorFlow.js
 * reads: inbound nodes as [layer, node, tensor, kwargs] lists, InputLayer's batch_input_shape,
 * plain { class_name, config } objects. Refuses what TensorFlow.js would compute differently.
 */
export function toTfjsTopology(json: { class_name: string; config: Config }): Config {
  const op = "save";
  const layerConfig = (cls: string, c: Config): Config => {
    const out: Config = {};
    for (const [k, v] of Object.entries(c)) {
      if (ACTIVATION_KEYS.has(k) && v === "hard_sigmoid") {
        throw new ArgumentError(op, `${cls} "${c.name}": Keras 3's hard_sigmoid (relu6(x + 3) / 6) has no TensorFlow.js equivalent; TensorFlow.js' "hard_sigmoid" is keras.activations' legacy_hard_sigmoid`);
      }
      out[k] = ACTIVATION_KEYS.has(k) && v === "legacy_hard_sigmoid" ? "hard_sigmoid" : plainJson(v);
    }
    if (cls === "GRU" && c.reset_after === true) throw new ArgumentError(op, `GRU "${c.name}": TensorFlow.js supports only resetAfter: false`);
    if (cls === "InputLayer" && "batch_shape" in out) {
      out.batch_input_shape = out.batch_shape;
      delete out.batch_shape;
    }
    return out;
  };
  const model = (spec: { class_name: string; config: Config }): Config => {
    const c = spec.config;
    if (spec.class_name === "Sequential") {
      return { class_name: "Sequential", config: { ...c, layers: (c.layers as Config[]).map((l) => layer(l)) } };
    }
    if (spec.class_name === "Functional" || spec.class_name === "Model") {
      const refs = (v: Json): Json => (Array.isArray(v) && typeof v[0] === "string" ? [v] : v);
      return {
        class_name: "Model",
        config: {
          name: c.name,
          layers: (c.layers as Config[]).map((l) => ({ ...layer(l), name: l.name, inbound_nodes: (l.inbound_nodes as Json[]).map(legacyNode) })),
          input_layers: refs(c.input_layers),
          output_layers: refs(c.output_layers),
        },
      };
    }
    throw new ArgumentError(op, `cannot write a ${spec.class_name} as a TensorFlow.js model`);
  };
  const layer = (l: Config): Config => {
    const cls = l.class_name as string;
    if (cls === "Sequential" || cls === "Functional" || cls === "Model") return model(l as { class_name: string; config: Config });
    const c = layerConfig(cls, l.config as Config);
    if (cls === "Bidirectional" && isObj(c.layer)) c.layer = layer(c.layer as Config);
    return { class_name: cls, config: c };
  };
  return { ...model(json), keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" };
}

// Keras 3's { args, kwargs } node → Keras 2's [[layer, node, tensor, kwargs], …].
function legacyNode(node: Json): Json {
  const n = node as { args: Json[]; kwargs: Config };
  const kwargs = n.kwargs ?? {};
  const refs: Json[] = [];
  const collect = (v: Json) => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (isObj(v) && v.class_name === "__keras_tensor__") {
      const h = (v.config as Config).keras_history as Json[];
      refs.push([h[0], h[1], h[2], kwargs]);
    }
  };
  n.args.forEach(collect);
  return refs;
}

// Nested { module, class_name, config, registered_name } objects (initializers, …) as { class_name, config }.
function plainJson(v: Json): Json {
  if (Array.isArray(v)) return v.map(plainJson);
  if (!isObj(v)) return v;
  if (typeof v.class_name === "string" && "config" in v) return { class_name: v.class_name, config: plainJson(v.config) };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainJson(x)]));
}
