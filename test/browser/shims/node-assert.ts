// node:assert/strict for a page: the calls the bundled test files make, with Node's semantics
// (strict equality, deep equality of arrays and plain objects).
export class AssertionError extends Error {
  override name = "AssertionError";
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ?? fallback);
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const show = (v: unknown) => { try { return JSON.stringify(v); } catch { return String(v); } };

function assert(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}
assert.ok = assert;
assert.equal = (a: unknown, b: unknown, message?: string) => { if (!Object.is(a, b)) fail(message, `${show(a)} !== ${show(b)}`); };
assert.strictEqual = assert.equal;
assert.notEqual = (a: unknown, b: unknown, message?: string) => { if (Object.is(a, b)) fail(message, `${show(a)} === ${show(b)}`); };
assert.deepEqual = (a: unknown, b: unknown, message?: string) => { if (!same(a, b)) fail(message, `${show(a)} is not deep-equal to ${show(b)}`); };
assert.deepStrictEqual = assert.deepEqual;
assert.fail = (message?: string) => fail(message, "failed");
assert.throws = (fn: () => unknown, expected?: RegExp | ((e: unknown) => boolean), message?: string) => {
  try { fn(); } catch (e) {
    if (expected instanceof RegExp && !expected.test(String((e as Error)?.message ?? e))) fail(message, `threw ${String(e)}, not matching ${expected}`);
    if (typeof expected === "function" && !(expected as (e: unknown) => boolean)(e)) fail(message, `threw ${String(e)}, rejected by the check`);
    return;
  }
  fail(message, "did not throw");
};

export default assert;
