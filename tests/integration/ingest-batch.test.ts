/**
 * Ingest calls that share a commit (lib/server/store/ingest-batch.ts, `tokenwatt_ingest_many`) on
 * PGlite and PostgreSQL: uploads arriving together are stored once each with their own answers
 * (a repeated id a duplicate, a run whose output differs flagged), in fewer calls than uploads; and
 * a batch whose transaction fails (this month's partition gone) is sent again one by one, every run
 * stored.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf, type DbHandle } from "../../lib/server/db/client";
import { submissions } from "../../lib/server/db/schema";
import { parseSubmission, type SubmissionInput } from "../../lib/core/contracts/submission";
import { FINGERPRINT } from "../../lib/core/measure/fingerprint";
import { ingestCallArgs, ingestSubmission } from "../../lib/server/store/ingest";
import { ingestBatcher, ingestMany } from "../../lib/server/store/ingest-batch";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

const parsed = (input: SubmissionInput) => {
  const p = parseSubmission(input);
  if (!p.ok) throw new Error(JSON.stringify(p.issues));
  return p.submission;
};
const count = async (h: { db: DbHandle["db"] }, q: string) => Number(rowsOf<{ n: number }>(await h.db.execute(sql.raw(q)))[0]!.n);

const REF = Array.from({ length: FINGERPRINT.tokens }, (_, i) => 2000 + ((i * 7919) % 5000));
const withTokens = (tokenIds: number[], wasm = false): SubmissionInput => {
  const s = makeSubmission({ workloads: 2 });
  return {
    ...s,
    device: { ...s.device, backend: wasm ? "wasm" : "cpu" },
    engine: wasm ? { name: "wllama", version: "3.13.0", build: "llama.cpp b0000; wasm threads" } : s.engine,
    fingerprint: { version: FINGERPRINT.version, promptTokens: 5, tokenIds },
  };
};

describe.each(DB_KINDS)("ingest calls that share a commit on %s", (kind) => {
  const h = withTestDb(kind);

  it("uploads at once are stored once each with their own answers, in fewer calls than uploads", async () => {
    // The first run registers the device, model and engine and is the output reference (the owner's native CPU run).
    const ref = parsed(withTokens(REF));
    expect(await ingestSubmission(h.db, ref, null, { vouchedBy: "owner" })).toMatchObject({ status: "created", outputStatus: "reference" });
    // And a browser engine's run (its engine row is known now: uploads of known rows are the ones that share calls).
    expect(await ingestSubmission(h.db, parsed(withTokens(REF, true)), null, { vouchedBy: "owner" })).toMatchObject({ outputStatus: "match" });
    const before = { ...ingestBatcher(h.db).stats };

    const plain = Array.from({ length: 14 }, () => parsed(makeSubmission({ workloads: 2 })));
    const repeated = parsed(makeSubmission({ workloads: 2 }));
    const differs = parsed(withTokens(REF.map((t, i) => (i >= 2 ? t + 1 : t)), true));
    const matches = parsed(withTokens(REF, true));
    const all = [...plain, repeated, repeated, differs, matches];
    const answers = await Promise.all(all.map((s) => ingestSubmission(h.db, s, null, { vouchedBy: "owner" })));

    plain.forEach((s, i) => expect(answers[i]).toMatchObject({ status: "created", submissionId: s.submissionId, plausible: true }));
    expect([answers[14]!.status, answers[15]!.status].sort()).toEqual(["created", "duplicate"]);
    expect(answers[16]).toMatchObject({ status: "created", submissionId: differs.submissionId, plausible: false, outputStatus: "differs" });
    expect(answers[16]!.flags).toContainEqual(expect.objectContaining({ code: "output_differs" }));
    expect(answers[17]).toMatchObject({ status: "created", plausible: true, outputStatus: "match" });

    // Each stored once, with its results; the flagged run's stored verdict is the one answered.
    expect(await count(h, "select count(*)::int n from submissions")).toBe(2 + 14 + 1 + 2);
    expect(await count(h, "select count(*)::int n from workload_results")).toBe((2 + 14 + 1 + 2) * 2);
    const [row] = await h.db.select({ status: submissions.outputStatus, plausible: submissions.plausible }).from(submissions).where(eq(submissions.id, differs.submissionId));
    expect(row).toEqual({ status: "differs", plausible: false });

    const stats = ingestBatcher(h.db).stats;
    expect(stats.submissions - before.submissions).toBe(all.length);
    expect(stats.calls - before.calls).toBeLessThan(all.length);
    expect(stats.largest).toBeGreaterThan(1);
    expect(stats.fallbacks).toBe(before.fallbacks);
  });

  it("a shared call stores the rows one call at a time would, and answers the same", async () => {
    // Known device, model and engine first (uploads of known rows share calls).
    await ingestSubmission(h.db, parsed(makeSubmission({ workloads: 3 })), null);
    const pairs = Array.from({ length: 12 }, (_, i) => {
      const one = parsed(makeSubmission({ workloads: 1 + (i % 4) }));
      return [one, { ...one, submissionId: crypto.randomUUID() }] as const;
    });
    const alone: string[] = [];
    for (const [s] of pairs) alone.push((await ingestSubmission(h.db, s, null)).status);
    const before = { ...ingestBatcher(h.db).stats };
    const together = (await Promise.all(pairs.map(([, s]) => ingestSubmission(h.db, s, null)))).map((a) => a.status);
    expect(ingestBatcher(h.db).stats.calls - before.calls).toBeLessThan(pairs.length);
    expect(ingestBatcher(h.db).stats.fallbacks).toBe(before.fallbacks);
    expect(together).toEqual(alone);
    // Every column but the ids and times, pair by pair: the submission, its results in order, its power row.
    const stored = async (id: string) => {
      const q = (t: string, order = "") => `select to_jsonb(x) - 'id' - 'submission_id' - 'received_at' - 'created_at' as r from ${t} x where ${t === "submissions" ? "id" : "submission_id"} = '${id}' ${order}`;
      const rows = async (t: string, order = "") => rowsOf<{ r: Record<string, unknown> }>(await h.db.execute(sql.raw(q(t, order)))).map((x) => x.r);
      return { sub: await rows("submissions"), wr: await rows("workload_results", "order by id"), power: await rows("submission_power") };
    };
    for (const [a, b] of pairs) {
      const [x, y] = [await stored(a.submissionId), await stored(b.submissionId)];
      expect(x.sub).toHaveLength(1);
      expect(x.wr.length).toBeGreaterThan(0);
      expect(y).toEqual(x);
    }
  });

  it("a batch whose workload rows do not line up with its submissions is refused whole, and writes nothing", async () => {
    await ingestSubmission(h.db, parsed(makeSubmission({ workloads: 2 })), null);
    const [ids] = rowsOf<{ deviceId: number; modelId: number; engineId: number }>(
      await h.db.execute(sql`select device_id as "deviceId", model_id as "modelId", engine_id as "engineId" from submissions limit 1`),
    );
    const runs = [parsed(makeSubmission({ workloads: 2 })), parsed(makeSubmission({ workloads: 3 }))];
    const args = runs.map((s) => ingestCallArgs(s, ids!, null, [], new Set(), undefined, false, null));
    const before = await count(h, "select count(*)::int n from submissions");
    // The second said to hold 2 rows (it holds 3): refused.
    const refusal = (p: Promise<unknown>) => p.then(() => "stored", (e: Error & { cause?: Error }) => (e.cause ?? e).message);
    expect(await refusal(ingestMany(h.db, [args[0]!, [...args[1]!.slice(0, 4), 2] as (typeof args)[0]]))).toMatch(/5 workload rows where the submissions name 4/);
    // The second's list missing from the workload rows (two submissions, one list): refused.
    const call = (withLists: number) =>
      h.db.execute(sql`select tokenwatt_ingest_many(${`[${args.map((a) => `[${a[0]},${a[2]},${a[3]},${a[4]}]`).join(",")}]`}::jsonb, ${`[${args.slice(0, withLists).map((a) => a[1]).join(",")}]`}::json)`);
    expect(await refusal(call(1))).toMatch(/2 workload rows where the submissions name 5/);
    expect(await count(h, "select count(*)::int n from submissions")).toBe(before);
    // Both lists: stored, each with its own rows.
    await call(2);
    expect(await count(h, "select count(*)::int n from submissions")).toBe(before + 2);
    for (const s of runs) expect(await count(h, `select count(*)::int n from workload_results where submission_id = '${s.submissionId}'`)).toBe(s.workloads.length);
  });

  it("a batch that fails (this month's partition gone) is sent again one by one, and every run is stored", async () => {
    await ingestSubmission(h.db, parsed(makeSubmission({ workloads: 2 })), null);
    const d = new Date();
    const part = `workload_results_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    await h.db.execute(sql.raw(`delete from submissions`));
    await h.db.execute(sql.raw(`alter table workload_results detach partition ${part}`));
    await h.db.execute(sql.raw(`drop table ${part}`));
    const before = { ...ingestBatcher(h.db).stats };

    const runs = Array.from({ length: 8 }, () => parsed(makeSubmission({ workloads: 2 })));
    const answers = await Promise.all(runs.map((s) => ingestSubmission(h.db, s, null)));
    expect(answers.map((a) => a.status)).toEqual(runs.map(() => "created"));
    expect(await count(h, "select count(*)::int n from workload_results")).toBe(16);
    expect(ingestBatcher(h.db).stats.fallbacks).toBeGreaterThan(before.fallbacks);
  });
});

describe.each(DB_KINDS)("a reference and the runs it checks in one shared call on %s", (kind) => {
  const h = withTestDb(kind);

  it("each run is checked once: the ones before the reference when it arrives, the ones after against it", async () => {
    // Known rows (device, model, engine, the browser engine), no reference yet: runs without a fingerprint.
    const plain = (wasm: boolean) => parsed({ ...withTokens(REF, wasm), fingerprint: null });
    await ingestSubmission(h.db, plain(false), null, { vouchedBy: "owner" });
    await ingestSubmission(h.db, plain(true), null, { vouchedBy: "owner" });
    const ids = async (engine: string) =>
      rowsOf<{ deviceId: number; modelId: number; engineId: number }>(
        await h.db.execute(sql`select s.device_id as "deviceId", s.model_id as "modelId", s.engine_id as "engineId" from submissions s join engines e on e.id = s.engine_id where e.name = ${engine} limit 1`),
      )[0]!;
    const args = async (s: ReturnType<typeof parsed>) => ingestCallArgs(s, await ids(s.engine.name), null, [], new Set(), undefined, true, null);
    // One call, in the batcher's order (model, then id): a candidate before the reference, one after it.
    const early = { ...parsed(withTokens(REF, true)), submissionId: "0000000a-0000-4000-8000-00000000000b" };
    const reference = { ...parsed(withTokens(REF)), submissionId: "80000000-0000-4000-8000-000000000001" };
    const late = { ...parsed(withTokens(REF.map((t, i) => (i >= 2 ? t + 1 : t)), true)), submissionId: "ffffffff-0000-4000-8000-000000000001" };
    // The same id in capitals is the same submission; so is one stored before.
    const shouted = { ...early, submissionId: early.submissionId.toUpperCase() };
    const stored1 = plain(false);
    await ingestSubmission(h.db, stored1, null);
    const answers = await ingestMany(h.db, [await args(early), await args(shouted), await args(reference), await args(late), await args(plain(false)), await args(stored1)]);

    expect(answers).toEqual([
      { created: true, outputStatus: "match", flags: [] },
      { created: false },
      { created: true, outputStatus: "reference", flags: [] },
      { created: true, outputStatus: "differs", flags: [expect.objectContaining({ code: "output_differs" })] },
      { created: true },
      { created: false },
    ]);
    expect(await count(h, `select count(*)::int n from workload_results where submission_id = '${stored1.submissionId}'`)).toBe(stored1.workloads.length);
    const stored = rowsOf<{ id: string; output_status: string; output_reference: string | null; plausible: boolean }>(
      await h.db.execute(sql`select id, output_status, output_reference, plausible from submissions where fingerprint_tokens is not null order by id`),
    );
    expect(stored).toEqual([
      { id: early.submissionId, output_status: "match", output_reference: reference.submissionId, plausible: true },
      { id: reference.submissionId, output_status: "reference", output_reference: null, plausible: true },
      { id: late.submissionId, output_status: "differs", output_reference: reference.submissionId, plausible: false },
    ]);
    expect(await count(h, `select count(*)::int n from workload_results where submission_id = '${early.submissionId}'`)).toBe(early.workloads.length);
  });
});
