/**
 * `npx tsx scripts/screenshots.ts OUT_DIR [PREFIX]`: the visitor's main pages at phone (390 px) and
 * desktop (1280 px) widths, as full-page PNGs `OUT_DIR/PREFIX<page>-<width>.png`, for a person to
 * look at. Needs a build (`next build --webpack`). Starts a public server and an owner-mode server
 * (its header carries more links) on fresh data directories, fills the public one with the recorded
 * run of tests/fixtures/submissions/honest and harness fixtures (devices named "Fixture", synthetic
 * weights: test inputs, never results), publishes them, and stops both servers at the end.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser } from "../harness/browser";
import { makeServerRun, makeSubmission, makeSustainedRun } from "../harness/fixtures";
import { startServer, type RunningServer } from "../harness/server";

const [outDir, prefix = ""] = process.argv.slice(2);
if (!outDir) throw new Error("usage: tsx scripts/screenshots.ts OUT_DIR [PREFIX]");
const WIDTHS = [390, 1280] as const;

const token = (srv: RunningServer, ...args: string[]) => execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", ...args], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;

async function fill(srv: RunningServer): Promise<{ device: number; model: number; run: string }> {
  const admin = { authorization: `Bearer ${token(srv, "--name", "shots-admin", "--role", "admin")}`, "content-type": "application/json" };
  const recorded = JSON.parse(fs.readFileSync("tests/fixtures/submissions/honest/llama-3.2-1b-q4_0-2-core-vm.json", "utf8"));
  const qwen = makeSubmission({ workloads: 5, deviceModel: "Desk Tower" });
  qwen.model = { ...qwen.model, name: "Qwen2.5-0.5B-Instruct", family: "qwen2", parameterCount: 494_032_768, quantization: "Q8_0", fileBytes: 531_000_000 };
  const runs = [
    recorded,
    makeSubmission({ workloads: 5, deviceModel: "Visitor Laptop" }),
    makeSubmission({ workloads: 5, deviceModel: "Desk Tower" }),
    qwen,
    makeServerRun({ 1: 0.5, 8: 0.2 }),
    makeSustainedRun({ peak: 40, steady: 22.6, throttleAtS: 24, deviceModel: "Pocket Phone" }),
  ];
  for (const s of runs) {
    const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: admin, body: JSON.stringify(s) });
    if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`);
  }
  const pub = await fetch(`${srv.url}/api/v1/admin/publish`, { method: "POST", headers: admin, body: JSON.stringify({ allPlausible: true, published: true }) });
  if (!pub.ok) throw new Error(`publish: ${pub.status} ${await pub.text()}`);
  const rows = (await (await fetch(`${srv.url}/api/v1/results?limit=100`, { headers: admin })).json()).results as { submissionId: string; deviceId: number }[];
  const device = rows.find((r) => r.submissionId === runs[1]!.submissionId)!.deviceId;
  // The model of most devices: the fixtures' (the recorded run's model is measured on one device only).
  const board = (await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json()).rows as { deviceId: number; modelId: number }[];
  const model = board.find((r) => r.deviceId === device)!.modelId;
  return { device, model, run: recorded.submissionId as string };
}

async function shoot(page: Page, url: string, name: string, width: number) {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  // Charts draw after hydration (recharts measures its container first).
  await page.waitForTimeout(300);
  const file = path.join(outDir!, `${prefix}${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // Whatever sticks out past the viewport's width makes the page scroll sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const header = await page.evaluate(() => Math.round(document.querySelector(".site-header")!.getBoundingClientRect().height));
  // Tables wider than their frame hide columns behind a sideways scroll.
  const scrolling = await page.evaluate(() => [...document.querySelectorAll(".table-wrap")].map((w) => w.scrollWidth - w.clientWidth).filter((px) => px > 0));
  console.log(`${file}: header ${header} px high${overflow > 0 ? `, page ${overflow} px wider than the viewport` : ""}${scrolling.length ? `, tables wider than their frame by ${scrolling.join(", ")} px (they scroll sideways)` : ""}`);
}

const [pub, own] = await Promise.all([startServer({ TOKENWATT_PUBLIC: "1" }), startServer()]);
const browser = await launchBrowser();
try {
  fs.mkdirSync(outDir, { recursive: true });
  const ids = await fill(pub);
  const pages: [string, string][] = [
    ["/", "home"],
    ["/leaderboard", "leaderboard"],
    [`/models/${ids.model}`, "model"],
    ["/search?q=fixture", "search"],
    ["/compare", "compare"],
    [`/devices/${ids.device}`, "device"],
    [`/runs/${ids.run}`, "run"],
  ];
  const page = await browser.newPage();
  for (const width of WIDTHS) for (const [p, name] of pages) await shoot(page, `${pub.url}${p}`, name, width);
  await page.close();
  const owner = await own.ownerPage(browser);
  for (const width of WIDTHS) await shoot(owner, `${own.url}/`, "owner-home", width);
  await owner.close();
} finally {
  await browser.close();
  await Promise.all([pub.stop(), own.stop()]);
}
