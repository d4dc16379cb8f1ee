/**
 * The first five minutes (issue 31 item 4): `npm start` on a fresh data directory serves at once and
 * measures this machine beside the server, with its progress on the owner's home page; the run's
 * row is on the leaderboard with the default filters (pp512, tg128); a failed measurement leaves the
 * server serving and says how to measure again. Then the owner's first hour on that server, in the
 * same test (one measurement of a fresh machine, not two): their private runs compared, a second
 * bench with a sustained run, publishing, renaming and hiding from the browser, the boards, a
 * snapshot, the run's downloads, the compare picker, the docs pages and the badge.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

  it("answers /api/health and the home page during the measurement, then shows the run to its owner, privately, and on the boards once published", { timeout: 600_000 }, async () => {
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
    const progressApi = await fetch(`${srv.url}/api/v1/owner/first-run`, { headers: { cookie: srv.ownerCookie } });
    expect(progressApi.status).toBe(200);
    expect((await progressApi.json()).firstRun.workloads).toEqual(["pp512", "tg128", "ttft"]);
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

    // The row on the leaderboard with the default filters (pp512, tg128): the owner's board at once
    // (published below, after the owner's first look at their private runs). The board pairs the two,
    // so on this fresh server the row needs both; when the gate flagged one (a busy machine), the home
    // page says so and how to measure again.
    await page.goto(`${srv.url}/leaderboard?private=1`);
    if (plausible("pp512") && plausible("tg128")) expect(await page.getByTestId("leaderboard").innerText()).toContain("Tiny-Test");
    else expect(await page.locator("main").innerText()).toContain("No plausible results match.");
    await page.goto(srv.url);
    const text = await results.innerText();
    expect(text).toContain("Tiny-Test");
    expect(text).toContain("synthetic weights");
    if (plausible("tg128")) {
      const chart = page.getByTestId("home-chart");
      await chart.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
      expect(await chart.innerText()).toMatch(/This machine against the others: Tiny-Test .*tg128/);
      expect(await page.getByTestId("next-steps").innerText()).toContain("npx tokenwatt publish --all");
    } else {
      expect(await page.getByTestId("first-run-flagged").innerText()).toContain("flagged by the plausibility gate");
    }

    // Before publishing anything, the owner compares their own machine: private runs, marked.
    const ownDevice = /href="\/devices\/(\d+)"/.exec(await page.content())![1];
    await page.goto(`${srv.url}/compare?devices=${ownDevice}`);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    expect(await page.locator("main table").innerText()).toContain("private");
    await page.getByTestId("published-toggle").click();
    await page.waitForURL(/published=1/);
    expect(await page.locator("main").innerText()).toContain("No published results for these devices.");
    // One more `tokenwatt bench` (with a short sustained run): the device page compares the two runs
    // side by side, still unpublished; the run page draws the sustained chart; the owner's
    // leaderboard shows the private rows with their sustained columns.
    execFileSync(
      process.execPath,
      ["bin/tokenwatt.mjs", "bench", "-m", "synthetic:tiny-test:Q8_0", "-w", "pp128,tg32,ttft,sustained@3s", "-r", "2", "--no-bandwidth", "--idle-seconds", "0", "--temp-command", "echo 51000", "--no-progress"],
      { env: srv.env, stdio: "pipe" },
    );
    await page.goto(`${srv.url}/devices/${ownDevice}`);
    const ticks = page.getByTestId("device-runs").locator('input[type="checkbox"]');
    await expect(ticks.count()).resolves.toBe(2);
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await page.getByRole("button", { name: "Compare the ticked runs" }).click();
    await page.waitForURL(/\/compare\?runs=/);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("runs-lede").innerText()).toMatch(/^2 of 2 run\(s\) side by side/);
    const runsTable = await page.locator("main table").innerText();
    expect(runsTable.match(/ · run [0-9a-f]{8} \(/g)?.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runsTable.match(/run [0-9a-f]{8}/g)).size).toBe(2);
    expect(runsTable).toContain("private");
    await page.goto(`${srv.url}/devices/${ownDevice}?published=1`);
    expect(await page.getByTestId("device-runs").locator("tbody tr").count()).toBe(0);
    await page.goto(`${srv.url}/devices/${ownDevice}`);
    const newest = /href="\/runs\/([0-9a-f-]{36})"/.exec(await page.getByTestId("device-runs").innerHTML())![1];
    await page.goto(`${srv.url}/runs/${newest}`);
    const sustained = page.getByTestId("sustained");
    await sustained.locator(".recharts-line-curve").first().waitFor({ timeout: 30_000 });
    expect(await sustained.innerText()).toMatch(/Sustained decoding, 3 intervals of 1 s: peak [\d.,]+ tokens\/s, steady state [\d.,]+ tokens\/s/);
    expect(await page.getByTestId("thermal-start").first().innerText()).toBe("Started at CPU/SoC 51.0 °C (command).");
    // The machine's CPU time while it ran, as the runner measured it (Linux: /proc/stat), kept with the run.
    expect(await page.getByTestId("cpu-load").first().innerText()).toMatch(/^CPU while it ran \(shares of \d+ logical CPUs over [\d.]+ s, \/proc\/stat\): this run \d+%, other processes \d+%, steal \d+%\.$/);
    // The sustained result ranks unless the gate kept it off (a machine busy with other tests, or
    // too noisy, is flagged, never ranked): then its page says why.
    const sustainedRow = ((await page.evaluate(() => fetch("/api/v1/results?workload=sustained@3s").then((r) => r.json()))) as { results: { plausible: boolean; submissionId: string }[] }).results.find((r) => r.submissionId === newest)!;
    if (!sustainedRow.plausible) expect(await page.locator("main").innerText()).toMatch(/sustained@3s[^\n]*\n?[^\n]*(busy|noisy|throttl|physic)/i);
    await page.goto(`${srv.url}/leaderboard?pp=pp128&tg=tg32&sustained=sustained@3s&private=1&view=sustained`);
    const mine = await page.getByTestId("leaderboard").innerText();
    expect(mine).toContain("private");
    if (sustainedRow.plausible) expect(mine).toMatch(/×[\d.]+ \((no throttling|after \d+ s)\), from 51 °C/);
    await page.getByTestId("private-toggle").click();
    await page.waitForURL((u) => !u.search.includes("private=1"));
    expect(await page.locator("main").innerText()).toContain("No published results match.");
    // Publishing from the browser, with the CLI's rules: a run from its page, a device from its page.
    await page.goto(srv.url);
    const ownRun = /href="\/runs\/([0-9a-f-]{36})"/.exec(await page.content())![1];
    await page.goto(`${srv.url}/runs/${ownRun}`);
    await page.getByRole("button", { name: "Publish this run" }).click();
    await expect(page.getByTestId("publish-message").innerText()).resolves.toContain("Published: this run");
    expect((await (await fetch(`${srv.url}/api/v1/results`)).json()).results.length).toBeGreaterThan(0);
    await page.goto(`${srv.url}/devices/${ownDevice}`);
    await page.getByLabel("Name", { exact: true }).fill("Bench box 1");
    await page.getByRole("button", { name: "Rename" }).click();
    await expect(page.getByTestId("rename-message").innerText()).resolves.toBe('Renamed to "Bench box 1".');
    await page.reload();
    expect(await page.locator("h1").innerText()).toBe("Bench box 1");
    await page.getByLabel("Name", { exact: true }).fill("x".repeat(101));
    await page.getByRole("button", { name: "Rename" }).click();
    await expect(page.getByTestId("rename-message").innerText()).resolves.toMatch(/^name: .*at most 100 characters/);
    await page.goto(`${srv.url}/devices/${ownDevice}`);
    await page.getByRole("button", { name: "Hide this device's runs" }).click();
    await expect(page.getByTestId("publish-message").innerText()).resolves.toMatch(/Hidden: 1 run\(s\) of this device/);
    expect((await (await fetch(`${srv.url}/api/v1/results`)).json()).results).toEqual([]);
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--all"], { env: srv.env });
    const api = await (await fetch(`${srv.url}/api/v1/results`)).json();
    // Both runs: the first run's three workloads and the second bench's four.
    expect(api.results).toHaveLength(7);
    await page.goto(`${srv.url}/leaderboard?pp=pp128&tg=tg32`);
    const board = await page.getByTestId("leaderboard").innerText();
    expect(board).toContain("Tiny-Test");
    expect(board).toContain("synthetic weights");
    // Rank, device, model, then the figure it is ranked by, in view at 1280 px without scrolling.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1280, height: 900 });
    const table = page.getByTestId("leaderboard");
    expect((await table.locator("thead th").allInnerTexts()).slice(0, 4)).toEqual(["Rank", "Device", "Model", "Generation t/s ▼"]);
    expect(await table.locator("tbody tr").first().locator("td.rank").innerText()).toBe("1");
    const sortedBox = (await table.locator("tbody tr").first().locator("td.sorted").boundingBox())!;
    expect(sortedBox.x + sortedBox.width).toBeLessThanOrEqual(1280);
    // At a phone's width each row is a card: rank, device and the ranked figure, all on screen.
    await page.setViewportSize({ width: 390, height: 900 });
    const card = table.locator("tbody tr").first();
    for (const cell of ["td.rank", "td.device", "td.sorted"]) {
      const box = (await card.locator(cell).boundingBox())!;
      expect(box.width).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(await card.locator("td.sorted").innerText()).toMatch(/^[\d.,]+/);
    if (viewport) await page.setViewportSize(viewport);
    // The column picker's checkboxes repeat `cols`; the board shows those columns after the ranked one.
    await page.goto(`${srv.url}/leaderboard?pp=pp128&tg=tg32&cols=quant&cols=engine`);
    expect(await page.getByTestId("leaderboard").locator("thead th").allInnerTexts()).toEqual(["Rank", "Device", "Model", "Generation t/s ▼", "Quant", "Engine"]);
    expect((await fetch(`${srv.url}/api/v1/public/leaderboard?view=fastest`)).status).toBe(400);

    const snapDir = `${srv.dataDir}/snapshot`;
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "snapshot", "--out", snapDir, "--pp", "pp128", "--tg", "tg32"], { env: srv.env });
    const snap = JSON.parse(readFileSync(`${snapDir}/leaderboard.json`, "utf8"));
    expect(snap.schemaVersion).toBe(1);
    expect(snap.rows).toHaveLength(1);
    expect(readFileSync(`${snapDir}/index.html`, "utf8")).toContain("Tiny-Test (synthetic weights)");

    // The first run (the npm start one: idle power measured, the default board's workloads).
    const { deviceId, submissionId } = api.results.find((r: { workloadId: string }) => r.workloadId === "pp512");
    await page.goto(`${srv.url}/runs/${submissionId}`);
    const run = await page.locator("main").innerText();
    // Plausible, unless the machine was busy with other tests while it measured: then the gate says
    // so on the workloads it flagged (never a silent pass, never a physics flag on an honest run).
    if (!run.includes("plausible")) {
      expect(run).toMatch(/\d+ of \d+ workloads flagged/);
      expect(run).toMatch(/busy machine|noisy/);
      expect(run).not.toMatch(/faster than this device can be|model layout disputed|beyond any device/);
    }
    expect(run).toContain("Raw samples");
    // The run's own downloads, for the owner's browser (its session): the CSV of this run's results.
    const csvHref = await page.getByTestId("run-downloads").getByRole("link", { name: "CSV", exact: true }).first().getAttribute("href");
    const csv = await page.evaluate((href) => fetch(href!).then((r) => r.text()), csvHref);
    expect(csv.split("\r\n")[0]).toMatch(/^id,submissionId,workloadId,/);
    expect(csv).toContain(submissionId);
    // No sensor on this machine: CPU energy is modelled from measured utilisation, labelled, with its range.
    expect(run).toMatch(/Idle power\s+modelled:cpu: [\d.]+ W \(estimated, package, modelled\)/);
    expect(run).toMatch(/energy per token: ≈[\d.]+ J \(package, modelled, range [\d.]+–[\d.]+\)/);
    await page.goto(`${srv.url}/devices/${deviceId}`);
    expect(await page.getByTestId("device-runs").locator("tbody tr").count()).toBe(2);
    await page.goto(`${srv.url}/compare?devices=${deviceId}`);
    // recharts draws after hydration: wait for the first bar instead of counting at once
    await page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    expect(await page.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);
    // An empty chart says why: this machine's energy is a modelled estimate, never charted as measured.
    expect(await page.getByTestId("empty-chart").first().innerText()).toContain("No energy per token in these results");
    // Without devices: a picker of the devices with results; picking one compares it.
    await page.goto(`${srv.url}/compare`);
    const picker = page.getByTestId("compare-picker");
    await picker.locator(`input[value="${deviceId}"]`).check();
    await picker.getByRole("button", { name: "Compare" }).click();
    await page.waitForURL(new RegExp(`/compare\\?device=${deviceId}`));
    await page.locator(".recharts-bar-rectangle").first().waitFor({ timeout: 30_000 });
    // The topic pages in the app, from the same files as docs/: links between them stay in the app.
    await page.goto(`${srv.url}/docs/methodology`);
    expect(await page.getByTestId("doc").innerText()).toContain("One statistic per figure");
    await page.getByTestId("doc").getByRole("link", { name: "plausibility.md" }).first().click();
    await page.waitForURL(/\/docs\/plausibility$/);
    expect((await page.goto(`${srv.url}/docs/..%2Fpackage`))!.status()).toBe(404);
    await page.goto(`${srv.url}/compare?devices=abc`);
    expect(await page.locator("main").innerText()).toContain("1 to 4 device ids");
    expect((await page.goto(`${srv.url}/runs/not-a-run`))!.status()).toBe(404);
    const badge = await fetch(`${srv.url}/api/v1/public/badge/device/${deviceId}`);
    expect(badge.headers.get("content-type")).toContain("image/svg+xml");
    expect(await badge.text()).toMatch(/tg\d+|no published result/);
    // tokens/s for throughput workloads; ttft is a latency with no tokens/s figure
    expect(api.results.every((r: { status: string; workloadId: string; avgTokensPerSec: number | null }) => r.status === "ok" && (r.workloadId === "ttft" ? r.avgTokensPerSec === null : r.avgTokensPerSec! > 0))).toBe(true);

    // Published: the first run's row on the public board with the default filters.
    await page.goto(`${srv.url}/leaderboard`);
    if (plausible("pp512") && plausible("tg128")) {
      const defaultBoard = await page.getByTestId("leaderboard").innerText();
      expect(defaultBoard).toContain("Tiny-Test");
      expect(defaultBoard).toContain("synthetic weights");
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
