/**
 * The review queue in a browser (issue 30 "done when"): on a public server a contributor's runs wait
 * in the queue, off every public page; a reviewer signs in with an admin token, publishes one (it
 * ranks on the leaderboard) and rejects the other with a reason; the contributor signs in with their
 * runner token and reads the reason. Anonymous visitors see no review controls, and pages seen signed
 * in never reach the public page cache.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { axeViolations, launchBrowser } from "../../harness/browser";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";

describe("review queue in Chromium on a public server", () => {
  let srv: RunningServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const ids = { kept: "", refused: "" };
  const tokenwatt = (...args: string[]) => execFileSync(process.execPath, ["bin/tokenwatt.mjs", ...args], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
  const upload = async (deviceModel: string, token = tokens.ana) => {
    const s = makeSubmission({ deviceModel });
    const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
    expect(r.status).toBe(201);
    return s.submissionId;
  };
  const signIn = async (token: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${srv.url}/signin`);
    await page.getByRole("textbox", { name: "Token" }).fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname !== "/signin");
    return page;
  };

  beforeAll(async () => {
    srv = await startServer({ TOKENWATT_PUBLIC: "1" });
    browser = await launchBrowser();
    tokens.ana = tokenwatt("token", "create", "--name", "ana-laptop", "--contributor", "ana");
    tokens.admin = tokenwatt("token", "create", "--name", "reviewer", "--role", "admin");
    ids.kept = await upload("Ana Kept Laptop");
    ids.refused = await upload("Ana Refused Laptop");
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("keeps pending runs off public pages and shows anonymous visitors no review controls", async () => {
    const board = await (await fetch(`${srv.url}/leaderboard`)).text();
    expect(board).not.toContain("Ana Kept Laptop");
    const page = await browser.newPage();
    await page.goto(`${srv.url}/review`);
    await expect(page.getByRole("link", { name: "Sign in" }).first().isVisible()).resolves.toBe(true);
    expect(await page.getByRole("button", { name: /Publish|Reject/ }).count()).toBe(0);
    expect(await page.content()).not.toContain("Ana Kept Laptop");
    await page.close();
  }, 60_000);

  it("refuses a token it does not know, with a clear message", async () => {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/signin`);
    await page.getByRole("textbox", { name: "Token" }).fill("tw_not-a-token-of-this-server");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signin-message").filter({ hasText: "knows no such token" }).waitFor()).resolves.toBeUndefined();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it("lets a reviewer publish one run (it ranks) and reject the other with a reason", async () => {
    const page = await signIn(tokens.admin!);
    expect(new URL(page.url()).pathname).toBe("/review");
    const entries = page.getByTestId("review-entry");
    expect(await entries.count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    const kept = entries.filter({ hasText: "Ana Kept Laptop" });
    expect(await kept.getByRole("table").textContent()).toContain("pp512");
    await kept.getByRole("button", { name: "Publish" }).click();
    await page.getByTestId("review-message").filter({ hasText: "it ranks now" }).waitFor();
    expect(await page.getByTestId("review-entry").count()).toBe(1);
    // A rejection without a reason is refused by the server too (the browser's own check bypassed).
    const refused = page.getByTestId("review-entry").filter({ hasText: "Ana Refused Laptop" });
    await refused.locator("textarea").evaluate((t) => t.removeAttribute("required"));
    await refused.locator("textarea").evaluate((t) => t.removeAttribute("minlength"));
    await refused.locator("textarea").fill("short");
    await refused.getByRole("button", { name: "Reject" }).click();
    await page.getByTestId("review-error").waitFor();
    expect(await page.getByTestId("review-entry").count()).toBe(1);
    await page.getByTestId("review-entry").locator("textarea").fill("Generation is 3x every other device's median: rerun with the machine idle.");
    await page.getByTestId("review-entry").getByRole("button", { name: "Reject" }).click();
    await page.getByTestId("review-message").filter({ hasText: "Rejected" }).waitFor();
    await page.getByTestId("review-empty").waitFor();
    // The published run ranks; the rejected one does not.
    const board = await (await fetch(`${srv.url}/leaderboard`)).text();
    expect(board).toContain("Ana Kept Laptop");
    expect(board).not.toContain("Ana Refused Laptop");
    // The reviewer's pages are never the cache's: an anonymous visitor gets no Review link.
    await page.goto(`${srv.url}/leaderboard`);
    expect(await page.getByRole("link", { name: "Review" }).count()).toBe(1);
    const anonymous = await fetch(`${srv.url}/leaderboard`);
    expect(await anonymous.text()).not.toContain('href="/review"');
    await page.context().close();
  }, 120_000);

  it("shows the contributor the rejection's reason and the published run", async () => {
    const page = await signIn(tokens.ana!);
    expect(new URL(page.url()).pathname).toBe("/my-runs");
    const table = page.getByTestId("my-runs");
    await table.waitFor();
    expect(await table.textContent()).toContain("rerun with the machine idle");
    expect(await axeViolations(page)).toEqual([]);
    expect(await table.getByRole("link", { name: "published" }).getAttribute("href")).toBe(`/runs/${ids.kept}`);
    // A contributor may not review.
    await page.goto(`${srv.url}/review`);
    expect(await page.getByRole("button", { name: "Publish" }).count()).toBe(0);
    // Signed out, the session is gone for good.
    await page.goto(`${srv.url}/my-runs`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await page.goto(`${srv.url}/my-runs`);
    expect(await page.getByTestId("my-runs").count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it("shows a contributor the rename and hide forms on their own device and run only, an admin on everyone's", async () => {
    tokens.bob = tokenwatt("token", "create", "--name", "bob-desktop", "--contributor", "bob");
    const bobRun = await upload("Bob Desktop", tokens.bob);
    const admin = { authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" };
    expect((await fetch(`${srv.url}/api/v1/admin/publish`, { method: "POST", headers: admin, body: JSON.stringify({ submissionIds: [bobRun], published: true }) })).status).toBe(200);
    const rows = (await (await fetch(`${srv.url}/api/v1/results?limit=100`, { headers: admin })).json()).results as { submissionId: string; deviceId: number }[];
    const deviceOf = (run: string) => rows.find((r) => r.submissionId === run)!.deviceId;
    const [anaDevice, bobDevice] = [deviceOf(ids.kept), deviceOf(bobRun)];
    expect(anaDevice).not.toBe(bobDevice);
    // The controls a page shows: the rename form, and the Hide and Publish buttons of the publish form.
    const controls = async (page: Page, path: string) => {
      await page.goto(`${srv.url}${path}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      return {
        rename: await page.getByRole("form", { name: "Rename this device" }).count(),
        hide: await page.getByRole("button", { name: /^Hide this/ }).count(),
        publish: await page.getByRole("button", { name: /^Publish this/ }).count(),
      };
    };
    const none = { rename: 0, hide: 0, publish: 0 };

    const ana = await signIn(tokens.ana!);
    expect(await controls(ana, `/devices/${anaDevice}`)).toEqual({ rename: 1, hide: 1, publish: 0 });
    expect(await controls(ana, `/runs/${ids.kept}`)).toEqual({ rename: 0, hide: 1, publish: 0 });
    expect(await controls(ana, `/devices/${bobDevice}`)).toEqual(none);
    expect(await controls(ana, `/runs/${bobRun}`)).toEqual(none);
    // The form she is shown works.
    await controls(ana, `/devices/${anaDevice}`);
    await ana.getByRole("form", { name: "Rename this device" }).getByLabel("Name").fill("Ana's laptop");
    await ana.getByRole("button", { name: "Rename" }).click();
    await expect(ana.getByTestId("rename-message").innerText()).resolves.toBe('Renamed to "Ana\'s laptop".');
    await ana.context().close();

    const reviewer = await signIn(tokens.admin!);
    expect(await controls(reviewer, `/devices/${bobDevice}`)).toEqual({ rename: 1, hide: 1, publish: 0 });
    expect(await controls(reviewer, `/runs/${bobRun}`)).toEqual({ rename: 0, hide: 1, publish: 0 });
    await reviewer.context().close();
  }, 120_000);
});
