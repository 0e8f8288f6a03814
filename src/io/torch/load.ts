// io.loadTorch: PyTorch's torch.save files (.pt/.pth) read with PyTorch's weights_only=True
// rules, without Python. The zip format (torch >= 1.6) holds `<name>/data.pkl` (the pickled
// object), `<name>/data/<key>` (one raw storage per key), `<name>/version` and, from torch 2.1,
// `<name>/byteorder`; the legacy format (decodeLegacy) is pickles and storages one after another.
// The pickle runs in a restricted unpickler (./pickle.ts) whose only globals are the tensor
// rebuilders, OrderedDict, torch.Size, dtypes, devices and the storage types; tensors are planned
// while unpickling (every size, stride and offset checked against its storage) and decoded only
// once the whole file has been read and checked.
import { ArgumentError, DeepScriptError, FileError } from "../../core/errors.js";
import type { DType, TypedArray } from "../../core/dtype.js";
import { checkSource, isSyncSource, readSource, readSourceSync, sourceName, type AsyncSource, type FileSource, type SyncSource } from "../../core/source.js";
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../ops/creation.js";
import { reshape } from "../../ops/shape.js";
import { halfToFloat } from "../safetensors.js";
import { nodeInflate, readZipDirectory, readZipEntry, type Inflate } from "../zip.js";
import { PickleGlobal, isTuple, kind, unpickle, unpickleAt, type PickleHooks } from "./pickle.js";

/** A value of a torch.save file as loadTorch returns it. */
export type TorchValue = null | boolean | number | bigint | string | Uint8Array | Tensor | TorchValue[] | TorchDict;
/** A Python dict (or OrderedDict) as a plain object: str keys as they are, int keys as their decimal text. */
export interface TorchDict { [key: string]: TorchValue }

/** The limits loadTorch keeps (no option changes them; each is far beyond a real checkpoint). */
export const TORCH_LIMITS = {
  /** Deepest nesting of the saved object. */
  depth: 64,
  /** Largest tensor, in elements (a typed array's limit). */
  tensorElements: 2 ** 31 - 1,
  /**
   * Tensors are materialized, so views that repeat storage elements (expand: stride 0) could make
   * a small file allocate without bound. All tensors together may hold at most this many times
   * their storages' elements, plus 2^20 (real checkpoints: at most 1× or a little more).
   */
  expansion: 16,
  /** Most dimensions of a tensor. */
  ndim: 64,
} as const;

interface StorageType { dtype: string; size: number }
// torch.<Name>Storage → the element type of its bytes.
const STORAGES: Record<string, StorageType> = {
  FloatStorage: { dtype: "float32", size: 4 }, DoubleStorage: { dtype: "float64", size: 8 },
  HalfStorage: { dtype: "float16", size: 2 }, BFloat16Storage: { dtype: "bfloat16", size: 2 },
  LongStorage: { dtype: "int64", size: 8 }, IntStorage: { dtype: "int32", size: 4 },
  ShortStorage: { dtype: "int16", size: 2 }, CharStorage: { dtype: "int8", size: 1 },
  ByteStorage: { dtype: "uint8", size: 1 }, BoolStorage: { dtype: "bool", size: 1 },
};
// Storage types torch has and deepscript cannot hold: named in the error, not just "unknown".
const UNSUPPORTED_STORAGES = new Set(["ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage"]);
// torch.<dtype> globals (dtype objects pickle as these names) → the dtype's canonical name.
const DTYPE_NAMES: Record<string, string> = {
  float32: "float32", float: "float32", float64: "float64", double: "float64", float16: "float16", half: "float16",
  bfloat16: "bfloat16", int64: "int64", long: "int64", int32: "int32", int: "int32", int16: "int16", short: "int16",
  int8: "int8", uint8: "uint8", bool: "bool", complex64: "complex64", cfloat: "complex64", complex128: "complex128", cdouble: "complex128",
};
// The loaded dtype of each storage dtype: what deepscript stores (README "dtypes").
const LOADED: Record<string, DType> = { float32: "float32", float64: "float64", float16: "float32", bfloat16: "float32", int64: "int32", int32: "int32", int16: "int32", int8: "int32", uint8: "int32", bool: "bool" };

