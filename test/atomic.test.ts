// The one atomic writer (src/core/atomic.ts): what it writes, how it fails, what a killed writer
// leaves behind and how the next write cleans it up; and that frame, plot and io write through it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import * as ds from "../src/index.js";
import { writeAtomic, STALE_TEMP_AGE_MS } from "../src/core/atomic.js";

const { frame, io, plot } = ds;
const root = new URL("..", import.meta.url).pathname;
const child = join(root, "test/helpers/atomic-child.ts");
const base = mkdtempSync(join(tmpdir(), "ds-atomic-"));
process.on("exit", () => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(base, `d${n++}`);
  mkdirSync(d);
  return d;
};
const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes(".tmp-")).sort();

/** A process id that is certainly not running: a child that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

function throwsFile(fn: () => unknown, path: string, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ds.FileError, `expected a FileError, got ${String(e)}`);
    assert.equal(e.path, path);
    assert.match(e.message, reason);
    return true;
  });
}

test("writes text, bytes and lists of both; overwrites by rename; leaves no temp file", () => {
  const dir = freshDir(), p = join(dir, "a.bin");
  writeAtomic("t", p, "héllo ");
  assert.equal(readFileSync(p, "utf8"), "héllo ");
  writeAtomic("t", p, [new Uint8Array([104, 105]), " there", new Uint8Array(0)]);
  assert.equal(readFileSync(p, "utf8"), "hi there");
  writeAtomic("t", p, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ["a.bin"]);
});

test("an existing file keeps its permission bits; a symbolic link is followed, not replaced", () => {
  const dir = freshDir(), p = join(dir, "secret.txt");
  writeFileSync(p, "old");
  chmodSync(p, 0o600);
  writeAtomic("t", p, "new");
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const link = join(dir, "link.txt");
  symlinkSync("secret.txt", link);
  writeAtomic("t", link, "through the link");
  assert.equal(readFileSync(p, "utf8"), "through the link");
  assert.ok(statSync(link).isFile() && readdirSync(dir).includes("link.txt"));
  assert.deepEqual(temps(dir), []);
});

test("mkdirs creates the folder; without it a missing folder is a FileError", () => {
  const dir = freshDir();
  const deep = join(dir, "x", "y", "z.txt");
  throwsFile(() => writeAtomic("t", deep, "v"), deep, /its directory does not exist/);
  assert.equal(existsSync(join(dir, "x")), false);
  writeAtomic("t", deep, "v", { mkdirs: true });
  assert.equal(readFileSync(deep, "utf8"), "v");
});

test("failures are FileErrors naming the file, and change nothing", () => {
  const dir = freshDir();
  // The target is a folder: refused before anything is written.
  const sub = join(dir, "sub");
  mkdirSync(sub);
  writeFileSync(join(sub, "inside.txt"), "keep");
  throwsFile(() => writeAtomic("t", sub, "x"), sub, /is a directory, not a file/);
  assert.deepEqual(readdirSync(sub), ["inside.txt"]);
  // A part of the path is a file.
  writeFileSync(join(dir, "plain"), "file");
  const through = join(dir, "plain", "x.txt");
  throwsFile(() => writeAtomic("t", through, "x"), through, /a part of its path is not a folder/);
  throwsFile(() => writeAtomic("t", through, "x", { mkdirs: true }), through, /its folder cannot be created \(EEXIST\)/);
  // Data of the wrong kind: refused before the file system is touched.
  const p = join(dir, "k.txt");
  throwsFile(() => writeAtomic("t", p, [42 as unknown as string]), p, /data must be strings or Uint8Arrays, got number/);
  assert.deepEqual(readdirSync(dir).sort(), ["plain", "sub"]);
});

test("an unwritable folder is a FileError; the old file is intact and no temp file is left", () => {
  const dir = freshDir(), p = join(dir, "model.txt");
  writeFileSync(p, "old");
  chmodSync(dir, 0o555);
  try {
    // root ignores permissions: then the write is attempted as the unprivileged user "nobody".
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ["--import", "tsx", child, "once", p, "new"], { cwd: root, encoding: "utf8", ...asNobody });
    assert.equal(r.stdout.trim(), `FileError: child: ${p}: cannot be written: permission denied`, r.stderr);
  } finally {
    chmodSync(dir, 0o755);
  }
  assert.equal(readFileSync(p, "utf8"), "old");
  assert.deepEqual(readdirSync(dir), ["model.txt"]);
});

test("stale temp files of the same target are removed by the next write; live ones and others' are kept", async () => {
  const dir = freshDir(), p = join(dir, "w.safetensors");
  const dead = deadPid();
  const live = spawn("sleep", ["30"]);
  try {
    const make = (name: string, ageMs = 0) => {
      writeFileSync(join(dir, name), "partial");
      if (ageMs) utimesSync(join(dir, name), new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
      return name;
    };
    const stale = [
      make(`.w.safetensors.tmp-${dead}-0badcafe-3`), // this writer's name, its process dead
      make(`w.safetensors.tmp-${dead}`), // the names of the writers it replaced
      make(`w.safetensors.tmp-${dead}-a1b2c3d4e5f6`),
      make(`.w.safetensors.tmp-${process.pid}-0badcafe-0`), // this pid, but another process's token: an earlier process with the same id
      make(`.w.safetensors.tmp-${live.pid}-12345678-0`, STALE_TEMP_AGE_MS + 60_000), // alive, but untouched for too long
    ];
    const kept = [
      make(`.w.safetensors.tmp-${live.pid}-12345678-1`), // a live writer at work
      make(`.other.bin.tmp-${dead}-0badcafe-0`), // another target's
      make(`.w.safetensors.tmp-notapid`), // not a temp name
      make("w.safetensors.tmp-12-notes.txt"),
    ];
    writeAtomic("t", p, "complete");
    assert.equal(readFileSync(p, "utf8"), "complete");
    for (const name of stale) assert.equal(existsSync(join(dir, name)), false, `${name} removed`);
    assert.deepEqual(temps(dir), [...kept].sort());
  } finally {
    live.kill("SIGKILL");
  }
});

// A child writes a 50 MB file over and over; it is killed with SIGKILL in the middle of a write.
// Whatever the moment, the target is absent (no write finished yet) or one complete version.
test("a writer killed mid-write leaves the old file or the new one, never a mixture; the next write removes its temp", async () => {
  const MB = 50;
  const dir = freshDir(), p = join(dir, "big.bin");
  const killDuring = async (afterWrites: number): Promise<{ finished: number }> => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, "loop", p, String(MB)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let finished = 0;
    proc.stdout.on("data", (b: Buffer) => (finished += b.toString().split("\n").filter(Boolean).length));
    const exited = new Promise((resolve) => proc.on("exit", resolve));
    const deadline = Date.now() + 60_000;
    // Wait for the wanted number of complete writes, then for the next write's temp file.
    while (finished < afterWrites || temps(dir).length === 0) {
      assert.ok(Date.now() < deadline, "the child never reached the point to kill it at");
      await sleep(1);
    }
    proc.kill("SIGKILL");
    await exited;
    return { finished };
  };
  const checkTarget = (allowAbsent: boolean) => {
    if (!existsSync(p)) return assert.ok(allowAbsent, "the target is there after a complete write");
    const bytes = readFileSync(p);
    assert.equal(bytes.length, MB << 20, "a complete file");
    assert.ok(bytes[0] >= 1 && bytes.equals(Buffer.alloc(bytes.length, bytes[0])), "one version throughout");
  };

  // Killed during its first write: no file yet (or, if it finished just then, a complete one).
  await killDuring(0);
  checkTarget(true);
  let stale = temps(dir);
  // Killed after some complete writes, in the middle of the next one.
  const { finished } = await killDuring(2);
  assert.ok(finished >= 2);
  checkTarget(false);
  stale = [...new Set([...stale, ...temps(dir)])];
  assert.ok(stale.length >= 1, "a killed write left its temp file");
  assert.ok(stale.every((t) => t.startsWith(".big.bin.tmp-")), stale.join(", "));

  writeAtomic("t", p, "after the crash");
  assert.equal(readFileSync(p, "utf8"), "after the crash");
  assert.deepEqual(temps(dir), [], "the dead writers' temp files are gone");
});

test("frame.toCsv, Figure.save, io.save and io.saveStateDict write through it", async () => {
  const dir = freshDir();
  const dead = deadPid();
  const df = new frame.DataFrame({ a: [1, 2], b: ["x", "y"] });
  const fig = plot.bar([3, 1, 2], { labels: ["a", "b", "c"] });
  const writers: [string, () => unknown][] = [
    ["t.csv", () => df.toCsv(join(dir, "t.csv"))],
    ["f.json", () => fig.save(join(dir, "f.json"))],
    ["m.safetensors", () => io.save(new ds.nn.Linear(2, 1), join(dir, "m.safetensors"))],
    ["s.safetensors", () => io.saveStateDict({ w: ds.ones([2]) }, join(dir, "s.safetensors"))],
  ];
  for (const [name, write] of writers) {
    writeFileSync(join(dir, `.${name}.tmp-${dead}-0badcafe-0`), "partial");
    writeFileSync(join(dir, name), "old");
    chmodSync(join(dir, name), 0o640);
    await write();
    assert.deepEqual(temps(dir), [], `${name}: the stale temp file is gone`);
    assert.equal(statSync(join(dir, name)).mode & 0o777, 0o640, `${name}: mode kept`);
    assert.notEqual(readFileSync(join(dir, name), "utf8"), "old");
  }
  assert.equal(readFileSync(join(dir, "t.csv"), "utf8"), "a,b\n1,x\n2,y\n");
  assert.equal(JSON.parse(readFileSync(join(dir, "f.json"), "utf8")).mark.type, "bar");
  // A folder in the way is a FileError naming the path, from every writer.
  const sub = join(dir, "sub.csv");
  mkdirSync(sub);
  throwsFile(() => df.toCsv(sub), sub, /^toCsv: .*is a directory, not a file$/);
  const subSvg = join(dir, "sub.svg");
  mkdirSync(subSvg);
  await assert.rejects(fig.save(subSvg), (e: unknown) => e instanceof ds.FileError && e.path === subSvg && /is a directory/.test(e.message));
});
