/**
 * Pages of rows end to end (issue 32 items 3 and 5): the leaderboard, a device's runs and its
 * timeline render a page at a time with their totals; page 2 holds the next rows; a page that is not
 * a number or past the last is answered with the page and a note, never an error.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";

/** Screenshots when asked (SHOTS_DIR=/tmp/keep/shots), at phone and desktop widths. */
async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `pages-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const LONG_RUNS = 53;
const EXTRA_MODELS = 7;
const OTHER_DEVICES = 43;
/** The device's runs: the long timeline's and two of each extra model. */
const DEVICE_RUNS = LONG_RUNS + 2 * EXTRA_MODELS;
/** Rows on the default board: the long box's models and the other devices. */
const BOARD_ROWS = 1 + EXTRA_MODELS + OTHER_DEVICES;

describe("pages of rows (Chromium)", () => {
  let srv: RunningServer;
  let browser: Browser;
  let deviceId = 0;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "pages-runner"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const post = async (s: object) => {
      const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
      expect(r.status).toBe(201);
    };
    // One device with 53 runs a day apart (a long timeline), and 43 other devices: with the extra models below, 51 rows on the board.
    for (let i = 0; i < LONG_RUNS; i++) {
      const s = makeSubmission({ workloads: 2, deviceModel: "Long Timeline Box" }) as any;
      s.startedAt = new Date(Date.UTC(2026, 8, 1 + i, 10)).toISOString();
      s.finishedAt = new Date(Date.UTC(2026, 8, 1 + i, 10, 5)).toISOString();
      for (const w of s.workloads) scaleSpeed(w, 1 + 0.02 * Math.sin(i));
      await post(s);
    }
    // Seven more models on the same device, two runs each in August: 16 timeline series, more than the 12 drawn.
    for (let k = 0; k < EXTRA_MODELS; k++) {
      for (let j = 0; j < 2; j++) {
        const s = makeSubmission({ workloads: 2, deviceModel: "Long Timeline Box" }) as any;
        s.model = { ...s.model, name: `Extra Model ${k}`, fileBytes: s.model.fileBytes + k + 1, sha256: null };
        s.startedAt = new Date(Date.UTC(2026, 7, 1 + 2 * k + j, 10)).toISOString();
        s.finishedAt = new Date(Date.UTC(2026, 7, 1 + 2 * k + j, 10, 5)).toISOString();
        await post(s);
      }
    }
    for (let i = 0; i < OTHER_DEVICES; i++) await post(makeSubmission({ workloads: 2, deviceModel: `Board Box ${String(i).padStart(2, "0")}` }));
    const html = await (await fetch(`${srv.url}/search?q=Long%20Timeline%20Box`, { headers: { cookie: srv.ownerCookie } })).text();
    deviceId = Number(/href="\/devices\/(\d+)"/.exec(html)?.[1] ?? 0);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("a device with 67 runs lists 50 and pages to the rest; its long timeline draws the newest 50 and counts the older 3", async () => {
    const page = await srv.ownerPage(browser);
    if (!deviceId) {
      await page.goto(`${srv.url}/search?q=Long%20Timeline%20Box`);
      deviceId = Number(/\/devices\/(\d+)/.exec((await page.getByRole("link", { name: "Long Timeline Box" }).first().getAttribute("href")) ?? "")?.[1]);
    }
    await page.goto(`${srv.url}/devices/${deviceId}`);
    expect(await page.getByTestId("device-runs").locator("tbody tr").count()).toBe(50);
    expect(await page.getByTestId("device-runs-pager").innerText()).toContain(`runs 1–50 of ${DEVICE_RUNS}`);
    const older = await page.getByTestId("timeline-older").allInnerTexts();
    expect(older.length).toBeGreaterThan(0);
    for (const t of older) expect(t).toMatch(/The newest 50 runs are drawn; 3 older runs \(2026-09-01 to 2026-09-03\) had a median of [\d.]+ t\/s\./);
    await shoot(page, "device");
    const first = await page.getByTestId("device-runs").locator("tbody tr").first().innerText();
    await page.getByTestId("device-runs-pager").getByRole("link", { name: "Next →" }).click();
    await page.waitForURL(/page=2/);
    expect(await page.getByTestId("device-runs").locator("tbody tr").count()).toBe(DEVICE_RUNS - 50);
    expect(await page.getByTestId("device-runs").locator("tbody tr").first().innerText()).not.toBe(first);
    // Oldest last: the run of 1 September is on page 2.
    expect(await page.getByTestId("device-runs").innerText()).toContain("2026-09-01 10:00");
  });

  it("the timeline draws the 12 series with the newest runs and lists the other 4; a listed one is drawn on request", async () => {
    const page = await srv.ownerPage(browser);
    await page.goto(`${srv.url}/devices/${deviceId}`);
    const drawn = page.getByTestId("timeline").locator("h3");
    const others = page.getByTestId("timeline-others").locator("li");
    // 16 series: 12 drawn (plus the list's own heading), the 4 with the oldest runs (Extra Model 0 and 1, each pp512 and tg128) listed.
    expect(await others.count()).toBe(4);
    expect(await drawn.count()).toBe(12 + 1);
    const listed = await others.allInnerTexts();
    expect(listed.every((t) => /^Extra Model [01] /.test(t) && /: 2 runs, newest 2026-08-0[1-4] at [\d.]+ t\/s$/.test(t))).toBe(true);
    await shoot(page, "device-series");
    const first = others.first().getByRole("link");
    const title = await first.innerText();
    await first.click();
    await page.waitForURL(/series=/);
    expect(await drawn.allInnerTexts()).toContain(title);
    expect(await others.count()).toBe(3);
  });

  it("a bad or past-the-end page is the page with a note, never an error", async () => {
    const page = await srv.ownerPage(browser);
    for (const [q, note, rows] of [
      ["page=abc", /"abc" is not a page number \(1 to 2\); showing page 1\./, 50],
      ["page=99", /Page 99 is past the last page \(2\); showing page 2\./, DEVICE_RUNS - 50],
      ["page=0", /"0" is not a page number/, 50],
    ] as const) {
      const res = await page.goto(`${srv.url}/devices/${deviceId}?${q}`);
      expect(res!.status()).toBe(200);
      expect(await page.getByTestId("page-note").innerText()).toMatch(note);
      expect(await page.getByTestId("device-runs").locator("tbody tr").count()).toBe(rows);
    }
    const home = await page.goto(`${srv.url}/?before=x`);
    expect(home!.status()).toBe(200);
    expect(await page.getByTestId("page-note").innerText()).toContain("showing the newest results");
  });

  it("the leaderboard shows 50 rows a page; page 2 holds row 51; a bad page keeps the filters", async () => {
    const page = await srv.ownerPage(browser);
    const board = `${srv.url}/leaderboard?private=1&pp=pp512&tg=tg128`;
    await page.goto(board);
    expect(await page.getByTestId("leaderboard").locator("tbody tr").count()).toBe(50);
    expect(await page.getByTestId("leaderboard-pager").innerText()).toContain(`rows 1–50 of ${BOARD_ROWS}`);
    await shoot(page, "leaderboard");
    const page1 = await page.getByTestId("leaderboard").locator("tbody tr td.rank, tbody tr .rank").allInnerTexts();
    await page.getByTestId("leaderboard-pager").getByRole("link", { name: "Next →" }).click();
    await page.waitForURL(/page=2/);
    expect(page.url()).toContain("private=1");
    const rows = page.getByTestId("leaderboard").locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toMatch(/^\s*51\b/);
    expect(page1.at(-1)?.trim()).toBe("50");
    const bad = await page.goto(`${board}&page=-3`);
    expect(bad!.status()).toBe(200);
    expect(await page.getByTestId("page-note").innerText()).toContain("not a page number");
    expect(await page.getByTestId("leaderboard").locator("tbody tr").count()).toBe(50);
    // The API pages too, and refuses a page that is not one.
    expect((await fetch(`${srv.url}/api/v1/public/leaderboard?page=0`)).status).toBe(400);
  });
});
