// Screenshots of the playground (examples/web/) in headless Chromium, to look at after changing
// it: `npx tsx tools/playground_screenshot.ts [out.png]` trains the chosen model (KIND=mlp|cnn,
// EPOCHS=n) in its worker, draws a 7, fits the iris sample, and writes a full-page PNG
// (default docs/playground.png). MID=out-mid.png also shoots the page WAIT ms into training.
import { chromium } from "playwright-core";
import { startPlayground } from "../examples/web/server.js";

const out = process.argv[2] ?? new URL("../docs/playground.png", import.meta.url).pathname;
const server = await startPlayground({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${server.url}/`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 60_000 });
  await page.selectOption("#model-kind", process.env.KIND ?? "mlp");
  await page.fill("#epochs", process.env.EPOCHS ?? "3");
  await page.click("#train");
  if (process.env.MID) {
    await page.waitForTimeout(Number(process.env.WAIT ?? 3000));
    await page.screenshot({ path: process.env.MID, fullPage: true });
  }
  await page.waitForFunction(() => (globalThis as unknown as { playground: { state: { trained: boolean } } }).playground.state.trained, null, { timeout: 600_000 });
  const box = (await page.locator("#pad").boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.5, 0.2], [0.75, 0.2], [0.6, 0.5], [0.45, 0.85]]) await page.mouse.move(...at(x, y), { steps: 8 });
  await page.mouse.up();
  await page.click('[data-sample="iris.csv"]');
  await page.waitForSelector("#describe tbody tr");
  await page.click("#fit");
  await page.waitForFunction(() => (globalThis as unknown as { playground: { state: { fit: unknown } } }).playground.state.fit !== null);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
