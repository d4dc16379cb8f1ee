import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseSubmission, type SubmissionInput, type TopKEntry } from "../../lib/core/contracts/submission";
import { compareFingerprints, describeOutputStatus, FINGERPRINT, judgeDivergence, outputStatus, type TieJudgement } from "../../lib/core/measure/fingerprint";
import { submissions, workloadResults } from "../../lib/server/db/schema";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";

/** The reference: stories260K's fp1 fingerprint on llama.cpp's CPU with its real top-5 scores. */
const cpu = JSON.parse(readFileSync(new URL("../fixtures/fingerprint/stories260K-fp1-cpu.json", import.meta.url), "utf8")) as { tokenIds: number[]; topK: TopKEntry[] };

interface Fp {
  tokenIds: number[];
  topK: TopKEntry[] | null;
}

/** A run that follows the reference up to `at`, picks `token` there with scores `entry` (null: sends no scores), then its own tokens. */
function leaving(at: number, token: number, entry: TopKEntry | null): Fp {
  const tokenIds = cpu.tokenIds.map((t, i) => (i < at ? t : i === at ? token : 300));
  const topK = entry ? cpu.topK.map((e, i) => (i < at ? e : i === at ? entry : { ids: [300], logprobs: [-0.1] })) : null;
  return { tokenIds, topK };
}

function run(model: string, fp: Fp, o: { engine?: "node-llama-cpp" | "wllama"; backend?: "cpu" | "webgpu" } = {}): SubmissionInput {
  const s = makeSubmission({ workloads: 2 });
  return {
    ...s,
    device: { ...s.device, backend: o.backend ?? "cpu" },
    engine: o.engine === "wllama" ? { name: "wllama", version: "3.13.0", build: "llama.cpp b0000; webgpu" } : s.engine,
    model: { ...s.model, name: model },
    fingerprint: { version: FINGERPRINT.version, promptTokens: 5, tokenIds: fp.tokenIds, topK: fp.topK },
  };
}

/** A browser (WebGPU) candidate: compared with the native CPU reference, never one itself. */
const gpu = { engine: "wllama", backend: "webgpu" } as const;

describe.each(DB_KINDS)("the output check's near-tie rule in the database (%s)", (kind) => {
  const h = withTestDb(kind);

  const ingest = async (input: SubmissionInput) => {
    const p = parseSubmission(input);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    await ingestSubmission(h.db, p.submission, null, { vouchedBy: "owner" });
    return row(p.submission.submissionId);
  };
  const row = async (id: string) => (await h.db.select().from(submissions).where(eq(submissions.id, id)))[0]!;
  const workloadsPlausible = async (id: string) =>
    (await h.db.select({ p: workloadResults.plausible }).from(workloadResults).where(eq(workloadResults.submissionId, id))).map((w) => w.p);
  /** The verdict of the pure functions the SQL implements. */
  const expected = (fp: Fp, ref: Fp) => {
    const c = compareFingerprints(fp.tokenIds, ref.tokenIds);
    const tie = c.firstDiff === null ? null : judgeDivergence(c.firstDiff, fp, ref);
    return { status: outputStatus(c, tie), tie };
  };

  it("keeps an early near-tie on the ranking, says why, and agrees with the pure rule", async () => {
    // The reference, with a near-tie at position 3 (261 over 399 by 0.10 nats).
    const refFp: Fp = { tokenIds: cpu.tokenIds, topK: cpu.topK.map((e, i) => (i === 3 ? { ids: [261, 399, 262], logprobs: [-0.7, -0.8, -3] } : e)) };
    const ref = await ingest(run("Tie-A", refFp));
    expect(ref.outputStatus).toBe("reference");
    expect(ref.fingerprintTopK).toEqual(refFp.topK);

    const cases: { fp: Fp; status: string }[] = [
      // Both runs see the tie: diverges.
      { fp: leaving(3, 399, { ids: [399, 261], logprobs: [-0.72, -0.77] }), status: "diverges" },
      // No scores from the candidate: the reference's alone.
      { fp: leaving(3, 399, null), status: "diverges" },
      // The candidate sees the reference's token 1 nat below its own: beyond the margin.
      { fp: leaving(3, 399, { ids: [399, 261], logprobs: [-0.3, -1.3] }), status: "differs" },
      // Real scores: at 5 the reference prefers 298 over 268 by 0.84 nats.
      { fp: leaving(5, 268, { ids: [268, 298], logprobs: [-0.6, -0.7] }), status: "differs" },
      // A token the reference does not rank in its top 5.
      { fp: leaving(2, 450, { ids: [450, 286], logprobs: [-0.6, -0.7] }), status: "differs" },
      // Late: diverges as before; a real near-tie (position 16, 0.13 nats) is judged too.
      { fp: leaving(16, 335, null), status: "diverges" },
    ];
    for (const c of cases) {
      const got = await ingest(run("Tie-A", c.fp, gpu));
      const want = expected(c.fp, refFp);
      expect(want.status).toBe(c.status);
      expect({ status: got.outputStatus, tie: got.outputTie as TieJudgement | null }).toEqual(want);
      expect(got.plausible).toBe(c.status !== "differs");
      expect(await workloadsPlausible(got.id)).toEqual([c.status !== "differs", c.status !== "differs"]);
      if (c.status === "differs") {
        expect(got.flags).toContainEqual({ workloadId: null, code: "output_differs", message: expect.stringContaining("not a near-tie by the runs' scores (margin 0.25 nats)") });
      }
    }
    const tie = await ingest(run("Tie-A", cases[0]!.fp, gpu));
    const text = describeOutputStatus("diverges", { agreement: tie.outputAgreement, firstDiff: tie.outputFirstDiff, tie: tie.outputTie as TieJudgement });
    expect(text).toContain("near-tie (within 0.25 nats): the reference's token is 0.05 nats below this run's own; this run's token is 0.10 nats below the reference's own");
  });

  it("keeps the token-only rule where neither run has scores, and judges waiting runs when a scored reference arrives", async () => {
    const plain = await ingest(run("Tie-B", { tokenIds: cpu.tokenIds, topK: null }));
    expect(plain.outputStatus).toBe("reference");
    const early = await ingest(run("Tie-B", leaving(3, 399, null), gpu));
    expect(early).toMatchObject({ outputStatus: "differs", outputTie: null, plausible: false });

    // A run waits for a reference (none yet for this file); the reference's scores then show a near-tie.
    const waiting = await ingest(run("Tie-C", leaving(3, 399, { ids: [399, 261], logprobs: [-0.72, -0.77] }), gpu));
    expect(waiting.outputStatus).toBe("unchecked");
    await ingest(run("Tie-C", { tokenIds: cpu.tokenIds, topK: cpu.topK.map((e, i) => (i === 3 ? { ids: [261, 399], logprobs: [-0.7, -0.8] } : e)) }));
    expect(await row(waiting.id)).toMatchObject({ outputStatus: "diverges", plausible: true, outputTie: { nearTie: true } });
  });
});
