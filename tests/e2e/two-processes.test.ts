/**
 * Two server processes (node:cluster workers, TOKENWATT_WORKERS=2; a public server) on one PostgreSQL database: a
 * token's upload budget is one budget whichever process answers (each request on a connection of its
 * own, so the cluster hands them out in turn), and both processes serve the same data.
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSubmission } from "../helpers/fixtures";
import { startServer, type RunningServer } from "../helpers/server";
import { createPostgresDatabase } from "../helpers/db";

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
});
