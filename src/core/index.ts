// The bottom layer: dtypes and promotion, shapes and broadcasting, errors, the seeded RNG. Imports nothing.
export * from "./errors.js";
export * from "./dtype.js";
export * from "./shape.js";
export { PCG32, Generator, globalRng, seed, getRngState, setRngState, activeRng, withRng, type RngState } from "./rng.js";
