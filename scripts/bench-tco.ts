/**
 * `npm run bench:tco`: TCO model speed. One scenario evaluation (Node), and a 10,000-draw Monte
 * Carlo in Node and inside Chromium (the model bundled with esbuild and run in a page), median of
 * several runs each. Targets: evaluation < 1 ms, Monte Carlo < 250 ms in the browser.
 */
import { build } from "esbuild";
import { defaultInputs, evaluate } from "../lib/core/tco/model";
import { monteCarlo } from "../lib/core/tco/uncertainty";
import { median } from "../lib/core/measure/stats";
import { launchBrowser } from "../harness/browser";

function time(fn: () => void, n: number): number {
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function main() {
  const i = defaultInputs();
  for (let k = 0; k < 1000; k++) evaluate(i); // warm-up
  const evalMs = time(() => {
    for (let k = 0; k < 1000; k++) evaluate({ ...i, offloadShare: k / 1000 });
  }, 5) / 1000;
  const mcNodeMs = time(() => monteCarlo(i, 10_000, 1), 5);

  const bundle = await build({
    stdin: { contents: `import { monteCarlo } from "./lib/core/tco/uncertainty"; import { defaultInputs } from "./lib/core/tco/model"; window.tw = { monteCarlo, defaultInputs };`, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    format: "iife",
    write: false,
  });
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.setContent("<html><body></body></html>");
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const browserMs = await page.evaluate(() => {
    const tw = (window as unknown as { tw: { monteCarlo: (i: unknown, d: number, s: number) => unknown; defaultInputs: () => unknown } }).tw;
    const xs: number[] = [];
    for (let k = 0; k < 6; k++) {
      const t = performance.now();
      tw.monteCarlo(tw.defaultInputs(), 10_000, k + 1);
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    return (xs[2]! + xs[3]!) / 2;
  });
  await browser.close();
  console.log("| measure | median | target |\n|---|---:|---:|");
  console.log(`| one scenario evaluation (Node) | ${(evalMs * 1000).toFixed(2)} µs | < 1 ms |`);
  console.log(`| Monte Carlo, 10,000 draws (Node) | ${mcNodeMs.toFixed(1)} ms | |`);
  console.log(`| Monte Carlo, 10,000 draws (headless Chromium) | ${browserMs.toFixed(1)} ms | < 250 ms |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
