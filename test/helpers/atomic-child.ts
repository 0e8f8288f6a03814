// Run by test/atomic.test.ts in a child process, to be killed or to run as another user.
//   loop PATH MB: writes PATH again and again, MB megabytes each, every byte of write k equal to
//                 k % 255 + 1; prints k when write k is complete.
//   once PATH TEXT: writes TEXT to PATH once; prints the error's class and message, or "ok".
import { writeAtomic } from "../../src/core/atomic.js";

const [mode, path, arg] = process.argv.slice(2);
if (mode === "loop") {
  const mb = Number(arg);
  for (let k = 0; ; k++) {
    const chunk = new Uint8Array(1 << 20).fill((k % 255) + 1);
    writeAtomic("child", path, Array.from({ length: mb }, () => chunk));
    process.stdout.write(`${k}\n`);
  }
} else {
  try {
    writeAtomic("child", path, arg);
    console.log("ok");
  } catch (e) {
    console.log(`${(e as Error).name}: ${(e as Error).message}`);
  }
}
