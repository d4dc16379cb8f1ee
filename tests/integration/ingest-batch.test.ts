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
import { ingestSubmission } from "../../lib/server/store/ingest";
import { ingestBatcher } from "../../lib/server/store/ingest-batch";
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
