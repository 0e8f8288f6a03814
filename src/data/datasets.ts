// Datasets that ship with deepscript (`data.datasets.digits()`).
export { digits, type DigitsOptions, type Split } from "./digits.js";
