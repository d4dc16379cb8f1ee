import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";

describe("app end to end (embedded database)", () => {
  let srv: RunningServer;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    // The CLI talks to the running server's embedded database over its socket.
    const out = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "e2e-runner"], {
      env: srv.env,
      encoding: "utf8",
    });
    token = out.trim().split("\n").pop()!;
    expect(token).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("health answers 200 with the database kind", async () => {
    const r = await fetch(`${srv.url}/api/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok", database: "pglite" });
  });

  it("shows an empty state before any result", async () => {
    const page = await srv!.ownerPage(browser);
    await page.goto(srv.url);
    await expect(page.getByText("No results yet").isVisible()).resolves.toBe(true);
    await page.close();
  });

  it("ingests over HTTP and lists the result on the page", async () => {
    const s = makeSubmission({ workloads: 3, deviceModel: "E2E Laptop" });
    const post = () =>
      fetch(`${srv.url}/api/v1/submissions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(s),
      });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(200);
    const unauth = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", body: "{}" });
    expect(unauth.status).toBe(401);
    const huge = await fetch(`${srv.url}/api/v1/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "x".repeat(1_200_000),
    });
    expect(huge.status).toBe(413);

    const page = await srv!.ownerPage(browser);
    await page.goto(srv.url);
    // The results table (the home chart above it has a table of its bars).
    const results = page.locator("table", { has: page.locator("caption", { hasText: "most recent workload results" }) });
    await expect(results.locator("tbody tr").count()).resolves.toBe(3);
    const text = await results.innerText();
    expect(text).toContain("E2E Laptop");
    expect(text).toContain("tg128");
    expect(text).toContain("synthetic weights");
    await page.close();

    // private until published: the anonymous API lists nothing, an admin sees the 3 rows
    const anon = await fetch(`${srv.url}/api/v1/results?format=csv`);
    expect((await anon.text()).trim().split("\r\n")).toHaveLength(1);
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "e2e-admin", "--role", "admin"], { env: srv.env, encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!;
    const csv = await fetch(`${srv.url}/api/v1/results?format=csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect((await csv.text()).trim().split("\r\n")).toHaveLength(4);
  });

  it("revoking through the CLI takes effect immediately (403)", async () => {
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "revoke", "e2e-runner"], { env: srv.env });
    const r = await fetch(`${srv.url}/api/v1/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(makeSubmission()),
    });
    expect(r.status).toBe(403);
  });
});
