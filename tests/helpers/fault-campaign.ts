/**
 * The fault campaign (issue 14): N runners, each with its own outbox, upload M submissions to the
 * real server (scripts/server.mjs on PostgreSQL) while the server is killed with SIGKILL and
 * restarted, and optionally while PostgreSQL itself is restarted. Afterwards every submission must be
 * stored exactly once (0 lost, 0 duplicated, no partial rows) and the server must answer.
 * Used by tests/e2e/fault.test.ts (CI-sized) and scripts/fault-campaign.ts (any size).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDb, rowsOf } from "../../lib/server/db/client";
import { createToken } from "../../lib/server/store/tokens";
import { flushOutbox, Outbox } from "../../runners/upload/outbox";
import { createPostgresDatabase } from "./db";
import { makeSubmission } from "./fixtures";
import { freePort, startServer, type RunningServer } from "./server";

export interface CampaignResult {
  runners: number;
  perRunner: number;
  serverKills: number;
  postgresRestarts: number;
  stored: number;
  lost: number;
  duplicated: number;
  partial: number;
  rounds: number;
  /** Submissions still waiting in the outboxes at each fault: a fault that hit none tested nothing. */
  pendingAtFaults: number[];
  seconds: number;
  serverAlive: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function restartPostgres(): void {
  const version = fs.readdirSync("/etc/postgresql")[0]!;
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "restart"], { stdio: "ignore" });
}

export async function runFaultCampaign(o: { runners: number; perRunner: number; serverKills: number; postgresRestarts?: number; log?: (m: string) => void }): Promise<CampaignResult> {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const { url: dbUrl, drop } = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: dbUrl, maxConnections: 2 });
  const token = await createToken(h.db, "fault-runner");
  await h.close();
  const port = await freePort();
  const env = { DATABASE_URL: dbUrl, PORT: String(port), TOKENWATT_WORKERS: "1" };
  let srv: RunningServer = await startServer(env);
  const dirs = Array.from({ length: o.runners }, () => fs.mkdtempSync(path.join(os.tmpdir(), "tw-fault-")));
  const outboxes = dirs.map((d) => new Outbox(d));
  const ids = new Set<string>();
  for (const box of outboxes) {
    for (let i = 0; i < o.perRunner; i++) {
      const s = makeSubmission({ workloads: 2 }) as Parameters<Outbox["put"]>[0];
      ids.add(s.submissionId);
      box.put(s);
    }
  }
  // The runners upload until their outboxes are empty, whatever happens to the server.
  let rounds = 0;
  const uploading = Promise.all(
    outboxes.map(async (box) => {
      while (box.pending().length) {
        rounds++;
        await flushOutbox(box, srv.url, token, 1).catch(() => {});
        if (box.pending().length) await sleep(200);
      }
    }),
  );
  // The faults, spread over the upload.
  const faults: ("server" | "postgres")[] = [...Array(o.serverKills).fill("server"), ...Array(o.postgresRestarts ?? 0).fill("postgres")];
  const pendingAtFaults: number[] = [];
  for (const f of faults) {
    // Soon after the uploads start (or resume): the fault must land while submissions are in flight.
    await sleep(50 + Math.random() * 100);
    pendingAtFaults.push(outboxes.reduce((a, b) => a + b.pending().length, 0));
    if (f === "server") {
      log("SIGKILL the server");
      await srv.kill();
      await sleep(500);
      srv = await startServer(env);
      log("server restarted");
    } else {
      log("restart PostgreSQL");
      restartPostgres();
    }
  }
  await uploading;
  const health = await fetch(`${srv.url}/api/health`).then((r) => r.ok).catch(() => false);
  await srv.stop();
  const check = await openDb({ databaseUrl: dbUrl, maxConnections: 1 });
  const counts = rowsOf<{ id: string; n: number }>(await check.db.execute(sql`select s.id::text as id, count(w.id)::int as n from submissions s left join workload_results w on w.submission_id = s.id group by s.id`));
  await check.close();
  await drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const stored = counts.filter((c) => ids.has(c.id));
  return {
    runners: o.runners,
    perRunner: o.perRunner,
    serverKills: o.serverKills,
    postgresRestarts: o.postgresRestarts ?? 0,
    stored: stored.length,
    lost: [...ids].filter((id) => !counts.some((c) => c.id === id)).length,
    duplicated: counts.length - new Set(counts.map((c) => c.id)).size,
    partial: stored.filter((c) => c.n !== 2).length,
    rounds,
    pendingAtFaults,
    seconds: (Date.now() - t0) / 1000,
    serverAlive: health,
  };
}
