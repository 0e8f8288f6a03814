// Warnings for likely mistakes that are not errors (the computation is valid, the result is
// probably not what was meant): each is printed once per process, through console.warn.

const shown = new Set<string>();

/**
 * Prints `message` (prefixed with "deepscript: ") the first time `key` is seen; returns whether it printed.
 * @example warnOnce("crossEntropy/probabilities", "crossEntropy: …")
 */
export function warnOnce(key: string, message: string): boolean {
  if (shown.has(key)) return false;
  shown.add(key);
  console.warn(`deepscript: ${message}`);
  return true;
}

/** Whether the warning `key` has been printed. */
export const warned = (key: string): boolean => shown.has(key);

/** Forgets printed warnings (tests). */
export function resetWarnings(): void {
  shown.clear();
}
