/**
 * `npm run bench:tco-page`: the /tco page's main thread while the offload slider is dragged, in
 * headless Chromium against a built server (`next build` first). Long tasks (> 50 ms) are counted
 * with a PerformanceObserver from the first input to the Monte Carlo's "Up to date", once with the
 * Monte Carlo in its Web Worker and once forced onto the main thread (no Worker), as the v2 page
 * ran it. Optional screenshots (TCO_SHOTS=<dir>): the page at 390 and 1280 px and the print report.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../harness/browser";
import { startServer, type RunningServer } from "../harness/server";

const STEPS = 30;

async function ownerPage(srv: RunningServer, browser: Browser, width: number, noWorker: boolean): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  if (noWorker) await ctx.addInitScript(() => Object.defineProperty(window, "Worker", { value: undefined }));
  await ctx.addInitScript(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: "longtask", buffered: true });
  });
  const page = await ctx.newPage();
  await page.goto(srv.loginUrl);
  return page;
}

const upToDate = (page: Page) => page.waitForFunction(() => document.querySelector("[data-testid=mc-status]")?.textContent?.startsWith("Up to date"), null, { timeout: 60_000 });

async function drag(srv: RunningServer, browser: Browser, noWorker: boolean) {
  const page = await ownerPage(srv, browser, 1280, noWorker);
  await page.goto(`${srv.url}/tco?preset=tirias2028`);
  await upToDate(page);
  await page.waitForTimeout(500);
  await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
  await page.locator("#in-offloadShare").scrollIntoViewIfNeeded();
  const box = (await page.locator("#in-offloadShare").boundingBox())!;
  const y = box.y + box.height / 2;
  const t0 = Date.now();
  await page.mouse.move(box.x + box.width * 0.2, y);
  await page.mouse.down();
  for (let k = 1; k <= STEPS; k++) {
    await page.mouse.move(box.x + box.width * (0.2 + (0.3 * k) / STEPS), y);
    await page.waitForTimeout(16); // one frame between moves, like a hand
  }
  await page.mouse.up();
  await upToDate(page);
  const ms = Date.now() - t0;
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  const where = await page.getByTestId("mc-status").innerText();
  const share = await page.inputValue("#in-offloadShare");
  await page.context().close();
  return { long, ms, where, share };
}

async function shots(srv: RunningServer, browser: Browser, dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  for (const width of [390, 1280]) {
    const page = await ownerPage(srv, browser, width, false);
    await page.goto(`${srv.url}/tco?preset=tirias2028`);
    await upToDate(page);
    await page.screenshot({ path: path.join(dir, `tco-${width}.png`), fullPage: true });
    await page.screenshot({ path: path.join(dir, `tco-${width}-first-screen.png`) });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // scrolled viewport screenshots: off-screen sections (content-visibility: auto) render once scrolled to
    for (let y = 900, k = 1; y < Math.min(height, 900 * 8); y += 900, k++) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(dir, `tco-${width}-screen-${k + 1}.png`) });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: path.join(dir, `report-${width}.png`), fullPage: true });
    if (width === 1280) {
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      fs.writeFileSync(path.join(dir, "report.pdf"), pdf);
      console.log(`print report: ${(pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length} page(s)`);
    }
    await page.goto(`${srv.url}/tco?preset=tirias2028&fleetItJPerToken=0.27`);
    await page.emulateMedia({ media: "screen" });
    await upToDate(page);
    await page.screenshot({ path: path.join(dir, `tco-infeasible-${width}.png`) });
    await page.context().close();
  }
}

async function main() {
  const srv = await startServer();
  const browser = await launchBrowser(["--headless=new"]);
  try {
    console.log("| Monte Carlo | drag + settle | long tasks > 50 ms | longest | total |\n|---|---:|---:|---:|---:|");
    for (const noWorker of [false, true]) {
      const r = await drag(srv, browser, noWorker);
      const max = r.long.length ? Math.max(...r.long) : 0;
      console.log(`| ${noWorker ? "main thread (no Worker)" : "Web Worker"} | ${r.ms} ms (share 0.2 to ${r.share}) | ${r.long.length} | ${max.toFixed(0)} ms | ${r.long.reduce((a, b) => a + b, 0).toFixed(0)} ms |`);
      if (!r.where.includes(noWorker ? "main thread" : "Web Worker")) throw new Error(`expected the Monte Carlo in ${noWorker ? "the main thread" : "a Web Worker"}: ${r.where}`);
    }
    if (process.env.TCO_SHOTS) await shots(srv, browser, process.env.TCO_SHOTS);
  } finally {
    await browser.close();
    await srv.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
