// What the fuzz harness (fuzz/run.ts) needs of each parser it mutates: one file per parser in fuzz/targets/.
export interface FuzzTarget {
  /** Short name, used on the command line (`npm run fuzz -- --only safetensors`) and in reports. */
  name: string;
  /** File extension the mutated input is written with (some readers dispatch on it), e.g. ".safetensors". */
  ext: string;
  /** Valid files, as the library itself writes them (deterministic: the same bytes every run). */
  corpus(): Uint8Array[] | Promise<Uint8Array[]>;
  /** Reads the file at `path` through the public API a user calls; throwing a DeepScriptError is a "typed" outcome. */
  parse(path: string): unknown | Promise<unknown>;
  /** Optional structure-aware mutators for this format (the harness also applies its generic byte mutators). */
  mutators?: ((input: Uint8Array, rand: () => number) => Uint8Array)[];
}
