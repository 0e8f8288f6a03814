// node:fs for a page: readFileSync of the fixture files the bundled tests read
// (`new URL("./fixtures/x.json", import.meta.url)`), fetched from the runner's server at
// /test/fixtures/… with a synchronous request (allowed on a page's main thread, and what a
// synchronous read needs). Anything else is an error naming it.
export function readFileSync(url: URL | string): string {
  const path = String(url);
  const at = path.lastIndexOf("/fixtures/");
  if (at < 0) throw new Error(`readFileSync: ${path} is not a test fixture (test/browser/shims/node-fs.ts serves only test/fixtures/)`);
  const req = new XMLHttpRequest();
  req.open("GET", `/test${path.slice(at)}`, false);
  req.send();
  if (req.status !== 200) throw new Error(`readFileSync: ${path}: HTTP ${req.status}`);
  return req.responseText;
}
