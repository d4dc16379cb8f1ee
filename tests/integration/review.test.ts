/**
 * The review queue (issue 30 item 2), through the API on PGlite and PostgreSQL: a contributor's run
 * waits, off every public page, with what a reviewer needs (flags, output check, medians beside
 * other devices'); a reviewer publishes it and it ranks; a rejected run shows the contributor its
 * reason; contributors see only their own runs; a trusted contributor's plausible run publishes
 * itself and an implausible one still waits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../lib/server/http/node";
import { createToken } from "../../lib/server/store/tokens";
import type { QueueEntry } from "../../lib/server/store/review";
import type { ContributorRun } from "../../lib/server/store/review";
import { apiDeps } from "../../harness/api";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";

describe.each(DB_KINDS)("the review queue on %s", (kind) => {
  let h: TestDb;
  let server: { url: string; close(): Promise<void> };
  const t: Record<string, string> = {};
  const call = async <T,>(token: string, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const r = await fetch(new URL(path, server.url), { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: (await r.json()) as T };
  };
  const upload = async (who: string, deviceModel: string, k = 1) => {
    const s = makeSubmission({ deviceModel });
    if (k !== 1) for (const w of s.workloads) scaleSpeed(w, k);
    const r = await call<{ submissionId: string; plausible: boolean }>(t[who]!, "POST", "/api/v1/submissions", s);
    expect(r.status).toBe(201);
    return r.json;
  };
  const board = async () => (await call<{ rows: { deviceModel: string; tgTokensPerSec: number }[] }>(t.admin!, "GET", "/api/v1/public/leaderboard")).json.rows;
  const mine = async (who: string) => (await call<{ runs: ContributorRun[] }>(t[who]!, "GET", "/api/v1/contributor/runs")).json.runs;

  beforeAll(async () => {
    h = await openTestDb(kind);
    server = await startApiServer(apiDeps(h.db), 0);
    t.ana = await createToken(h.db, "ana-laptop", "runner", "ana");
    t.bo = await createToken(h.db, "bo-phone", "runner", "bo");
    t.tim = await createToken(h.db, "tim-desk", "runner", "tim");
    t.admin = await createToken(h.db, "reviewer", "admin");
  });
  afterAll(async () => {
    await server?.close();
    await h?.drop();
  });

  it("keeps a contributor's run waiting with what a reviewer needs; published, it ranks", async () => {
    // A published run of another device: the medians a reviewer compares with.
    const peer = await upload("admin", "Peer Device");
    expect((await call(t.admin!, "POST", "/api/v1/admin/publish", { submissionIds: [peer.submissionId], published: true })).status).toBe(200);
    const run = await upload("ana", "Ana Laptop");
    expect((await board()).map((r) => r.deviceModel)).not.toContain("Ana Laptop");
    expect((await mine("ana")).map((r) => [r.submissionId, r.reviewStatus, r.published])).toEqual([[run.submissionId, "pending", false]]);

    const q = await call<{ pending: QueueEntry[] }>(t.admin!, "GET", "/api/v1/admin/review");
    expect(q.status).toBe(200);
    const entry = q.json.pending.find((e) => e.submissionId === run.submissionId)!;
    expect(entry).toMatchObject({ contributor: "ana", device: expect.stringContaining("Ana Laptop"), plausible: true, flags: [] });
    const tg = entry.workloads.find((w) => w.workloadId === "tg128")!;
    const peerTg = (await board()).find((r) => r.deviceModel === "Peer Device")!.tgTokensPerSec;
    expect(tg.peersMedianTs).toBeCloseTo(peerTg, 6);
    expect(tg.peerDevices).toBe(1);
    expect(tg.medianTs).toBeGreaterThan(0);

    expect((await call(t.admin!, "POST", `/api/v1/admin/review/${run.submissionId}`, { decision: "publish" })).status).toBe(200);
    expect((await board()).map((r) => r.deviceModel)).toContain("Ana Laptop");
    expect((await mine("ana"))[0]).toMatchObject({ reviewStatus: "published", published: true });
    expect((await call<{ pending: QueueEntry[] }>(t.admin!, "GET", "/api/v1/admin/review")).json.pending.map((e) => e.submissionId)).not.toContain(run.submissionId);
  });

  it("shows the contributor a rejected run's reason, and each contributor only their own runs", async () => {
    const run = await upload("ana", "Ana Laptop");
    const noReason = await call(t.admin!, "POST", `/api/v1/admin/review/${run.submissionId}`, { decision: "reject" });
    expect(noReason.status).toBe(400);
    expect((await call(t.admin!, "POST", `/api/v1/admin/review/${run.submissionId}`, { decision: "reject", reason: "the laptop was on battery saver: rerun on AC" })).status).toBe(200);
    expect((await mine("ana")).find((r) => r.submissionId === run.submissionId)).toMatchObject({ reviewStatus: "rejected", reviewReason: "the laptop was on battery saver: rerun on AC", published: false });
    await upload("bo", "Bo Phone");
    expect((await mine("bo")).every((r) => r.device.includes("Bo Phone"))).toBe(true);
    expect((await mine("ana")).some((r) => r.device.includes("Bo Phone"))).toBe(false);
    // A contributor cannot review, and an admin's own run is not in anyone's review.
    expect((await call(t.ana!, "POST", `/api/v1/admin/review/${run.submissionId}`, { decision: "publish" })).status).toBe(403);
    expect((await call(t.admin!, "GET", "/api/v1/contributor/runs")).status).toBe(403);
  });

  it("publishes a trusted contributor's plausible run as it arrives; an implausible one still waits", async () => {
    expect((await call(t.admin!, "POST", "/api/v1/admin/contributors/tim/trust", { trusted: true })).json).toEqual({ name: "tim", trusted: true });
    const ok = await upload("tim", "Tim Desktop");
    expect((await board()).map((r) => r.deviceModel)).toContain("Tim Desktop");
    // 1,000 times faster than the fixture: beyond any device's physics.
    const forged = await upload("tim", "Tim Desktop", 1000);
    expect(forged.plausible).toBe(false);
    const runs = await mine("tim");
    expect(runs.find((r) => r.submissionId === ok.submissionId)).toMatchObject({ reviewStatus: "published", published: true });
    expect(runs.find((r) => r.submissionId === forged.submissionId)).toMatchObject({ reviewStatus: "pending", published: false });
    expect((await call(t.admin!, "POST", "/api/v1/admin/contributors/nobody/trust", { trusted: true })).status).toBe(404);
  });
});
