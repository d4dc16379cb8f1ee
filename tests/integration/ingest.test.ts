import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import { createToken, revokeToken } from "../../lib/server/store/tokens";
import { submissions, workloadResults, devices, models, engines } from "../../lib/server/db/schema";
import { rowsOf } from "../../lib/server/db/client";
import { getRun } from "../../lib/server/read/runs";
import { createRateLimiter } from "../../lib/server/http/rate-limit";
import { createParseBudget } from "../../lib/server/http/parse-budget";
import { makeSubmission } from "../../harness/fixtures";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { callApi } from "../../harness/api";

describe.each(DB_KINDS)("ingest API on %s", (kind) => {
  let h: TestDb;
  let token: string;
  let limiter = createRateLimiter(1e6, 1e6);

  beforeAll(async () => {
    h = await openTestDb(kind);
    token = await createToken(h.db, "runner-1");
  });
  afterAll(async () => h?.drop());
  beforeEach(() => {
    limiter = createRateLimiter(1e6, 1e6);
  });

  const post = (body: unknown, opts: { auth?: string | null; raw?: string; headers?: Record<string, string> } = {}) =>
    callApi(
      new Request("http://test/api/v1/submissions", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(opts.auth === null ? {} : { authorization: `Bearer ${opts.auth ?? token}` }),
          ...opts.headers,
        },
        body: opts.raw ?? JSON.stringify(body),
      }),
      h.db, { limiter },
    );
  const rowCounts = async () => ({
    submissions: (await h.db.select({ n: count() }).from(submissions))[0]!.n,
    workloads: (await h.db.select({ n: count() }).from(workloadResults))[0]!.n,
    // Readings and traces: elements of the one submission_power row per run.
    ...rowsOf<{ readings: number; traces: number }>(
      await h.db.execute(sql`select coalesce(sum(jsonb_array_length(readings)), 0)::int as readings, coalesce(sum(jsonb_array_length(traces)), 0)::int as traces from submission_power`),
    )[0]!,
  });

  it("stores a submission field by field in one go, and a repeat is a duplicate", async () => {
    const s = makeSubmission({ workloads: 10 });
    const before = await rowCounts();
    const r = await post(s);
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ submissionId: s.submissionId, status: "created", plausible: true });
    const after = await rowCounts();
    expect(after.submissions - before.submissions).toBe(1);
    expect(after.workloads - before.workloads).toBe(10);
    expect(after.readings - before.readings).toBe(11); // idle + one per workload
    expect(after.traces - before.traces).toBe(10);

    const [sub] = await h.db.select().from(submissions).where(eq(submissions.id, s.submissionId));
    expect(sub).toMatchObject({ backend: "cpu", runnerVersion: "0.0.0-test", plausible: true, published: false, memoryBandwidthGBps: 50 });
    const [dev] = await h.db.select().from(devices).where(eq(devices.id, sub!.deviceId));
    expect(dev).toMatchObject({ vendor: "Fixture", cpuCores: 8, cpuThreads: 16, ramBytes: 16 * 2 ** 30 });
    const [mod] = await h.db.select().from(models).where(eq(models.id, sub!.modelId));
    expect(mod).toMatchObject({ name: "Llama-3.2-1B", quantization: "Q4_0", weights: "synthetic", fileBytes: 770_000_000 });
    const [eng] = await h.db.select().from(engines).where(eq(engines.id, sub!.engineId));
    expect(eng).toMatchObject({ name: "node-llama-cpp", version: "3.21.1", build: "prebuilt" });
    const wr = await h.db.select().from(workloadResults).where(eq(workloadResults.submissionId, s.submissionId));
    const tg = wr.find((w) => w.workloadId === "tg128")!;
    const expected = s.workloads.find((w) => w.workloadId === "tg128")!;
    expect(tg.samplesNs).toEqual(expected.samples.map((x) => x.durationNs));
    expect(tg.samplesGenTokens).toEqual([128, 128, 128]);
    expect(tg.avgTokensPerSec).toBeCloseTo(
      expected.samples.reduce((a, x) => a + (128 * 1e9) / x.durationNs, 0) / 3,
      6,
    );
    expect(tg).toMatchObject({ nGen: 128, nPrompt: 0, peakRssBytes: 900_000_000, kvBytes: 134_217_728, decodeJPerToken: 0.5, decodeJPerTokenAboveIdle: 0.33, prefillJPerToken: null, plausible: true });
    // The run's page: every reading and trace, tied to its workload result.
    const run = (await getRun(h.db, s.submissionId, "owner"))!;
    expect(run.traces.filter((t) => t.workloadResultId === tg.id)).toMatchObject([{ sensor: "intel-rapl:0", scope: "package", tMs: [0, 100, 200], powerW: [14, 15, 16] }]);
    expect(run.readings.filter((r) => r.workloadResultId === tg.id)).toMatchObject([{ kind: "workload", method: "counter", sensor: "intel-rapl:0", avgPowerW: 15, idlePowerW: 5, tier: "counter", flags: [] }]);
    expect(run.readings.filter((r) => r.kind === "idle")).toMatchObject([{ workloadResultId: null, sensor: "intel-rapl:0", energyJ: 10, avgPowerW: 5, durationNs: 2e9 }]);
    expect(run.readings).toHaveLength(11);
    expect(run.traces).toHaveLength(10);

    const again = await post(s);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    expect(await rowCounts()).toEqual(after);
  });

  it("the parse budget: a client over its MB a minute gets 429, the process over its own 503, both before the body is read; bad credentials spend nothing", async () => {
    // A submission of about 0.9 MB: long power traces.
    const big = () => {
      const s = makeSubmission({ workloads: 10 }) as any;
      for (const w of s.workloads) w.powerTrace = [{ sensor: "intel-rapl:0", scope: "package", tMs: Array.from({ length: 7000 }, (_, i) => i * 100.5), powerW: Array.from({ length: 7000 }, () => 14.25) }];
      return s;
    };
    const other = await createToken(h.db, `budget-other-${kind}`);
    const parseBudget = createParseBudget({ clientMbPerMin: 2, clientBurstMb: 2, globalMbPerMin: 3, globalBurstMb: 3 });
    const send = (s: unknown, auth = token) =>
      callApi(new Request("http://test/api/v1/submissions", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${auth}` }, body: JSON.stringify(s) }), h.db, { limiter, parseBudget, clientIp: "10.9.9.9" });
    // Unknown tokens are refused before the body is read: they cost nobody's budget.
    for (let i = 0; i < 5; i++) expect((await send(big(), "not-a-token")).status).toBe(401);
    expect((await send(big())).status).toBe(201);
    expect((await send(big())).status).toBe(201);
    const before = await rowCounts();
    const third = big();
    const r = await send(third);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await r.json()).error.code).toBe("parse_budget");
    expect(await rowCounts()).toEqual(before);
    // Another client has its own budget, up to the process's: then 503 for everyone.
    expect((await send(big(), other)).status).toBe(201);
    const busy = await send(big(), other);
    expect(busy.status).toBe(503);
    expect((await busy.json()).error.code).toBe("server_busy");
    expect(busy.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await rowCounts()).toEqual({ ...before, submissions: before.submissions + 1, workloads: before.workloads + 10, readings: before.readings + 11, traces: before.traces + 10 });
  });

  it("a repeated id with other dimensions writes nothing, not even a device, model or engine row", async () => {
    const s = makeSubmission({ workloads: 1 });
    expect((await post(s)).status).toBe(201);
    const dims = async () => [
      (await h.db.select({ n: count() }).from(devices))[0]!.n,
      (await h.db.select({ n: count() }).from(models))[0]!.n,
      (await h.db.select({ n: count() }).from(engines))[0]!.n,
    ];
    const before = await dims();
    const other = structuredClone(s);
    other.device.model = `Never-seen ${crypto.randomUUID()}`;
    other.model.name = `never-seen-${crypto.randomUUID()}`;
    other.engine.version = "9.9.9-never-seen";
    const r = await post(other);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: "duplicate" });
    expect(await dims()).toEqual(before);
  });

  it("a device is named only by a stored submission that created it or a submitter who vouches; never by a duplicate or another contributor", async () => {
    const ingestAs = async (over: Record<string, unknown>, vouched: boolean, id?: string) => {
      const p = parseSubmission({ ...makeSubmission({ deviceModel: `named-${kind}`, id }), ...over });
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      return ingestSubmission(h.db, p.submission, null, { vouchedBy: vouched ? "owner" : null });
    };
    const nameOf = async () => (await h.db.select({ n: devices.displayName }).from(devices).where(eq(devices.model, `named-${kind}`)))[0]?.n;
    const dev = (name: string) => ({ device: { ...makeSubmission({ deviceModel: `named-${kind}` }).device, name } });
    // A contributor's first run of a new device names it.
    const first = await ingestAs(dev("Ana's laptop"), false);
    expect(await nameOf()).toBe("Ana's laptop");
    // Another contributor's run of the same device does not rename it...
    expect((await ingestAs(dev("PWNED"), false)).status).toBe("created");
    expect(await nameOf()).toBe("Ana's laptop");
    // ...nor does a duplicate, even from the owner...
    expect((await ingestAs(dev("PWNED-BY-DUPLICATE"), true, first.submissionId)).status).toBe("duplicate");
    expect(await nameOf()).toBe("Ana's laptop");
    // ...but the owner's new run does.
    await ingestAs(dev("Bench box"), true);
    expect(await nameOf()).toBe("Bench box");
  });

  it("answers NUL in any string field, arrays included, with 400 (security review N6), writing nothing", async () => {
    const s = makeSubmission() as any;
    s.device.cpu.flags = ["avx2", "a\u0000b"];
    const r = await post(s);
    expect(r.status).toBe(400);
    expect((await r.json()).error.issues[0].path).toBe("device.cpu.flags.1");
  });

  it("answers bad input with 400 and field issues, writing nothing", async () => {
    const before = await rowCounts();
    const s = makeSubmission() as any;
    s.workloads[0].samples[0].durationNs = 0;
    s.workloads[1].memory.peakRssBytes = -5;
    const r = await post(s);
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe("invalid_submission");
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "workloads.0.samples.0.durationNs",
      "workloads.1.memory.peakRssBytes",
    ]);
    const bad = await post(null, { raw: '{"schemaVersion": 1, "x": ' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    // 1e400 parses to Infinity: must be refused, not stored
    const inf = JSON.stringify(makeSubmission()).replace('"durationNs":', '"durationNs":1e400,"x":');
    const infR = await post(null, { raw: inf });
    expect(infR.status).toBe(400);
    const empty = await post(null, { raw: "" });
    expect(empty.status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });

  it("401 without or with an unknown token, 403 for a revoked one", async () => {
    const before = await rowCounts();
    const none = await post(makeSubmission(), { auth: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await post(makeSubmission(), { auth: "tw_not_a_real_token" })).status).toBe(401);
    const t = await createToken(h.db, "to-revoke");
    expect((await post(makeSubmission(), { auth: t })).status).toBe(201);
    await revokeToken(h.db, "to-revoke");
    const revoked = await post(makeSubmission(), { auth: t });
    expect(revoked.status).toBe(403);
    expect((await revoked.json()).error.code).toBe("token_revoked");
    expect((await rowCounts()).submissions).toBe(before.submissions + 1);
  });

  it("413 for bodies over 1 MB, declared or streamed", async () => {
    const before = await rowCounts();
    const big = JSON.stringify({ ...makeSubmission(), padding: "x".repeat(1_100_000) });
    const declared = await post(null, { raw: big, headers: { "content-length": String(big.length) } });
    expect(declared.status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 11; i++) c.enqueue(new TextEncoder().encode("x".repeat(100_000)));
        c.close();
      },
    });
    const streamed = await callApi(
      new Request("http://test/api/v1/submissions", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
      h.db, { limiter },
    );
    expect(streamed.status).toBe(413);
    expect(await rowCounts()).toEqual(before);
  });

  it("429 past the per-token rate, with Retry-After", async () => {
    limiter = createRateLimiter(60, 3);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await post(makeSubmission())).status);
    expect(codes).toEqual([201, 201, 201, 429, 429]);
    const r = await post(makeSubmission());
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("stores physically implausible results flagged, never as normal results", async () => {
    const s = makeSubmission() as any;
    // tg128 in 10 ms: 12,800 tokens/s x 0.77 GB = 9.9 TB/s, beyond any laptop's memory (546 GB/s)
    for (const smp of s.workloads[1].samples) smp.durationNs = 10_000_000;
    Object.assign(s.workloads[1], { power: [], energyPerToken: null, decodeEnergyPerToken: null });
    const r = await post(s);
    expect(r.status).toBe(201);
    const body = await r.json();
    expect(body.plausible).toBe(false);
    expect(body.flags[0]).toMatchObject({ workloadId: "tg128", code: "exceeds_physics" });
    const wr = await h.db.select().from(workloadResults).where(eq(workloadResults.submissionId, s.submissionId));
    expect(wr.find((w) => w.workloadId === "tg128")!.plausible).toBe(false);
    expect(wr.find((w) => w.workloadId === "pp512")!.plausible).toBe(true);
    // Only the offending workload is kept off the board; the run's other workloads stay.
    const [sub] = await h.db.select().from(submissions).where(eq(submissions.id, s.submissionId));
    expect(sub!.plausible).toBe(true);
    expect(sub!.flags).toEqual([expect.objectContaining({ workloadId: "tg128", code: "exceeds_physics" })]);
  });

  it("the same submission posted 20 times at once is stored exactly once", async () => {
    const s = makeSubmission({ workloads: 10, deviceModel: `concurrent-${kind}` });
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(s)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.filter((x) => x === 200)).toHaveLength(19);
    const n = await h.db.select({ n: count() }).from(workloadResults).where(eq(workloadResults.submissionId, s.submissionId));
    expect(n[0]!.n).toBe(10);
    const d = await h.db.select({ n: count() }).from(devices).where(eq(devices.model, `concurrent-${kind}`));
    expect(d[0]!.n).toBe(1);
  });

  it("read API filters, paginates with a cursor, exports CSV and rejects bad parameters", async () => {
    const admin = await createToken(h.db, "reader-admin", "admin");
    // results are private until published: anonymous readers see none of these
    const anon = await (await callApi(new Request("http://test/api/v1/results"), h.db)).json();
    expect(anon.results).toEqual([]);
    expect((await callApi(new Request("http://test/api/v1/results", { headers: { authorization: "Bearer tw_unknown" } }), h.db)).status).toBe(401);
    const get = (q: string, headers: Record<string, string> = {}) =>
      callApi(new Request(`http://test/api/v1/results${q}`, { headers: { authorization: `Bearer ${admin}`, ...headers } }), h.db);
    const all = await (await get("?limit=1000")).json();
    expect(all.results.length).toBeGreaterThan(10);
    const tg = await (await get("?workload=tg128&backend=cpu&engine=node-llama-cpp&model=Llama-3.2-1B")).json();
    expect(tg.results.length).toBeGreaterThan(0);
    expect(tg.results.every((r: { workloadId: string }) => r.workloadId === "tg128")).toBe(true);
    const implausible = await (await get("?plausible=false")).json();
    expect(implausible.results.map((r: { workloadId: string }) => r.workloadId)).toEqual(["tg128"]);

    const seen = new Set<number>();
    let cursor: number | null = null;
    do {
      const page: { results: { id: number }[]; nextCursor: number | null } = await (
        await get(`?limit=7${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      expect(page.results.length).toBeLessThanOrEqual(7);
      for (const r of page.results) {
        expect(seen.has(r.id)).toBe(false);
        seen.add(r.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(all.results.length);

    const csv = await get("?workload=tg128&limit=2", { accept: "text/csv" });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,submissionId,workloadId,/);
    expect(lines).toHaveLength(3);

    for (const q of ["?limit=0", "?limit=x", "?backend=tpu", "?cursor=-1", "?unknown=1", "?format=xml"]) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect((await r.json()).error.code).toBe("invalid_query");
    }
  });
});
