import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeServerRun, makeSubmission, makeSustainedRun } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { axeViolations, launchBrowser } from "../../harness/browser";

/**
 * axe-core (WCAG 2.1 A and AA) on every page of the dashboard, with results in it, at desktop and
 * phone widths. Fixture submissions (device "Fixture"), never shown as measured elsewhere.
 */
describe("accessibility of every page (axe-core)", () => {
  let srv: RunningServer;
  let browser: Browser;
  const ids: { run?: string; device?: string; sustained?: string; model?: number } = {};

  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "a11y-runner"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    // A browser run with its WebGPU adapter, placement and fingerprint: the run page's every panel.
    const browserRun = {
      ...makeSubmission({ workloads: 5, deviceModel: "A11y Laptop" }),
      fingerprint: { version: "fp1", promptTokens: 5, tokenIds: Array.from({ length: 32 }, (_, i) => 100 + i) },
      webgpu: {
        adapter: { vendor: "google", architecture: "swiftshader", device: null, description: null, isFallbackAdapter: true },
        features: ["subgroups"],
        limits: { maxBufferSize: 2 ** 30 },
        requestedGpuLayers: 999,
        placement: { modelGpuBytes: 0, modelCpuBytes: 2 ** 27, kvGpuBytes: 0, kvCpuBytes: 2 ** 22 },
        fallbackReason: "the WebGPU adapter (google swiftshader) lacks shader-f16, which llama.cpp's WebGPU backend requires: every layer ran on the CPU (wasm)",
      },
    };
    const sustained = makeSustainedRun({ peak: 40, steady: 22.6, throttleAtS: 24, deviceModel: "A11y Phone" });
    ids.sustained = sustained.submissionId;
    for (const s of [browserRun, makeServerRun({ 1: 0.5, 8: 0.2 }, { deviceClass: "laptop" }), sustained]) {
      const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
      expect(r.status).toBe(201);
      ids.run ??= (s as { submissionId: string }).submissionId;
    }
    // All but the sustained run: the owner's private rows and run comparison are pages too.
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--all"], { env: srv.env });
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--hide", "--submission", sustained.submissionId], { env: srv.env });
    ids.device = (await (await fetch(`${srv.url}/api/v1/results`)).json()).results[0].deviceId;
    ids.model = (await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json()).rows[0].modelId;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("finds no WCAG 2.1 A/AA violation on any page, desktop and phone", async () => {
    const pages = [
      "/",
      "/leaderboard",
      "/leaderboard?private=1&pp=pp512&tg=tg128&sustained=sustained@60s",
      "/leaderboard/browser",
      `/compare?devices=${ids.device}`,
      `/compare?runs=${ids.run},${ids.sustained}`,
      `/devices/${ids.device}`,
      `/devices/${ids.device}?published=1`,
      `/runs/${ids.run}`,
      `/runs/${ids.sustained}`,
      `/models/${ids.model}`,
      "/search?q=fixture",
      "/search?q=no-such-thing",
      `/search?q=${"a".repeat(101)}`,
      "/docs/methodology",
      "/docs/plausibility",
      "/run",
      "/tco",
      "/agents",
      "/review",
      "/signin",
      "/my-runs",
      "/compare?devices=abc",
    ];
    const found: string[] = [];
    for (const width of [1280, 390]) {
      const page = await srv.ownerPage(browser);
      await page.setViewportSize({ width, height: 900 });
      for (const p of pages) {
        await page.goto(`${srv.url}${p}`);
        await page.waitForLoadState("networkidle");
        for (const v of await axeViolations(page)) found.push(`${width}px ${p}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      }
      await page.close();
    }
    expect(found).toEqual([]);
  }, 360_000);
});
