// A restricted unpickler: Python's pickle virtual machine (protocols 0–5, the opcodes of
// Lib/pickletools.py) for data only. Nothing in a pickle ever runs: a global (GLOBAL,
// STACK_GLOBAL) is looked up in the caller's allow-list and becomes an inert marker, and REDUCE /
// BUILD / persistent ids are handed to the caller's hooks, which build values themselves. This is
// what PyTorch's `weights_only=True` unpickler does; any other global is an error naming it.
// Python values map to: None → null, bool → boolean, int → number (bigint beyond ±2^53), float →
// number, str → string, bytes → Uint8Array, list and tuple → array, dict → a plain object
// (str and int keys only, keys defined as own properties so "__proto__" stays a key).

/** A global the allow-list accepted (`torch._utils._rebuild_tensor_v2`): a name, never a function. */
export class PickleGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What the unpickler asks of its caller. Each hook returns the value to push, or throws. */
export interface PickleHooks {
  /** Whether `module.name` may be referenced (then it becomes a PickleGlobal). */
  allowGlobal(module: string, name: string): boolean;
  /** REDUCE: `fn(...args)` for an allowed global. */
  reduce(fn: PickleGlobal, args: unknown[]): unknown;
  /** BINPERSID: the object a persistent id stands for (PyTorch's storages). */
  persistentLoad(pid: unknown): unknown;
  /** BUILD: `obj.__setstate__(state)`; returns the object. */
  build(obj: unknown, state: unknown): unknown;
}

/** Bounds on what a pickle may make, so a hostile one fails cleanly instead of exhausting memory. */
export interface PickleLimits {
  /** Most memo entries (default 10,000,000). */
  maxMemo?: number;
  /** Deepest nesting of the result (default 64). */
  maxDepth?: number;
}

// The arrays that are tuples, while a pickle is being read (so hooks can tell). A Set per run,
// not a WeakSet or a mark on each array: on a pickle of many small tuples either costs several
// times the parse itself (the collector's ephemeron tables; a property per array).
let tuples: Set<object> | null = null;

/** Whether `v` came from a Python tuple (arrays from lists are not); known while its pickle is read. */
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && tuples !== null && tuples.has(v);
}

const MARK = Symbol("mark");

/**
 * Runs the pickle in `data` and returns its value. `fail(reason)` makes every error (a malformed
 * pickle, a refused global or opcode); the result has been checked for cycles and `maxDepth`.
 * Bytes after its STOP are ignored, as Python's pickle.load does.
 */
export function unpickle(data: Uint8Array, hooks: PickleHooks, fail: (reason: string) => Error, limits: PickleLimits = {}): unknown {
  return unpickleAt(data, 0, hooks, fail, limits).value;
}

