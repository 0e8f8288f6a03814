// Datasets that ship with deepscript (`data.datasets.digits()`).
export { digits, type DigitsOptions, type Split } from "./digits.js";
export { airPassengers } from "./timeseries.js";
export { shakespeare } from "./text.js";