const REBUILD = "torch._utils";
const ALLOWED = new Set([
  "collections.OrderedDict", "torch.Size", "torch.device", "_codecs.encode",
  `${REBUILD}._rebuild_tensor_v2`, `${REBUILD}._rebuild_parameter`, `${REBUILD}._rebuild_parameter_with_state`,
]);

/** One storage of the archive: `data/<key>`, its element type and count. */
class Storage {
  values?: TypedArray;
  /** The storage's bytes (its zip member; in the legacy format, its range of the file). */
  read?: () => Uint8Array;
  constructor(readonly key: string, readonly type: StorageType, readonly numel: number) {}
}

/** A tensor to make once the whole file is checked: a strided view of a storage. */
class TensorPlan {
  made?: Tensor;
  constructor(readonly storage: Storage, readonly offset: number, readonly shape: number[], readonly strides: number[], public requiresGrad: boolean) {}
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

/**
 * Reads a `torch.save` file (`.pt`/`.pth`: the zip format of PyTorch >= 1.6, and the legacy one) the way
 * `torch.load(f, weights_only=True)` does: tensors, numbers, strings, bytes, lists, tuples and
 * dicts; any other Python object (a global in the pickle such as `os.system` or a custom class) is
 * a FileError naming it, and nothing in the file is ever run. Dicts (state dicts, checkpoints)
 * become plain objects (int keys as text: optimizer state `{ "0": {...} }`), lists and tuples
 * arrays, Python ints numbers (bigint beyond 2^53), bytes Uint8Array, dtypes and devices strings
 * ("float32", "cuda:0"). Tensors are deepscript tensors, copied out of their storages with strides
 * and offsets honoured: float16/bfloat16 load as float32, int64 (and smaller ints) as int32 (a
 * FileError if a value does not fit), bool as bool. Parameters keep requires_grad.
 * Takes a path or bytes (returns the value), or a URL, Response, File or Blob (returns a Promise).
 * The type parameter says what the caller expects (it is inferred where the result is passed
 * on, as in `model.loadStateDict(await io.loadTorch(f))`); nothing checks it here — the consumer
 * (loadStateDict, an optimizer's loadStateDict) checks what it gets. Without one: {@link TorchValue}.
 * @example
 * model.loadStateDict(await io.loadTorch("mlp.pt"));
 * const ckpt = await io.loadTorch<{ model: nn.StateDict; optimizer: optim.OptimizerStateDict; epoch: number }>("ckpt.pt");
 * model.loadStateDict(ckpt.model); opt.loadStateDict(ckpt.optimizer);
 */
export function loadTorch<T = TorchValue>(src: SyncSource): T;
export function loadTorch<T = TorchValue>(src: AsyncSource): Promise<T>;
export function loadTorch<T = TorchValue>(src: FileSource): T | Promise<T>;
export function loadTorch<T = TorchValue>(src: FileSource, ...rest: unknown[]): T | Promise<T> {
  const op = "loadTorch";
  if (rest.length) throw new ArgumentError(op, `takes one argument (the file), got ${rest.length + 1}`);
  checkSource(op, src);
  if (isSyncSource(src)) return decodeTorch(readSourceSync(op, src), sourceName(src), op) as T;
  // torch.save stores members uncompressed; a re-zipped file may deflate them. Outside Node
  // that needs fflate, imported only here (its own chunk in a bundle).
  return readSource(op, src).then(async (bytes) => {
    const inflate: Inflate = nodeInflate() ?? (await import("fflate").then((f) => (raw: Uint8Array, size: number) => f.inflateSync(raw, { out: new Uint8Array(size) })));
    return decodeTorch(bytes, sourceName(src), op, inflate) as T;
  });
}

/**
 * loadTorch on the bytes of a torch.save file; `name` names it in errors. Deflated members (not
 * torch.save's own) need `inflate` (default: Node's zlib; null: none, so they are refused).
 */
export function decodeTorch(bytes: Uint8Array, name = "<bytes>", op = "loadTorch", inflate: Inflate | null = nodeInflate() ?? null): TorchValue {
  const fail = (reason: string) => new FileError(op, name, reason);
  try {
    return decode(bytes, fail, inflate);
  } catch (e) {
    if (e instanceof DeepScriptError) throw e;
    // Nothing else should escape (the fuzz target counts this message as a failure); if
    // something does, the user still gets the file's name.
    throw fail(`cannot be read: an internal error while reading it (${(e as Error)?.name}: ${(e as Error)?.message ?? e})`);
  }
}

function decode(bytes: Uint8Array, fail: (reason: string) => FileError, inflate: Inflate | null): TorchValue {
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) return decodeLegacy(bytes, fail);
  if (bytes.length >= 262 && String.fromCharCode(...bytes.subarray(257, 262)) === "ustar") {
    throw fail("is in the tar torch.save format of PyTorch < 0.4, which is not read: re-save it with a current PyTorch");
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw fail("is not a torch.save file (a zip archive, starting with \"PK\")");
  const entries = readZipDirectory(bytes, fail);
  // The pickle is at <archive name>/data.pkl; the archive name is whatever torch chose (the
  // file's stem in torch < 2, "archive" since), so it is found, not assumed.
  const pkls = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) throw fail(pkls.length ? `holds ${pkls.length} pickles (${pkls.slice(0, 3).join(", ")}), expected one <name>/data.pkl` : "has no <name>/data.pkl: a zip, but not a torch.save file");
  const prefix = pkls[0].slice(0, -"data.pkl".length);
  const member = (n: string) => {
    const e = entries.get(prefix + n);
    return e ? readZipEntry(bytes, e, fail, inflate) : undefined;
  };
  const ascii = (b: Uint8Array) => String.fromCharCode(...b.subarray(0, 64)).trim();
  const version = member("version");
  if (version && !/^\d{1,6}$/.test(ascii(version))) throw fail(`its ${prefix}version is ${JSON.stringify(ascii(version))}, not a format version number`);
  const order = member("byteorder");
  const bigEndian = order !== undefined && ascii(order) === "big";
  if (order && !bigEndian && ascii(order) !== "little") throw fail(`its ${prefix}byteorder is ${JSON.stringify(ascii(order))}, expected "little" or "big"`);

