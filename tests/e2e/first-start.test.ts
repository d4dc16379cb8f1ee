/**
 * The first five minutes (issue 31 item 4): `npm start` on a fresh data directory serves at once and
 * measures this machine beside the server, with its progress on the owner's home page; the run's
 * row is on the leaderboard with the default filters (pp512, tg128); a failed measurement leaves the
 * server serving and says how to measure again.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { firstRunStatus, startServer, waitForFirstRun, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";

describe("npm start serves while the first measurement runs", () => {
  let browser: Browser | undefined;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
  });

  it("answers /api/health and the home page during the measurement, then shows the row on the default leaderboard", { timeout: 600_000 }, async () => {
    const t0 = Date.now();
    const srv = await startServer({ TOKENWATT_FIRST_RUN: "1", TOKENWATT_FIRST_RUN_MODEL: "synthetic:tiny-test:Q8_0" });
    servers.push(srv);
    browser = await launchBrowser();
    const healthyAfterMs = Date.now() - t0;
    // Served before the measurement ended (the old start measured first and served minutes later).
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
    // The runner beside the server writes its progress; the home page shows it while it runs.
    const page = await srv.ownerPage(browser);
    for (let i = 0; !firstRunStatus(srv) && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
    const during = firstRunStatus(srv);
    expect(during?.state, "the measurement should still run when the home page is first asked for").toBe("measuring");
    await page.goto(srv.url);
    const progress = page.getByTestId("first-run");
    expect(await progress.innerText()).toMatch(/Measuring this machine: (idle power and memory bandwidth first|workload [1-3] of 3, (pp512|tg128|ttft))/);
    expect(await progress.innerText()).toContain("pp512, tg128, ttft; 3 repetitions each");
    // The progress endpoint: the owner's, read-only; an anonymous caller is refused.
    const mine = await fetch(`${srv.url}/api/v1/owner/first-run`, { headers: { cookie: srv.ownerCookie } });
    expect(mine.status).toBe(200);
    expect((await mine.json()).firstRun.workloads).toEqual(["pp512", "tg128", "ttft"]);
    expect([401, 403]).toContain((await fetch(`${srv.url}/api/v1/owner/first-run`)).status);
    console.log(`[first-start] healthy ${healthyAfterMs} ms after the spawn, measuring meanwhile`);

    // The page asks again by itself and renders the run when it ends.
    const done = await waitForFirstRun(srv);
    expect(done.state).toBe("done");
    await page.getByText("This machine is measured").waitFor({ timeout: 30_000 });
    const results = page.locator("table", { has: page.locator("caption", { hasText: "most recent workload results" }) });
    for (const id of ["pp512", "tg128", "ttft"]) expect(await results.innerText()).toContain(id);
    const rows = (await (await fetch(`${srv.url}/api/v1/results?submission=${done.submissionId}`, { headers: { cookie: srv.ownerCookie } })).json()).results as { workloadId: string; plausible: boolean }[];
    const plausible = (id: string) => rows.some((r) => r.workloadId === id && r.plausible);
    console.log(`[first-start] measured in ${(Date.parse(done.finishedAt!) - Date.parse(done.startedAt)) / 1000} s; plausible: ${rows.map((r) => `${r.workloadId} ${r.plausible}`).join(", ")}`);
    if (plausible("tg128")) {
      // The home chart: this machine measured, beside the reported figure of its size class, labelled so.
      const chartTable = await page.getByTestId("home-chart-table").innerText();
      expect(chartTable).toMatch(/this machine: .*\tTiny-Test Q8_0\tmeasured \(node-llama-cpp cpu\)/);
      expect(chartTable).toMatch(/AMD Radeon RX 570\tgemma3 1B IQ1_S - 1\.5625 bpw\treported \(ollama\/ollama\/issues\/2453, llama-bench ROCm\)\t53\.55 t\/s/);
      expect(chartTable).not.toMatch(/RX 570[^\n]*measured/);
    }

    // The row on the leaderboard with the default filters (pp512, tg128): the owner's board at once,
    // the public board once published. The board pairs the two, so on this fresh server the row needs
    // both; when the gate flagged one (a busy machine), the home page says so and how to measure again.
    await page.goto(`${srv.url}/leaderboard?private=1`);
    if (plausible("pp512") && plausible("tg128")) {
      expect(await page.getByTestId("leaderboard").innerText()).toContain("Tiny-Test");
      execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--all"], { env: srv.env });
      await page.goto(`${srv.url}/leaderboard`);
      const board = await page.getByTestId("leaderboard").innerText();
      expect(board).toContain("Tiny-Test");
      expect(board).toContain("synthetic weights");
    } else {
      expect(await page.locator("main").innerText()).toContain("No plausible results match.");
    }
    if (!rows.every((r) => r.plausible)) {
      await page.goto(srv.url);
      expect(await page.getByTestId("first-run-flagged").innerText()).toMatch(/flagged by the plausibility gate.*npx tokenwatt bench -m synthetic:tiny-test:Q8_0 -w pp512,tg128,ttft -r 3/s);
    }
    await page.close();
    // Measured once.
    expect(srv.output().match(/no results yet: measuring this machine once/g)).toHaveLength(1);
  });

  it("a failed measurement leaves the server serving, and the home page says what failed and how to measure again", { timeout: 300_000 }, async () => {
    const srv = await startServer({ TOKENWATT_FIRST_RUN: "1", TOKENWATT_FIRST_RUN_MODEL: "/nonexistent/model.gguf" });
    servers.push(srv);
    browser ??= await launchBrowser();
    const failed = await waitForFirstRun(srv, 120_000);
    expect(failed.state).toBe("failed");
    expect(failed.submissionId).toBeNull();
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
    const page = await srv.ownerPage(browser);
    await page.goto(srv.url);
    const notice = await page.getByTestId("first-run").innerText();
    expect(notice).toMatch(/The first measurement of this machine failed: .*nonexistent/);
    expect(notice).toContain("npx tokenwatt bench -m /nonexistent/model.gguf -w pp512,tg128,ttft -r 3");
    expect(await page.locator("main").innerText()).toContain("No results yet.");
    await page.close();
  });
});