/** unpickle of the pickle that starts at byte `start`; also returns where it ends (after its STOP). */
export function unpickleAt(data: Uint8Array, start: number, hooks: PickleHooks, fail: (reason: string) => Error, limits: PickleLimits = {}): { value: unknown; end: number } {
  const maxMemo = limits.maxMemo ?? 10_000_000;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const latin1 = new TextDecoder("latin1");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let pos = start;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const intKeys = new WeakMap<object, Set<string>>();

  const need = (k: number, what: string) => {
    if (pos + k > data.length) throw fail(`truncated pickle: ${what} at byte ${pos} needs ${k} bytes, ${data.length - pos} remain`);
  };
  const u8 = () => { need(1, "an argument"); return data[pos++]; };
  const u16 = () => { need(2, "an argument"); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4, "an argument"); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4, "an argument"); const v = dv.getInt32(pos, true); pos += 4; return v; };
  const u64 = () => {
    need(8, "an argument");
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.length)) throw fail(`corrupt pickle: a length of ${v} bytes in a ${data.length}-byte pickle`);
    return Number(v);
  };
  const bytesOf = (n: number) => { need(n, "a string"); const b = data.subarray(pos, pos + n); pos += n; return b; };
  const text = (n: number) => {
    const b = bytesOf(n);
    try {
      return utf8.decode(b);
    } catch {
      throw fail(`corrupt pickle: a string at byte ${pos - n} is not UTF-8`);
    }
  };
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw fail(`truncated pickle: a line at byte ${pos} has no end`);
    const s = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (!stack.length) throw fail(`corrupt pickle: the stack is empty at byte ${pos - 1}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (!stack.length) throw fail(`corrupt pickle: the stack is empty at byte ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    if (!marks.length) throw fail(`corrupt pickle: no MARK before byte ${pos - 1}`);
    stack = marks.pop()!;
    return items;
  };
  const own = new Set<object>();
  const tuple = (items: unknown[]) => { own.add(items); return items; };
  const put = (i: number) => {
    if (!memo.has(i) && memo.size >= maxMemo) throw fail(`the pickle memoizes more than ${maxMemo} objects`);
    memo.set(i, top());
  };
  const get = (i: number) => {
    if (!memo.has(i)) throw fail(`corrupt pickle: memo entry ${i} is read before it is written`);
    stack.push(memo.get(i));
  };
  const isDict = (d: unknown): d is Record<string, unknown> => typeof d === "object" && d !== null && Object.getPrototypeOf(d) === Object.prototype;
  const setItem = (d: unknown, k: unknown, v: unknown) => {
    if (!isDict(d)) throw fail(`corrupt pickle: SETITEM on ${kind(d)}, not a dict`);
    let key: string, isInt = false;
    if (typeof k === "string") key = k;
    else if ((typeof k === "number" && Number.isInteger(k)) || typeof k === "bigint") { key = String(k); isInt = true; }
    else throw fail(`a dict key is ${kind(k)}: only str and int keys are read`);
    // 1 and "1" would both become the property "1": refuse rather than lose one.
    const ints = intKeys.get(d) ?? new Set<string>();
    if (Object.hasOwn(d, key) && ints.has(key) !== isInt) throw fail(`a dict has both the int key ${key} and the str key "${key}"`);
    if (isInt) { ints.add(key); intKeys.set(d, ints); }
    Object.defineProperty(d, key, { value: v, enumerable: true, writable: true, configurable: true });
  };
  const list = (l: unknown): unknown[] => {
    if (!Array.isArray(l) || isTuple(l)) throw fail(`corrupt pickle: APPEND to ${kind(l)}, not a list`);
    return l;
  };
  const global = (module: string, name: string) => {
    if (!hooks.allowGlobal(module, name)) {
      throw fail(`refused global ${module}.${name}: only tensors, numbers, strings, lists, tuples and dicts are loaded (PyTorch's weights_only=True), and nothing in the file is run`);
    }
    stack.push(new PickleGlobal(module, name));
  };
  const long = (b: Uint8Array): number | bigint => {
    if (!b.length) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return num(v);
  };

  const outer = tuples;
  tuples = own;
  try {
    return run();
  } finally {
    tuples = outer;
  }

  function run(): { value: unknown; end: number } {
  for (;;) {
    if (pos >= data.length) throw fail("truncated pickle: it ends without STOP");
    const at = pos;
    const op = data[pos++];
    switch (op) {
      case 0x80: { // PROTO
        const p = u8();
        if (p > 5) throw fail(`pickle protocol ${p} is newer than 5`);
        break;
      }
      case 0x95: u64(); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        const v = pop();
        if (stack.length || marks.length) throw fail("corrupt pickle: values are left on the stack at STOP");
        checkShape(v, limits.maxDepth ?? 64, fail);
        return { value: v, end: pos };
      }
      // Markers and stack manipulation.
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      // Memo.
      case 0x71: put(u8()); break; // BINPUT
      case 0x72: put(u32()); break; // LONG_BINPUT
      case 0x70: put(parseIntLine(line(), fail)); break; // PUT
      case 0x94: put(memo.size); break; // MEMOIZE
      case 0x68: get(u8()); break; // BINGET
      case 0x6a: get(u32()); break; // LONG_BINGET
      case 0x67: get(parseIntLine(line(), fail)); break; // GET
      // Constants and numbers.
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(long(bytesOf(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const n = i32();
        if (n < 0) throw fail("corrupt pickle: LONG4 with a negative length");
        // Converting n bytes costs O(n²); no number in a checkpoint needs more than a few.
        if (n > 1024) throw fail(`a LONG4 integer of ${n} bytes (at most 1024 are read)`);
        stack.push(long(bytesOf(n)));
        break;
      }
      case 0x47: { need(8, "a float"); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x49: { // INT (protocol 0; "00"/"01" are False/True)
        const s = line();
        stack.push(s === "00" ? false : s === "01" ? true : parseIntLine(s, fail, true));
        break;
      }
      case 0x4c: stack.push(parseIntLine(line().replace(/L$/, ""), fail, true)); break; // LONG
      case 0x46: { // FLOAT
        const s = line(), v = Number(s);
        if (s.trim() === "" || Number.isNaN(v) && !/nan/i.test(s)) throw fail(`corrupt pickle: FLOAT ${JSON.stringify(s.slice(0, 40))}`);
        stack.push(v);
        break;
      }
      // Strings and bytes.
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x43: stack.push(bytesOf(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(bytesOf(u32()).slice()); break; // BINBYTES
      case 0x8e: stack.push(bytesOf(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(bytesOf(u64()).slice()); break; // BYTEARRAY8
      // Python 2 str: latin-1 text, as Python 3's encoding="latin1" reads it.
      case 0x55: stack.push(latin1.decode(bytesOf(u8()))); break; // SHORT_BINSTRING
      case 0x54: { // BINSTRING
        const n = i32();
        if (n < 0) throw fail("corrupt pickle: BINSTRING with a negative length");
        stack.push(latin1.decode(bytesOf(n)));
        break;
      }
      // Containers.
      case 0x7d: stack.push({}); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      // (popMark replaces `stack`, so it runs before the push names the stack.)
      case 0x74: { const t = tuple(popMark()); stack.push(t); break; } // TUPLE
      case 0x6c: { const l = popMark(); stack.push(l); break; } // LIST
      case 0x64: { // DICT
        const items = popMark();
        if (items.length % 2) throw fail("corrupt pickle: DICT with an odd number of items");
        const d = {};
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const l = list(top()); for (const v of items) l.push(v); break; } // APPENDS
      case 0x73: { const v = pop(), k = pop(); setItem(top(), k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2) throw fail("corrupt pickle: SETITEMS with an odd number of items");
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      // Globals and calls: only through the hooks.
      case 0x63: { const module = line(), name = line(); global(module, name); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop();
        if (typeof module !== "string" || typeof name !== "string") throw fail("corrupt pickle: STACK_GLOBAL needs two strings");
        global(module, name);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(), fn = pop();
        if (!(fn instanceof PickleGlobal)) throw fail(`corrupt pickle: REDUCE calls ${kind(fn)}, not a global`);
        if (!isTuple(args)) throw fail(`corrupt pickle: REDUCE's arguments are ${kind(args)}, not a tuple`);
        stack.push(hooks.reduce(fn, args as unknown[]));
        break;
      }
      case 0x62: { const state = pop(); stack.push(hooks.build(pop(), state)); break; } // BUILD
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      default: {
        const name = REFUSED[op];
        throw fail(name ? `pickle opcode ${name} at byte ${at} is refused (weights-only loading reads no ${REFUSED_WHY[name] ?? "objects"})`
          : `corrupt pickle: unknown opcode 0x${op.toString(16).padStart(2, "0")} at byte ${at}`);
      }
    }
  }
  }
}

// Opcodes that exist but that a weights-only reader does not accept.
const REFUSED: Record<number, string> = {
  0x50: "PERSID", 0x69: "INST", 0x6f: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
  0x8f: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER", 0x53: "STRING", 0x56: "UNICODE",
};

const REFUSED_WHY: Record<string, string> = { PERSID: "text persistent ids", EMPTY_SET: "sets", ADDITEMS: "sets", FROZENSET: "sets", NEXT_BUFFER: "out-of-band buffers", READONLY_BUFFER: "out-of-band buffers", STRING: "quoted protocol-0 strings", UNICODE: "protocol-0 strings" };

function num(v: bigint): number | bigint {
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseIntLine(s: string, fail: (r: string) => Error, big = false): number {
  if (!/^-?\d{1,400}$/.test(s)) throw fail(`corrupt pickle: ${JSON.stringify(s.slice(0, 40))} is not an integer`);
  const v = num(BigInt(s));
  if (!big && (typeof v !== "number" || v < 0)) throw fail(`corrupt pickle: memo index ${s.slice(0, 40)}`);
  return v as number;
}

/** A short name of a value's Python-side kind, for messages. */
export function kind(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return isTuple(v) ? "a tuple" : "a list";
  if (v instanceof PickleGlobal) return `the global ${v.qualified}`;
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return Object.getPrototypeOf(v) === Object.prototype ? "a dict" : `a ${v.constructor?.name ?? "object"}`;
  return `a ${typeof v === "bigint" ? "number" : typeof v}`;
}

// The result must be a finite tree of bounded depth: a pickle can make a list that contains
// itself, which every consumer (printing, saving, loadStateDict) would recurse into forever.
// Heights are memoized, so shared (but acyclic) values are walked once.
function checkShape(root: unknown, maxDepth: number, fail: (r: string) => Error): void {
  const height = new Map<object, number>();
  const open = new Set<object>();
  const walk = (v: unknown, depth: number): number => {
    if (typeof v !== "object" || v === null) return 0;
    const isContainer = Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;
    if (!isContainer) return 0;
    const known = height.get(v);
    if (known !== undefined) {
      if (depth + known > maxDepth) throw fail(`the pickled value nests deeper than ${maxDepth} levels`);
      return known;
    }
    if (open.has(v)) throw fail("the pickled value contains itself (a cycle)");
    if (depth >= maxDepth) throw fail(`the pickled value nests deeper than ${maxDepth} levels`);
    open.add(v);
    let h = 0;
    for (const x of Array.isArray(v) ? v : Object.values(v)) h = Math.max(h, walk(x, depth + 1) + 1);
    open.delete(v);
    height.set(v, h);
    return h;
  };
  walk(root, 0);
}