  const run = new Run(fail);
  const value = unpickle(member("data.pkl")!, run.hooks((pid) => {
    // ('storage', torch.XStorage, key, location, numel): the storage at data/<key>.
    const s = run.storage(pid, 5);
    if (!s.read) {
      const entry = entries.get(`${prefix}data/${s.key}`);
      if (!entry) throw fail(`storage ${s.key} is not in the archive (no ${prefix}data/${s.key})`);
      if (entry.size !== s.numel * s.type.size) throw fail(`storage ${s.key} holds ${entry.size} bytes, but ${s.numel} ${s.type.dtype} elements need ${s.numel * s.type.size}`);
      s.read = () => readZipEntry(bytes, entry, fail, inflate);
    }
    return s;
  }), fail, { maxDepth: TORCH_LIMITS.depth });
  return run.finish(value, bigEndian);
}

// The legacy format (torch.save with _use_new_zipfile_serialization=False, and PyTorch < 1.6):
// five pickles one after another — a magic number, the protocol version 1001, system info
// ({ little_endian, … }), the object (storages as persistent ids with a sixth element, a view
// that must be None), the sorted list of storage keys — then, for each key in that order, the
// storage's element count (int64) and its bytes, both little-endian whatever the writer's machine.
const LEGACY_MAGIC = BigInt("119547037146038801333356"); // 0x1950a86a20f9469cfc6c
function decodeLegacy(bytes: Uint8Array, fail: (reason: string) => FileError): TorchValue {
  const plain = {
    allowGlobal: () => false,
    reduce: () => { throw fail("the legacy header calls a function"); },
    persistentLoad: () => { throw fail("the legacy header refers to a storage"); },
    build: () => { throw fail("the legacy header sets an object's state"); },
  };
  const magic = unpickleAt(bytes, 0, plain, fail);
  if (magic.value !== LEGACY_MAGIC) throw fail("is a pickle, but not a torch.save file (no torch magic number)");
  const proto = unpickleAt(bytes, magic.end, plain, fail);
  if (proto.value !== 1001) throw fail(`is a legacy torch.save file of protocol ${typeof proto.value === "number" ? proto.value : kind(proto.value)}, expected 1001`);
  const info = unpickleAt(bytes, proto.end, plain, fail);
  const little = isPlainDict(info.value) ? info.value.little_endian : undefined;
  if (typeof little !== "boolean") throw fail("its legacy header has no little_endian flag");
  const run = new Run(fail);
  const main = unpickleAt(bytes, info.end, run.hooks((pid) => {
    if (isTuple(pid) && (pid as unknown[]).length === 6 && (pid as unknown[])[5] !== null) throw fail("holds a storage view (a legacy torch.save feature), which is not read");
    return run.storage(pid, 6);
  }), fail, { maxDepth: TORCH_LIMITS.depth });
  const keys = unpickleAt(bytes, main.end, plain, fail);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === "string")) throw fail(`its storage key list is ${kind(keys.value)}, expected a list of strings`);
  let at = keys.end;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value as string[]) {
    const s = run.storages.get(key);
    if (!s) throw fail(`its storage list names ${JSON.stringify(key.slice(0, 40))}, which the object does not use`);
    if (s.read) throw fail(`its storage list names ${JSON.stringify(key.slice(0, 40))} twice`);
    if (at + 8 > bytes.length) throw fail(`truncated: storage ${key}'s element count at byte ${at} is missing`);
    const n = dv.getBigInt64(at, true);
    if (n !== BigInt(s.numel)) throw fail(`storage ${key} holds ${n} elements, the object declares ${s.numel}`);
    const start = at + 8, end = start + s.numel * s.type.size;
    if (end > bytes.length) throw fail(`truncated: storage ${key} needs ${end - start} bytes at byte ${start}, the file has ${bytes.length - start}`);
    s.read = () => bytes.subarray(start, end);
    at = end;
  }
  for (const s of run.storages.values()) if (!s.read) throw fail(`storage ${s.key} is used but not in the file's storage list`);
  if (at !== bytes.length) throw fail(`corrupt: ${bytes.length - at} bytes after the last storage`);
  // Legacy storages are always written little-endian (THPStorage_writeFileRaw), so the flag only says what the writer was.
  return run.finish(main.value, false);
}

