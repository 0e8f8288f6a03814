// The `ds.random` namespace (NumPy's numpy.random): generators and the module-level draws.
export {
  Generator, defaultRng, PCG64, random, uniform, normal, standardNormal, integers, choice, permutation, shuffle,
  type BitGenerator, type Pcg64State, type Size, type FloatDrawOptions, type IntegersOptions, type ChoiceOptions,
} from "./random.js";
