import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fingerprintSchema, parseSubmission, type TopKEntry } from "../../lib/core/contracts/submission";
import {
  compareFingerprints,
  describeOutputStatus,
  judgeDivergence,
  NEAR_TIE_MARGIN_NATS,
  outputStatus,
  topKOf,
} from "../../lib/core/measure/fingerprint";
import { makeSubmission } from "../../harness/fixtures";

/** A real reference: stories260K's fp1 fingerprint on llama.cpp's CPU, with its top-5 scores. */
const cpu = JSON.parse(readFileSync(new URL("../fixtures/fingerprint/stories260K-fp1-cpu.json", import.meta.url), "utf8")) as {
  promptTokens: number;
  tokenIds: number[];
  topK: TopKEntry[];
};

/** `ref`'s tokens up to `at`, then `token`, then `rest` (a run that leaves the reference at `at`). */
function leaving(ref: readonly number[], at: number, token: number, rest = 7): number[] {
  return ref.map((t, i) => (i < at ? t : i === at ? token : rest));
}

function verdict(run: { tokenIds: number[]; topK?: TopKEntry[] | null }, ref: { tokenIds: number[]; topK?: TopKEntry[] | null }) {
  const c = compareFingerprints(run.tokenIds, ref.tokenIds);
  const tie = c.firstDiff === null ? null : judgeDivergence(c.firstDiff, run, ref);
  return { status: outputStatus(c, tie), tie };
}

describe("the output check's near-tie rule", () => {
  it("keeps an early near-tie (both runs score the two tokens within the margin) as diverges, not differs", () => {
    // Position 3 scored as a near-tie by both runs: the reference prefers 261 by 0.10 nats, the candidate 399 by 0.05.
    const refTop = cpu.topK.map((e, i) => (i === 3 ? { ids: [261, 399, 262], logprobs: [-0.7, -0.8, -3] } : e));
    const ref = { tokenIds: cpu.tokenIds, topK: refTop };
    const runIds = leaving(cpu.tokenIds, 3, 399);
    const runTop = refTop.map((e, i) => (i === 3 ? { ids: [399, 261, 262], logprobs: [-0.72, -0.77, -3] } : i > 3 ? { ids: [7], logprobs: [0] } : e));
    const v = verdict({ tokenIds: runIds, topK: runTop }, ref);
    expect(v.tie).toMatchObject({ nearTie: true, marginNats: NEAR_TIE_MARGIN_NATS });
    expect(v.tie!.candidateGapNats).toBeCloseTo(0.05, 9);
    expect(v.tie!.referenceGapNats).toBeCloseTo(0.1, 9);
    expect(v.status).toBe("diverges");
    const text = describeOutputStatus(v.status, { agreement: 0.1, firstDiff: 3, tie: v.tie });
    expect(text).toContain("near-tie");
    expect(text).toContain("kept on the ranking");
    // One side's scores suffice where the other has none (a browser engine, an older reference).
    expect(verdict({ tokenIds: runIds, topK: null }, ref).status).toBe("diverges");
    expect(verdict({ tokenIds: runIds, topK: runTop }, { tokenIds: cpu.tokenIds, topK: null }).status).toBe("diverges");
  });

  it("calls it differs when the reference's token is outside the candidate's top-k or beyond the margin", () => {
    // Real scores: at position 5 the reference prefers 298 over 268 by 0.84 nats, beyond the margin.
    const ref = { tokenIds: cpu.tokenIds, topK: cpu.topK };
    const flip5 = leaving(cpu.tokenIds, 5, 268);
    const v5 = verdict({ tokenIds: flip5, topK: null }, ref);
    expect(v5.tie!.referenceGapNats).toBeGreaterThan(NEAR_TIE_MARGIN_NATS);
    expect(v5).toMatchObject({ status: "differs", tie: { nearTie: false } });
    // At position 3 a candidate picks 500, which the reference does not rank in its top 5.
    const flip3 = leaving(cpu.tokenIds, 3, 500);
    const top3 = cpu.topK.map((e, i) => (i === 3 ? { ids: [500, 261], logprobs: [-0.5, -0.6] } : e));
    const v3 = verdict({ tokenIds: flip3, topK: top3 }, ref);
    expect(v3.tie).toMatchObject({ candidateGapNats: expect.closeTo(0.1, 9), referenceGapNats: "outside", nearTie: false });
    expect(v3.status).toBe("differs");
    expect(describeOutputStatus("differs", { agreement: 0.1, firstDiff: 3, tie: v3.tie })).toContain("not among the reference's top 5");
    // The candidate's own scores put the reference's token outside its top-k: differs, whatever the reference says.
    const outside = cpu.topK.map((e, i) => (i === 3 ? { ids: [500, 262], logprobs: [-0.1, -3] } : e));
    expect(verdict({ tokenIds: flip3, topK: outside }, { tokenIds: cpu.tokenIds, topK: null }).tie).toMatchObject({ candidateGapNats: "outside", nearTie: false });
    // Just beyond the margin in the candidate's view.
    const wide = cpu.topK.map((e, i) => (i === 3 ? { ids: [500, 261], logprobs: [-0.1, -0.1 - NEAR_TIE_MARGIN_NATS - 0.01] } : e));
    expect(verdict({ tokenIds: flip3, topK: wide }, { tokenIds: cpu.tokenIds, topK: null }).status).toBe("differs");
  });

  it("keeps the token-only rule without scores, and judges a real late near-tie", () => {
    const early = leaving(cpu.tokenIds, 3, 399);
    expect(verdict({ tokenIds: early }, { tokenIds: cpu.tokenIds })).toEqual({ status: "differs", tie: null });
    expect(verdict({ tokenIds: leaving(cpu.tokenIds, 9, 410) }, { tokenIds: cpu.tokenIds })).toEqual({ status: "diverges", tie: null });
    expect(verdict({ tokenIds: cpu.tokenIds, topK: cpu.topK }, { tokenIds: cpu.tokenIds, topK: cpu.topK })).toEqual({ status: "match", tie: null });
    // stories260K's closest real call: position 16, 410 over 335 by 0.13 nats.
    const v16 = verdict({ tokenIds: leaving(cpu.tokenIds, 16, 335) }, { tokenIds: cpu.tokenIds, topK: cpu.topK });
    expect(v16.tie).toMatchObject({ nearTie: true, candidateGapNats: null });
    expect(v16.status).toBe("diverges");
  });

  it("takes the k most likely tokens of a distribution, with floored natural-log probabilities", () => {
    const p = new Map([[4, 0.1], [9, 0.6], [2, 0.25], [7, 0.05], [1, 0]]);
    expect(topKOf(p, 3)).toEqual({ ids: [9, 2, 4], logprobs: [Math.log(0.6), Math.log(0.25), Math.log(0.1)] });
    expect(topKOf(p, 9).logprobs.at(-1)).toBe(-200);
  });
});