/** One load's storages and tensor plans, the pickle hooks that make them, and the final decode. */
class Run {
  readonly storages = new Map<string, Storage>();
  readonly plans = new Set<TensorPlan>();
  constructor(private readonly fail: (reason: string) => FileError) {}

  hooks(persistentLoad: (pid: unknown) => Storage): PickleHooks {
    const fail = this.fail;
    return {
      allowGlobal: (module, n) => {
        if (module === "torch" && UNSUPPORTED_STORAGES.has(n)) throw fail(`holds a torch.${n}, a storage type deepscript has no dtype for`);
        if (module.startsWith("torch.nn.modules.")) throw fail(`refused global ${module}.${n}: the file holds a whole nn.Module (torch.save(model)); save model.state_dict() instead and load it into a model built in code`);
        return ALLOWED.has(`${module}.${n}`) || (module === "torch" && (Object.hasOwn(STORAGES, n) || Object.hasOwn(DTYPE_NAMES, n)));
      },
      persistentLoad,
      reduce: (fn, args) => {
        const p = reduce(fn, args, fail);
        if (p instanceof TensorPlan) this.plans.add(p); // a Set: _rebuild_parameter returns its tensor's plan again
        return p;
      },
      build: (obj, state) => {
        // An OrderedDict state dict carries `_metadata` (module versions) as its __dict__: not data.
        if (isPlainDict(obj) && (state === null || isPlainDict(state))) return obj;
        throw fail(`the pickle sets the state of ${kind(obj)} to ${kind(state)}, which weights-only loading refuses`);
      },
    };
  }

