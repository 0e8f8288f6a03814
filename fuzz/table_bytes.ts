// Structure-aware mutators for the text table formats (CSV, JSON): the shapes that made frame's readers
// slow, huge or wrong — very wide headers, rows much shorter than the header, long digit runs, many
// doubled quotes, mixed line ends, nesting, records that share no keys, names that matter to objects.
import { bytes, int, pick, text, type Rand } from "./mutators.js";

export { bytes, int, pick, text, type Rand };
export type Mutator = (input: Uint8Array, rand: Rand) => Uint8Array;

/** A size from 1 to `max`, small ones likelier (log-uniform): most mutations stay cheap, some are large. */
export const size = (rand: Rand, max: number): number => Math.max(1, Math.floor(Math.exp(rand() * Math.log(max))));

/** Cell texts that are numbers to some readers and not to others, missing to some, or special to objects. */
export const CELLS = [
  "", "NA", "NaN", "nan", "null", "None", "inf", "-inf", "Infinity", "0x10", "1e999", "-0", "1e9", "2147483648", "9007199254740993",
  "1".repeat(400), "1".repeat(5000) + "x", "True", "false", "2024-02-30", "2024-01-31T08:00:00+02:00", "9999-12-31", "__proto__",
  "constructor", "toString", "\uFEFF", "\u0000", "\uD800", "é", " 1 ", "+.5", ".", "-", "e5",
];

/** Replaces the text between two random offsets with `s`. */
export function splice(t: string, rand: Rand, s: string, maxCut = 8): string {
  const at = int(rand, t.length + 1);
  return t.slice(0, at) + s + t.slice(Math.min(t.length, at + int(rand, maxCut + 1)));
}

/** Applies `f` to the input's text. */
export const onText = (f: (t: string, rand: Rand) => string): Mutator => (input, rand) => bytes(f(text(input), rand));
