/**
 * A public server with a read replica (DATABASE_REPLICA_URL): anonymous pages, the public API and
 * the page cache's version read the replica; uploads, publishing and the owner's CLI write the
 * primary. The "replica" here is a second database that replicates nothing, so that each read
 * shows which database answered (real replication is PostgreSQL's, not tested here).
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, rowsOf } from "../../lib/server/db/client";
import { setPublished } from "../../lib/server/store/publish";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { sql } from "drizzle-orm";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { createPostgresDatabase } from "../../harness/postgres";

describe("a public server reading from a replica", () => {
  let srv: RunningServer;
  const drops: (() => Promise<void>)[] = [];
  let primaryUrl = "";
  beforeAll(async () => {
    const primary = await createPostgresDatabase();
    const replica = await createPostgresDatabase();
    drops.push(primary.drop, replica.drop);
    primaryUrl = primary.url;
    // The replica's copy of the schema, with one published run only it has.
    const r = await openDb({ databaseUrl: replica.url });
    const parsed = parseSubmission(makeSubmission({ deviceModel: "Replica Device" }));
    if (!parsed.ok) throw new Error("fixture");
    await ingestSubmission(r.db, parsed.submission, null);
    await setPublished(r.db, { allPlausible: true }, true);
    await r.close();
    srv = await startServer({ DATABASE_URL: primary.url, DATABASE_REPLICA_URL: replica.url, TOKENWATT_PUBLIC: "1", TOKENWATT_WORKERS: "1" });
  }, 300_000);
  afterAll(async () => {
    await srv?.stop();
    for (const d of drops) await d();
  });

  it("serves pages and the public API from the replica and writes uploads and publishes to the primary", async () => {
    const page = await fetch(`${srv.url}/leaderboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Replica Device");
    const api = await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json();
    expect(JSON.stringify(api)).toContain("Replica Device");

    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "replica-admin", "--role", "admin"], { env: srv.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const up = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(makeSubmission({ deviceModel: "Primary Device" })) });
    expect(up.status).toBe(201);
    const pub = await fetch(`${srv.url}/api/v1/admin/publish`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ allPlausible: true, published: true }) });
    expect(pub.status).toBe(200);
    const p = await openDb({ databaseUrl: primaryUrl, migrate: false });
    const stored = rowsOf<{ model: string; published: boolean }>(await p.db.execute(sql`select d.model, s.published from submissions s join devices d on d.id = s.device_id`));
    await p.close();
    expect(stored).toEqual([{ model: "Primary Device", published: true }]);
    // Until the replica has the primary's rows, anonymous readers see the replica's.
    const after = await (await fetch(`${srv.url}/leaderboard`)).text();
    expect(after).toContain("Replica Device");
    expect(after).not.toContain("Primary Device");
  }, 120_000);
});
