/**
 * Two server processes (node:cluster workers, TOKENWATT_WORKERS=2; a public server) on one PostgreSQL database: a
 * token's upload budget is one budget whichever process answers (each request on a connection of its
 * own, so the cluster hands them out in turn), and both processes serve the same data. Each keeps its own
 * public page cache; a publish through either process, or straight on the database with the CLI,
 * reaches both at their next request (the version row in PostgreSQL).
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../harness/browser";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { createPostgresDatabase } from "../../harness/postgres";

/** A GET on a fresh connection: status, cache verdict, ETag and body. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; cache: string; etag: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, cache: String(res.headers["x-tokenwatt-cache"]), etag: String(res.headers.etag), body }));
      })
      .on("error", reject);
  });
}

/** A POST on a fresh connection (no keep-alive): the cluster balances connections, not requests. */
function post(url: string, token: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: "POST", agent: false, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(data);
  });
}

describe("two server processes on one database", () => {
  let srv: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    srv = await startServer({ DATABASE_URL: db.url, TOKENWATT_WORKERS: "2", TOKENWATT_PUBLIC: "1", TOKENWATT_RATE_LIMIT_BURST: "5", TOKENWATT_RATE_LIMIT_PER_MIN: "1" });
  }, 300_000);
  afterAll(async () => {
    await srv?.stop();
    await drop?.();
  });

  it("share one rate limit per token: 5 uploads of 12 accepted, not 5 per process", async () => {
    expect(srv.output()).toContain("2 workers");
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "two-proc"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await post(`${srv.url}/api/v1/submissions`, token, makeSubmission({ workloads: 1 })));
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    // Both processes read the same rows: an admin lists the 5 stored.
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "two-proc-admin", "--role", "admin"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const r = await fetch(`${srv.url}/api/v1/results?limit=100`, { headers: { authorization: `Bearer ${admin}` } });
    expect((await r.json()).results).toHaveLength(5);
  }, 120_000);

  it("cache anonymous pages per process and drop them on a publish from either process or the CLI", async () => {
    const board = `${srv.url}/leaderboard`;
    // Nothing published yet: both processes render once, then serve from memory.
    const before = [];
    for (let i = 0; i < 6; i++) before.push(await get(board));
    expect(before.every((r) => r.status === 200 && r.body.includes("No published results match"))).toBe(true);
    expect(before.filter((r) => r.cache === "miss").length).toBeLessThanOrEqual(2);
    expect(before.filter((r) => r.cache === "hit").length).toBeGreaterThanOrEqual(4);
    // A browser or CDN asking with the page's ETag gets 304 without a render.
    const etag0 = before[0]!.etag;
    expect((await get(board, { "if-none-match": etag0 })).status).toBe(304);

    // A full run (pp512 and tg128) arrives private, then is published through the API (one of the two processes answers).
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "two-proc-pub", "--role", "admin"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    expect(await post(`${srv.url}/api/v1/submissions`, admin, makeSubmission({ deviceModel: "Cache Probe Device" }))).toBe(201);
    expect((await get(board)).body).not.toContain("Cache Probe Device");
    const pub = await fetch(`${srv.url}/api/v1/admin/publish`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ allPlausible: true, published: true }) });
    expect(pub.status).toBe(200);
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await get(board));
    expect(after.every((r) => r.status === 200 && r.body.includes("Cache Probe Device"))).toBe(true);
    expect(after[0]!.etag).not.toBe(etag0);
    expect(after.filter((r) => r.cache === "miss").length).toBeLessThanOrEqual(2);
    expect((await get(board, { "if-none-match": etag0 })).status).toBe(200);

    // The page shows the form only to who the publish operation lets use it. Anonymous visitors get
    // no form; a contributor signed in with their runner token may hide their own devices only, so
    // gets none on this one (and the API refuses them); a signed-in admin hides the device's runs.
    const deviceId = ((await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json()) as { rows: { deviceId: number; deviceModel: string }[] }).rows.find((r) => r.deviceModel === "Cache Probe Device")!.deviceId;
    const runner = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "two-proc-form", "--contributor", "cleo"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const browser = await launchBrowser();
    const signedIn = async (token: string) => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${srv.url}/signin`);
      await page.getByRole("textbox", { name: "Token" }).fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname !== "/signin");
      await page.goto(`${srv.url}/devices/${deviceId}`);
      return page;
    };
    try {
      const anonymous = await browser.newPage();
      await anonymous.goto(`${srv.url}/devices/${deviceId}`);
      expect(await anonymous.getByRole("form", { name: "Publish or hide this device's runs" }).count()).toBe(0);
      let page = await signedIn(runner);
      expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
      expect(await page.getByRole("form", { name: "Publish or hide this device's runs" }).count()).toBe(0);
      const api = await fetch(`${srv.url}/api/v1/admin/publish`, { method: "POST", headers: { authorization: `Bearer ${runner}`, "content-type": "application/json" }, body: JSON.stringify({ deviceIds: [deviceId], published: false }) });
      expect(((await api.json()) as { error: { message: string } }).error.message).toBe("this device belongs to another contributor (or to no contributor): only they or an admin may do this");
      page = await signedIn(admin);
      const form = page.getByRole("form", { name: "Publish or hide this device's runs" });
      await form.getByRole("button", { name: "Hide this device's runs" }).click();
      // Hidden: on a public server the device's page is gone with its last published run, and the
      // public API no longer lists it.
      const listed = async () => ((await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json()) as { rows: { deviceId: number }[] }).rows.some((r) => r.deviceId === deviceId);
      for (let i = 0; i < 100 && (await listed()); i++) await new Promise((r) => setTimeout(r, 200));
      expect(await listed()).toBe(false);
    } finally {
      await browser.close();
    }
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--all"], { env: srv.env, encoding: "utf8" });

    // Hide with the CLI, straight on the database: no server process is told, both see it.
    execFileSync(process.execPath, ["bin/tokenwatt.mjs", "publish", "--all", "--hide"], { env: srv.env, encoding: "utf8" });
    const hidden = [];
    for (let i = 0; i < 4; i++) hidden.push(await get(board));
    expect(hidden.every((r) => !r.body.includes("Cache Probe Device"))).toBe(true);
    // Client navigation (RSC requests) is never served from the page cache.
    expect((await get(board, { rsc: "1" })).cache).toBe("undefined");
  }, 120_000);
});
