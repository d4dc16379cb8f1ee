import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { parseSubmission, type SubmissionInput } from "../../lib/core/contracts/submission";
import { FINGERPRINT, fingerprintHash } from "../../lib/core/measure/fingerprint";
import { submissions, workloadResults } from "../../lib/server/db/schema";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { callApi } from "../../harness/api";
import { createToken } from "../../lib/server/store/tokens";

const REF = Array.from({ length: FINGERPRINT.tokens }, (_, i) => 1000 + ((i * 7919) % 5000));
/** The reference's ids, changed from token `at` on (null: unchanged). */
const ids = (at: number | null) => REF.map((t, i) => (at !== null && i >= at ? t + 1 : t));

function run(o: { model: string; tokenIds: number[] | null; engine?: "node-llama-cpp" | "wllama"; backend?: "cpu" | "wasm" | "webgpu" }): SubmissionInput {
  const s = makeSubmission({ workloads: 2 }) as SubmissionInput & Record<string, unknown>;
  const engine = o.engine ?? "node-llama-cpp";
  return {
    ...s,
    device: { ...s.device, backend: o.backend ?? "cpu" },
    engine: engine === "wllama" ? { name: "wllama", version: "3.13.0", build: "llama.cpp b0000; wasm threads" } : s.engine,
    model: { ...s.model, name: o.model },
    fingerprint: o.tokenIds ? { version: FINGERPRINT.version, promptTokens: 5, tokenIds: o.tokenIds } : null,
  };
}

