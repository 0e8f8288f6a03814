// Names and JSON configs: Keras' automatic layer names (dense, dense_1, …), Keras' snake_case
// config keys against this project's camelCase options, and the JSON value type of a config.

/** A JSON value, as in a Keras config.json or a TensorFlow.js model.json. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** A Keras config dict (snake_case keys). */
export type Config = { [k: string]: Json };
/** A serialized object: `{ class_name, config }` (Keras 3 adds module and registered_name). */
export interface Serialized {
  class_name: string;
  config: Config;
  [k: string]: Json;
}

/** Keras' to_snake_case: Conv2D → conv2d, MaxPooling2D → max_pooling2d, SimpleRNN → simple_rnn. */
export function kerasSnake(name: string): string {
  return name.replace(/\W+/g, "").replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** camelCase option → snake_case config key (useBias → use_bias, kernelSize → kernel_size). */
export const toSnakeKey = (k: string): string => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
/** snake_case config key → camelCase option (use_bias → useBias). */
export const toCamelKey = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const counters = new Map<string, number>();

/** A fresh layer name from a prefix, as Keras: the first "dense", then "dense_1", "dense_2", … */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Marks a name as taken (a layer named by the user or read from a file), so automatic names skip it. */
export function reserveName(name: string): void {
  const m = /^(.*?)(?:_(\d+))?$/.exec(name)!;
  const prefix = m[1], n = m[2] === undefined ? 0 : Number(m[2]);
  if ((counters.get(prefix) ?? 0) <= n) counters.set(prefix, n + 1);
}

/** Forgets the automatic names (Keras' keras.backend.clear_session()): the next Dense is "dense" again. */
export function clearSession(): void {
  counters.clear();
}

/** Converts a config's keys to camelCase options, one level deep (nested serialized objects keep theirs). */
export function configToOptions(c: Config): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [toCamelKey(k), v]));
}
