// What a file may make the frame readers allocate: a table never grows far beyond the text it came
// from, so a small hostile file cannot ask for gigabytes. Every limit can be raised by an option.
import { checkNumber } from "../core/options.js";

/**
 * The default cap on a table's cells (rows × columns) read from `chars` characters of text: twice the
 * characters plus 2^20. Every cell a file spells out takes at least one character (a delimiter, a
 * comma, a line end), so only cells the reader fills in — CSV rows shorter than the header, JSON
 * records that lack most keys — can reach it.
 */
export function defaultMaxCells(chars: number): number {
  return 2 * chars + 2 ** 20;
}

/**
 * The default cap on a table's columns: 2^17 (131,072). A column costs a few hundred bytes however
 * short it is (its array, its name), so a header of a million one-letter names would take gigabytes.
 */
export const DEFAULT_MAX_COLUMNS = 2 ** 17;

/** The `maxColumns` option: a positive whole number, or the default. */
export function maxColumnsOption(op: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_COLUMNS;
  return checkNumber(op, "maxColumns", value, { integer: true, min: 1 });
}

/** The `maxCells` option: a positive whole number, or the default for this much text. */
export function maxCellsOption(op: string, value: unknown, chars: number): number {
  if (value === undefined) return defaultMaxCells(chars);
  return checkNumber(op, "maxCells", value, { integer: true, min: 1 });
}
