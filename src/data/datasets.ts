// Datasets that ship with deepscript (`data.datasets.digits()`), and preload for pages.
import { ArgumentError } from "../core/errors.js";
import { preloadAsset } from "../core/assets.js";
import { DIGITS_URL } from "./digits.js";
import { AIR_PASSENGERS_URL } from "./timeseries.js";
import { SHAKESPEARE_URL } from "./text.js";
export { digits, type DigitsOptions, type Split } from "./digits.js";
export { airPassengers } from "./timeseries.js";
export { shakespeare } from "./text.js";

const FILES = { digits: DIGITS_URL, airPassengers: AIR_PASSENGERS_URL, shakespeare: SHAKESPEARE_URL };

/** A dataset `preload` knows. */
export type DatasetName = keyof typeof FILES;

/**
 * Fetches bundled datasets once, so the synchronous loaders (`digits()`, …) work in a browser; in
 * Node they read the disk and need no preload (it does no harm there). With no names, all of them.
 * @example await data.datasets.preload("digits"); const { train, test } = data.datasets.digits();
 */
export async function preload(...names: DatasetName[]): Promise<void> {
  const all = names.length ? names : (Object.keys(FILES) as DatasetName[]);
  for (const n of all) {
    if (!Object.hasOwn(FILES, n)) throw new ArgumentError("datasets.preload", `unknown dataset ${JSON.stringify(n)}; expected one of ${Object.keys(FILES).join(", ")}`);
  }
  await Promise.all(all.map((n) => preloadAsset("datasets.preload", FILES[n])));
}