describe.each(DB_KINDS)("the output check (fingerprints against the native CPU reference) on %s", (kind) => {
  const h = withTestDb(kind);

  /** `trusted`: the owner's run (its native CPU run is a reference at once); else a public contributor's. */
  const ingest = async (input: SubmissionInput, trusted = true) => {
    const p = parseSubmission(input);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    await ingestSubmission(h.db, p.submission, null, { vouchedBy: trusted ? "owner" : null });
    const [row] = await h.db.select().from(submissions).where(eq(submissions.id, p.submission.submissionId));
    return row!;
  };

  it("makes the first native CPU run the reference and judges the others by where they leave it", async () => {
    const ref = await ingest(run({ model: "Check-A", tokenIds: ids(null) }));
    expect(ref).toMatchObject({ outputStatus: "reference", fingerprintRole: "reference", fingerprintHash: fingerprintHash(REF), plausible: true });

    const same = await ingest(run({ model: "Check-A", tokenIds: ids(null), engine: "wllama", backend: "wasm" }));
    expect(same).toMatchObject({ outputStatus: "match", outputReference: ref.id, outputAgreement: 1, outputFirstDiff: null, fingerprintRole: "candidate", plausible: true });

    const late = await ingest(run({ model: "Check-A", tokenIds: ids(24), engine: "wllama", backend: "webgpu" }));
    expect(late).toMatchObject({ outputStatus: "diverges", outputFirstDiff: 24, plausible: true });
    expect(late.outputAgreement).toBeCloseTo(24 / 32, 5);

    const early = await ingest(run({ model: "Check-A", tokenIds: ids(3), engine: "wllama", backend: "webgpu" }));
    expect(early).toMatchObject({ outputStatus: "differs", outputFirstDiff: 3, plausible: false });
    expect(early.flags).toContainEqual({ workloadId: null, code: "output_differs", message: expect.stringContaining("at token 3") });
    // Off the ranking: every workload of the run is implausible now.
    const wr = await h.db.select({ plausible: workloadResults.plausible }).from(workloadResults).where(eq(workloadResults.submissionId, early.id));
    expect(wr.length).toBe(2);
    expect(wr.every((w) => !w.plausible)).toBe(true);

    // A second native CPU run is checked too (llama.cpp itself must be deterministic).
    const again = await ingest(run({ model: "Check-A", tokenIds: ids(null) }));
    expect(again).toMatchObject({ outputStatus: "match", outputReference: ref.id });
  });

  it("waits for a reference: a browser run before any native run is unchecked, then checked when one arrives", async () => {
    const early = await ingest(run({ model: "Check-B", tokenIds: ids(2), engine: "wllama", backend: "wasm" }));
    expect(early).toMatchObject({ outputStatus: "unchecked", plausible: true });
    const ok = await ingest(run({ model: "Check-B", tokenIds: ids(null), engine: "wllama", backend: "wasm" }));
    expect(ok.outputStatus).toBe("unchecked");
    // Another file's reference does not count.
    await ingest(run({ model: "Check-C", tokenIds: ids(null) }));
    expect((await h.db.select().from(submissions).where(eq(submissions.id, early.id)))[0]!.outputStatus).toBe("unchecked");

    const ref = await ingest(run({ model: "Check-B", tokenIds: ids(null) }));
    expect(ref.outputStatus).toBe("reference");
    const [e] = await h.db.select().from(submissions).where(eq(submissions.id, early.id));
    expect(e).toMatchObject({ outputStatus: "differs", outputReference: ref.id, outputFirstDiff: 2, plausible: false });
    const [o] = await h.db.select().from(submissions).where(eq(submissions.id, ok.id));
    expect(o).toMatchObject({ outputStatus: "match", plausible: true });
  });

  it("lets an admin explain a run whose output differs: back on the ranking with the reason; nothing else can be explained", async () => {
    await ingest(run({ model: "Check-E", tokenIds: ids(null) }));
    const bad = await ingest(run({ model: "Check-E", tokenIds: ids(1), engine: "wllama", backend: "webgpu" }));
    expect(bad.outputStatus).toBe("differs");
    const admin = await createToken(h.db, `admin-${kind}`, "admin");
    const runner = await createToken(h.db, `runner-${kind}`, "runner");
    const post = (body: unknown, token = admin) =>
      callApi(new Request("http://test/api/v1/admin/explain-output", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) }), h.db);
    expect((await post({ submissionId: bad.id, reason: "fp16 accumulation on this GPU, checked by hand" }, runner)).status).toBe(403);
    const short = await post({ submissionId: bad.id, reason: "because" });
    expect(short.status).toBe(400);
    expect((await short.json()).error.issues[0].path).toBe("reason");
    expect((await post({ submissionId: "00000000-0000-4000-8000-000000000000", reason: "fp16 accumulation on this GPU" })).status).toBe(404);

    // The runner is told at upload that its run's output differs.
    const told = await callApi(
      new Request("http://test/api/v1/submissions", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${runner}` }, body: JSON.stringify(run({ model: "Check-E", tokenIds: ids(2), engine: "wllama", backend: "webgpu" })) }),
      h.db,
    );
    expect(await told.json()).toMatchObject({ status: "created", plausible: false, outputStatus: "differs", flags: [{ code: "output_differs" }] });

    const ok = await post({ submissionId: bad.id, reason: "fp16 accumulation on this GPU, checked by hand" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ outputStatus: "explained", plausible: true });
    const [row] = await h.db.select().from(submissions).where(eq(submissions.id, bad.id));
    expect(row).toMatchObject({ outputStatus: "explained", outputExplanation: "fp16 accumulation on this GPU, checked by hand", plausible: true, flags: [] });
    const wr = await h.db.select({ plausible: workloadResults.plausible }).from(workloadResults).where(eq(workloadResults.submissionId, bad.id));
    expect(wr.every((w) => w.plausible)).toBe(true);
    // Only "output differs" can be explained, and only once.
    const again = await post({ submissionId: bad.id, reason: "fp16 accumulation on this GPU, checked by hand" });
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain('is not flagged "output differs" (its output check: explained)');
  });

  it("never lets a contributor's first upload define correct output: references from untrusted runs need independent devices to agree", async () => {
    // A forged first native CPU run (wrong tokens from token 2) by a contributor: not a reference.
    const forged = await ingest(run({ model: "Check-F", tokenIds: ids(2) }), false);
    expect(forged).toMatchObject({ outputStatus: "unchecked", fingerprintRole: "peer" });
    const device = (n: number) => {
      const r = run({ model: "Check-F", tokenIds: ids(null) });
      return { ...r, device: { ...r.device, model: `Peer device ${n}` } };
    };
    // Two honest devices agree: not yet enough; the third makes the earliest of them the reference.
    const a = await ingest(device(1), false);
    expect(a.outputStatus).toBe("unchecked");
    const b = await ingest(device(2), false);
    expect(b.outputStatus).toBe("unchecked");
    const c = await ingest(device(3), false);
    const rows = async (id: string) => (await h.db.select().from(submissions).where(eq(submissions.id, id)))[0]!;
    expect(await rows(a.id)).toMatchObject({ outputStatus: "reference" });
    expect(c).toMatchObject({ outputStatus: "match", outputReference: a.id, plausible: true });
    expect(await rows(b.id)).toMatchObject({ outputStatus: "match", outputReference: a.id });
    // The forgery is judged against the consensus, not the other way round.
    expect(await rows(forged.id)).toMatchObject({ outputStatus: "differs", outputReference: a.id, plausible: false });
    // One device uploading three times is not three devices.
    for (let i = 0; i < 3; i++) expect((await ingest(run({ model: "Check-G", tokenIds: ids(null) }), false)).outputStatus).toBe("unchecked");
  });

  it("stores no verdict for a run without a fingerprint, and the hash is the server's own", async () => {
    const none = await ingest(run({ model: "Check-D", tokenIds: null }));
    expect(none).toMatchObject({ outputStatus: null, fingerprintHash: null, fingerprintRole: null });
    const forged = run({ model: "Check-D", tokenIds: ids(null) }) as SubmissionInput & { fingerprint: Record<string, unknown> };
    forged.fingerprint.hash = "0000000000000000";
    // A hash the client sends is dropped: the server computes its own from the ids.
    expect((await ingest(forged)).fingerprintHash).toBe(fingerprintHash(REF));
  });

  it("refuses malformed fingerprints with field messages", () => {
    const bad = (f: unknown) => {
      const p = parseSubmission({ ...run({ model: "X", tokenIds: null }), fingerprint: f });
      return p.ok ? [] : p.issues.map((i) => i.path);
    };
    expect(bad({ version: "fp1", promptTokens: 5, tokenIds: [] })).toContain("fingerprint.tokenIds");
    expect(bad({ version: "fp1", promptTokens: 5, tokenIds: [1, -2] })).toContain("fingerprint.tokenIds.1");
    expect(bad({ version: "fp1", promptTokens: 0, tokenIds: [1] })).toContain("fingerprint.promptTokens");
    expect(bad({ version: "fp1", promptTokens: 5, tokenIds: Array(300).fill(1) })).toContain("fingerprint.tokenIds");
  });
});
