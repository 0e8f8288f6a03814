// Short, bounded descriptions of untrusted values for error messages. JSON.stringify is no good
// there: a value read from a hostile file can be nested thousands deep (stack overflow while
// building the message) or megabytes long (a message nobody can read).

/**
 * At most about `max` characters describing `v`: primitives as JSON, arrays and objects opened at
 * most three levels deep, the rest elided with "…".
 * @example brief([[[[[1]]]]]) // "[[[[…]]]]"
 */
export function brief(v: unknown, max = 60): string {
  const out: string[] = [];
  let len = 0;
  const put = (s: string): boolean => {
    if (len >= max) return false;
    const room = max - len;
    const piece = s.length > room ? `${s.slice(0, room)}…` : s;
    out.push(piece);
    len += piece.length;
    return s.length <= room;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (x === null || typeof x === "number" || typeof x === "boolean") return put(String(x));
    if (typeof x === "string") return put(JSON.stringify(x.length > max ? x.slice(0, max) : x));
    if (typeof x !== "object") return put(typeof x);
    const isArray = Array.isArray(x);
    if (depth >= 3) return put(isArray ? "[…]" : "{…}");
    if (!put(isArray ? "[" : "{")) return false;
    const keys = isArray ? null : Object.keys(x);
    const n = isArray ? (x as unknown[]).length : keys!.length;
    for (let i = 0; i < n; i++) {
      if (i > 0 && !put(",")) return false;
      if (keys && !put(`${JSON.stringify(keys[i].slice(0, max))}:`)) return false;
      if (!walk(isArray ? (x as unknown[])[i] : (x as Record<string, unknown>)[keys![i]], depth + 1)) return false;
    }
    return put(isArray ? "]" : "}");
  };
  walk(v, 0);
  return out.join("");
}

/** `s` cut to at most `max` characters (with "…" when cut), for names read from files. */
export function clip(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