describe("the fingerprint's top-k in the contract", () => {
  const fp = { version: "fp1", promptTokens: cpu.promptTokens, tokenIds: cpu.tokenIds };

  it("accepts a real run's scores and a run without any", () => {
    expect(fingerprintSchema.safeParse({ ...fp, topK: cpu.topK }).success).toBe(true);
    expect(fingerprintSchema.parse(fp).topK).toBeNull();
    const s = { ...makeSubmission(), fingerprint: { ...fp, topK: cpu.topK } };
    expect(parseSubmission(s).ok).toBe(true);
  });

  it("refuses scores that do not fit the tokens or are not log-probabilities", () => {
    const bad = (topK: unknown) => fingerprintSchema.safeParse({ ...fp, topK }).success;
    expect(bad(cpu.topK.slice(1))).toBe(false); // one entry short
    expect(bad(cpu.topK.map((e, i) => (i === 2 ? { ids: [999, ...e.ids.slice(1)], logprobs: e.logprobs } : e)))).toBe(false); // the emitted token is not the top
    expect(bad(cpu.topK.map((e, i) => (i === 2 ? { ids: e.ids, logprobs: [...e.logprobs].reverse() } : e)))).toBe(false); // not most likely first
    expect(bad(cpu.topK.map((e, i) => (i === 2 ? { ids: e.ids, logprobs: e.logprobs.map((x) => x + 50) } : e)))).toBe(false); // above 0
    expect(bad(cpu.topK.map((e, i) => (i === 2 ? { ids: e.ids.slice(0, 3), logprobs: e.logprobs } : e)))).toBe(false); // lengths differ
    expect(bad(cpu.topK.map((e, i) => (i === 2 ? { ids: [e.ids[0], e.ids[0]], logprobs: [-1, -1] } : e)))).toBe(false); // repeated id
    expect(bad(cpu.topK.map((e) => ({ ids: Array.from({ length: 17 }, (_, k) => (k === 0 ? e.ids[0] : 1000 + k)), logprobs: Array.from({ length: 17 }, (_, k) => -k) })))).toBe(false); // too many
  });
});
