/**
 * Search, device summary and score, model page and compare picker end to end in Chromium (issue 31
 * item 2): type in the header's search box, land on a device page with its summary and score, search
 * for a model and land on its page, and reach the compare picker from the results.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";
import { SCORE_REFERENCE } from "../../lib/core/measure/score";

/** Where screenshots go when asked (SHOTS_DIR=/tmp/keep/shots), at phone and desktop widths. */
async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `search-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe("search, device summary and the compare picker (Chromium)", () => {
  let srv: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "search-runner"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    // The score's reference run itself (it scores 1,000), and a device of another name.
    const reference = JSON.parse(fs.readFileSync(SCORE_REFERENCE.source, "utf8"));
    reference.device.name = "Reference EPYC VM";
    for (const s of [reference, makeSubmission({ deviceModel: "Searchable Laptop" })]) {
      const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
      expect(r.status).toBe(201);
    }
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("types in the header's search box, lands on a device page with its summary and score", async () => {
    const page = await srv.ownerPage(browser);
    await page.goto(srv.url);
    const box = page.getByRole("search", { name: "Site search" }).getByRole("searchbox", { name: "Search devices and models" });
    await box.fill("EPYC");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=EPYC$/);
    const devices = page.getByTestId("search-devices");
    expect(await devices.innerText()).toContain("Reference EPYC VM");
    expect(await devices.innerText()).not.toContain("Searchable Laptop");
    await shoot(page, "results");
    await devices.getByRole("link", { name: "Reference EPYC VM" }).click();
    await page.waitForURL(/\/devices\/\d+$/);
    const summary = page.getByTestId("device-summary");
    await summary.waitFor();
    expect(await summary.getByTestId("summary-tg128").innerText()).toMatch(/34\.8 t\/s[\s\S]*Llama-3\.2-1B Q4_0[\s\S]*node-llama-cpp 3\.21\.1 · cpu · 2 threads/);
    expect(await summary.getByTestId("summary-ttft").innerText()).toMatch(/1,023\.6 ms @ 205 tokens/);
    expect(await summary.getByTestId("score-value").innerText()).toBe("1,000");
    await shoot(page, "device");
    // The other device ran the score's model too, but its TTFT prompt is not the reference's: no score, and why.
    await page.goto(`${srv.url}/search?q=searchable`);
    await page.getByTestId("search-devices").getByRole("link", { name: "Searchable Laptop" }).click();
    await page.waitForURL(/\/devices\/\d+$/);
    expect(await page.getByTestId("score-none").innerText()).toMatch(/No score: TTFT measured at \d+ prompt tokens, the reference's at 205/);
    await page.close();
  });

  it("searches a model by name and quantization and lands on its page", async () => {
    const page = await srv.ownerPage(browser);
    await page.goto(`${srv.url}/search`);
    const box = page.getByRole("search", { name: "Search devices and models" }).getByRole("searchbox");
    await box.fill("llama q4_0");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=llama\+q4_0$/);
    // Two files of Llama-3.2-1B Q4_0 (the reference's and the fixture's, of other sizes): two models, told apart by their size.
    const models = page.getByTestId("search-models");
    expect(await models.innerText()).toMatch(/Llama-3\.2-1B Q4_0[\s\S]*731\.4 MiB[\s\S]*Llama-3\.2-1B Q4_0[\s\S]*734\.3 MiB|Llama-3\.2-1B Q4_0[\s\S]*734\.3 MiB[\s\S]*Llama-3\.2-1B Q4_0[\s\S]*731\.4 MiB/);
    await models.locator("tr", { hasText: "731.4 MiB" }).getByRole("link", { name: /Llama-3\.2-1B Q4_0/ }).click();
    await page.waitForURL(/\/models\/\d+$/);
    expect(await page.locator("h1").innerText()).toContain("Llama-3.2-1B Q4_0");
    expect(await page.getByTestId("model-devices").innerText()).toContain("Reference EPYC VM");
    await page.close();
  });

  it("reaches the compare picker from the results, and compares what it found", async () => {
    const page = await srv.ownerPage(browser);
    await page.goto(`${srv.url}/search?q=fixture`);
    expect(await page.getByTestId("search-devices").locator("tbody tr").count()).toBe(1);
    await page.goto(`${srv.url}/search?q=cpu`);
    await page.getByTestId("search-compare").click();
    await page.waitForURL(/\/compare\?devices=\d+,\d+$/);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    await page.goto(`${srv.url}/search?q=cpu`);
    await page.getByRole("link", { name: "compare picker" }).click();
    await page.waitForURL(/\/compare$/);
    expect(await page.getByTestId("compare-picker").innerText()).toContain("Reference EPYC VM");
    await page.close();
  });

  it("answers bad text cleanly: too long, control characters, wildcards literal", async () => {
    const page = await srv.ownerPage(browser);
    for (const [q, want] of [
      ["a".repeat(101), /Not searched: a search is at most 100 characters/],
      ["a%00b", /Not searched: control characters/],
    ] as const) {
      const r = await page.goto(`${srv.url}/search?q=${q}`);
      expect(r!.status()).toBe(200);
      expect(await page.getByTestId("search-problem").innerText()).toMatch(want);
    }
    await page.goto(`${srv.url}/search?q=%25`);
    expect(await page.getByTestId("search-no-devices").innerText()).toContain("No device matches “%”");
    await page.goto(`${srv.url}/search?q=r_zen`);
    expect(await page.getByTestId("search-no-models").isVisible()).toBe(true);
    // The API: the owner's session sees the private runs; a bad text is a 400.
    const api = await page.evaluate(() => fetch("/api/v1/search?q=epyc").then(async (r) => ({ status: r.status, body: await r.json() })));
    expect(api.status).toBe(200);
    expect(api.body.devices.map((d: { name: string }) => d.name)).toEqual(["Reference EPYC VM"]);
    expect((await fetch(`${srv.url}/api/v1/search?q=${"a".repeat(101)}`)).status).toBe(400);
    const openapi = await (await fetch(`${srv.url}/api/v1/openapi.json`)).json();
    expect(Object.keys(openapi.paths)).toContain("/api/v1/search");
    await page.close();
  });
});