  /** The storage a persistent id ('storage', torch.XStorage, key, location, numel[, view]) names, checked. */
  storage(pid: unknown, length: number): Storage {
    const fail = this.fail;
    if (!isTuple(pid) || (pid as unknown[]).length !== length || (pid as unknown[])[0] !== "storage") {
      throw fail(`a persistent id is ${kind(pid)}${Array.isArray(pid) ? ` of ${pid.length}` : ""}, expected ('storage', type, key, location, numel${length === 6 ? ", view" : ""})`);
    }
    const [, type, key, location, numel] = pid as unknown[];
    if (!(type instanceof PickleGlobal) || type.module !== "torch" || !Object.hasOwn(STORAGES, type.name)) throw fail(`a storage has type ${kind(type)}, expected one of torch.${Object.keys(STORAGES).join(", torch.")}`);
    if (typeof key !== "string" || typeof location !== "string") throw fail("a storage's key and location must be strings");
    if (!isIndex(numel)) throw fail(`storage ${key} declares ${typeof numel === "number" ? numel : kind(numel)} elements`);
    const st = STORAGES[type.name];
    const known = this.storages.get(key);
    if (known) {
      if (known.type !== st || known.numel !== numel) throw fail(`storage ${key} is referred to as ${known.numel} ${known.type.dtype} and as ${numel} ${st.dtype}`);
      return known;
    }
    const s = new Storage(key, st, numel);
    this.storages.set(key, s);
    return s;
  }

  /** Everything is read and checked: bound what the tensors will take, then make them. */
  finish(value: unknown, bigEndian: boolean): TorchValue {
    const fail = this.fail;
    let total = 0, stored = 0;
    for (const p of this.plans) total += p.size;
    for (const s of this.storages.values()) stored += s.numel;
    if (total > TORCH_LIMITS.expansion * stored + 2 ** 20) {
      throw fail(`its tensors hold ${total} elements from ${stored} stored ones: more than ${TORCH_LIMITS.expansion}× (expanded views repeat storage elements; deepscript copies them)`);
    }
    for (const s of this.storages.values()) s.values = decodeStorage(s.read!(), s, bigEndian, fail);
    return finish(value, fail);
  }
}

function isPlainDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function reduce(fn: PickleGlobal, args: unknown[], fail: (r: string) => FileError): unknown {
  const q = fn.qualified;
  const arity = (lo: number, hi = lo) => {
    if (args.length < lo || args.length > hi) throw fail(`${q} takes ${lo === hi ? lo : `${lo}–${hi}`} arguments, the pickle gives ${args.length}`);
  };
  switch (q) {
    case "collections.OrderedDict":
      arity(0);
      return {};
    case "torch.Size": {
      arity(1);
      const dims = args[0];
      if (!Array.isArray(dims) || !dims.every(isIndex)) throw fail(`torch.Size of ${kind(dims)}, expected a tuple of sizes`);
      return dims;
    }
    case "torch.device": {
      arity(1, 2);
      if (typeof args[0] !== "string" || (args.length === 2 && !isIndex(args[1]))) throw fail("torch.device takes a type name and an optional index");
      return args.length === 2 ? `${args[0]}:${args[1]}` : args[0];
    }
    case "_codecs.encode": {
      // Protocol 2 pickles bytes as _codecs.encode(text, "latin1").
      arity(2);
      const [s, enc] = args;
      if (typeof s !== "string" || (enc !== "latin1" && enc !== "latin-1")) throw fail(`_codecs.encode is only read for (str, "latin1"), got (${kind(s)}, ${JSON.stringify(enc)})`);
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 255) throw fail("_codecs.encode: a latin1 string holds a character above U+00FF");
        out[i] = c;
      }
      return out;
    }
    case `${REBUILD}._rebuild_tensor_v2`: {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      arity(6, 7);
      const [storage, offset, size, stride, requiresGrad] = args;
      return plan(storage, offset, size, stride, requiresGrad, fail);
    }
    case `${REBUILD}._rebuild_parameter`:
    case `${REBUILD}._rebuild_parameter_with_state`: {
      // (data, requires_grad, backward_hooks[, state])
      arity(fn.name === "_rebuild_parameter" ? 3 : 4);
      const [data, requiresGrad] = args;
      if (!(data instanceof TensorPlan)) throw fail(`${q} of ${kind(data)}, expected a tensor`);
      if (typeof requiresGrad !== "boolean") throw fail(`${q}: requires_grad is ${kind(requiresGrad)}`);
      if (args.length === 4 && !(args[3] === null || (isPlainDict(args[3]) && !Object.keys(args[3]).length))) throw fail(`${q} with a non-empty state (a Parameter subclass?) is refused`);
      data.requiresGrad = requiresGrad && LOADED[data.storage.type.dtype].startsWith("float");
      return data;
    }
    default:
      throw fail(`the pickle calls ${q}, which is only read as a ${fn.module === "torch" ? "type" : "value"}`);
  }
}

function plan(storage: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown, fail: (r: string) => FileError): TensorPlan {
  if (!(storage instanceof Storage)) throw fail(`_rebuild_tensor_v2 of ${kind(storage)}, expected a storage`);
  const what = `a tensor of storage ${storage.key}`;
  if (!isIndex(offset)) throw fail(`${what} has storage offset ${kind(offset)}`);
  if (!Array.isArray(size) || !size.every(isIndex)) throw fail(`${what} has size ${kind(size)}, expected a tuple of non-negative ints`);
  if (!Array.isArray(stride) || !stride.every(isIndex)) throw fail(`${what} has stride ${kind(stride)}, expected a tuple of non-negative ints`);
  if (size.length !== stride.length) throw fail(`${what} has ${size.length} sizes but ${stride.length} strides`);
  if (size.length > TORCH_LIMITS.ndim) throw fail(`${what} has ${size.length} dimensions, more than ${TORCH_LIMITS.ndim}`);
  if (typeof requiresGrad !== "boolean") throw fail(`${what} has requires_grad ${kind(requiresGrad)}`);
  const dims = size as number[], steps = stride as number[];
  if (!dims.includes(0)) {
    let n = 1, last = offset;
    for (let d = 0; d < dims.length; d++) {
      n *= dims[d];
      if (n > TORCH_LIMITS.tensorElements) throw fail(`${what} has shape [${dims.join(",")}]: more than ${TORCH_LIMITS.tensorElements} elements`);
      last += (dims[d] - 1) * steps[d];
    }
    if (last >= storage.numel) throw fail(`${what} (shape [${dims.join(",")}], stride [${steps.join(",")}], offset ${offset}) reaches element ${last} of a storage of ${storage.numel}`);
  }
  return new TensorPlan(storage, offset, [...dims], [...steps], requiresGrad && LOADED[storage.type.dtype].startsWith("float"));
}

