// The bottom layer: dtypes and promotion, shapes and broadcasting, errors, the seeded RNG. Imports nothing.
export * from "./errors.js";
export * from "./dtype.js";
export * from "./shape.js";
export { PCG32, globalRng, seed } from "./rng.js";
