// node:test for a page: `describe`/`it`/`test`/`before` collect suites when a test file is
// imported, and runSuites runs them in order, so a Node test file (test/fixtures.test.ts) runs
// unchanged in the browser. Only what the bundled files use is here.
type Fn = () => unknown;
interface Suite { title: string; befores: Fn[]; cases: { name: string; fn: Fn }[] }

const suites: Suite[] = [];
const root: Suite = { title: "", befores: [], cases: [] };
let current = root;

export function describe(title: string, body: Fn): void {
  const outer = current;
  current = { title: outer.title ? `${outer.title} > ${title}` : title, befores: [...outer.befores], cases: [] };
  suites.push(current);
  try { body(); } finally { current = outer; }
}
export function it(name: string, fn: Fn): void { current.cases.push({ name, fn }); }
export const test = it;
export function before(fn: Fn): void { current.befores.push(fn); }

/** One suite's outcome: how many cases ran, and each failure with its message. */
export interface SuiteResult { suite: string; passed: number; failures: { name: string; error: string }[] }

/** Runs the collected suites whose title passes `filter`, yielding to the page between suites. */
export async function runSuites(filter: (title: string) => boolean = () => true): Promise<SuiteResult[]> {
  const out: SuiteResult[] = [];
  for (const s of [root, ...suites]) {
    if (!s.cases.length || !filter(s.title)) continue;
    for (const b of s.befores) await b();
    const r: SuiteResult = { suite: s.title, passed: 0, failures: [] };
    for (const c of s.cases) {
      try {
        await c.fn();
        r.passed++;
      } catch (e) {
        r.failures.push({ name: c.name, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    }
    out.push(r);
    await new Promise((res) => setTimeout(res, 0));
  }
  return out;
}