// The storage's bytes as the typed array of its loaded dtype (checked: bool bytes, int64 range).
function decodeStorage(member: Uint8Array, s: Storage, bigEndian: boolean, fail: (r: string) => FileError): TypedArray {
  let raw = member;
  const size = s.type.size, n = s.numel;
  // A typed-array view needs an aligned offset, and big-endian bytes need swapping: copy then
  // (with the constructor: slice() of a Node Buffer is a view of the same memory).
  if (bigEndian && size > 1) {
    raw = new Uint8Array(raw);
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  } else if ((raw.byteOffset % size) !== 0) raw = new Uint8Array(raw);
  const buf = raw.buffer, at = raw.byteOffset;
  const bad = (i: number, v: unknown, why: string) => fail(`storage ${s.key} (${s.type.dtype}) element ${i} = ${v} ${why}`);
  switch (s.type.dtype) {
    case "float32": return new Float32Array(buf, at, n);
    case "float64": return new Float64Array(buf, at, n);
    case "int32": return new Int32Array(buf, at, n);
    case "float16": {
      const src = new Uint16Array(buf, at, n), out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]);
      return out;
    }
    case "bfloat16": {
      // bfloat16 is the high half of a float32.
      const src = new Uint16Array(buf, at, n), out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i] << 16;
      return new Float32Array(out.buffer);
    }
    case "int64": {
      // (low, high) words; it fits int32 when high is low's sign extension.
      const words = new Int32Array(buf, at, n * 2), out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = words[2 * i], hi = words[2 * i + 1];
        if (hi !== lo >> 31) throw bad(i, (BigInt(hi) << 32n) + BigInt(lo >>> 0), "does not fit int32, deepscript's integer dtype");
        out[i] = lo;
      }
      return out;
    }
    case "int16": return Int32Array.from(new Int16Array(buf, at, n));
    case "int8": return Int32Array.from(new Int8Array(buf, at, n));
    case "uint8": return Int32Array.from(new Uint8Array(buf, at, n));
    default: { // bool
      const src = new Uint8Array(buf, at, n);
      const i = src.findIndex((v) => v > 1);
      if (i >= 0) throw bad(i, src[i], "is not a bool (0 or 1)");
      return src;
    }
  }
}

// The storage elements a plan views, in row-major order.
function gather(plan: TensorPlan): TypedArray {
  const src = plan.storage.values!;
  const { shape, strides, offset } = plan;
  const n = plan.size;
  const out = new (src.constructor as new (n: number) => TypedArray)(n);
  if (n === 0) return out;
  let contiguous = true;
  for (let d = shape.length - 1, want = 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== want) contiguous = false;
    want *= shape[d];
  }
  if (contiguous) {
    out.set(src.subarray(offset, offset + n));
    return out;
  }
  const nd = shape.length, idx = new Array<number>(nd).fill(0);
  let s = offset;
  for (let i = 0; i < n; i++) {
    out[i] = src[s];
    for (let d = nd - 1; d >= 0; d--) {
      s += strides[d];
      if (++idx[d] < shape[d]) break;
      s -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

// Plans become tensors (one per plan, so a tensor pickled twice is one object); inert globals
// that are values (dtypes) become their names; anything else left over is refused.
function finish(root: unknown, fail: (r: string) => FileError): TorchValue {
  const done = new Set<object>();
  const conv = (v: unknown): TorchValue => {
    if (v instanceof TensorPlan) {
      if (!v.made) {
        const dtype = LOADED[v.storage.type.dtype];
        v.made = reshape(tensor(gather(v), { dtype }), v.shape);
        if (v.requiresGrad) v.made.requiresGrad_(true);
      }
      return v.made;
    }
    if (v instanceof PickleGlobal) {
      if (v.module === "torch" && Object.hasOwn(DTYPE_NAMES, v.name)) return DTYPE_NAMES[v.name];
      throw fail(`holds the bare global ${v.qualified}, which is not a value`);
    }
    if (v instanceof Storage) throw fail(`holds a bare storage (${v.key}) outside any tensor, which deepscript does not load`);
    if (typeof v !== "object" || v === null || v instanceof Uint8Array) return v as TorchValue;
    if (done.has(v)) return v as TorchValue;
    done.add(v);
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = conv(v[i]);
    else for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = conv((v as Record<string, unknown>)[k]);
    return v as TorchValue;
  };
  return conv(root);
}
