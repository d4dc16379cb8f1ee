/** The composite score (lib/core/measure/score.ts): known inputs give known scores; a missing or foreign figure gives none. */
import { describe, expect, it } from "vitest";
import { bestScore, compositeScore, SCORE_REFERENCE, type ScoreInput } from "../../lib/core/measure/score";

const ref = SCORE_REFERENCE;
const asRef: ScoreInput = { modelName: ref.modelName, quantization: ref.quantization, pp512Ts: ref.pp512Ts, tg128Ts: ref.tg128Ts, ttftMs: ref.ttftMs, ttftPromptTokens: ref.ttftPromptTokens };

describe("the composite score", () => {
  it("is 1,000 for the reference itself", () => {
    expect(compositeScore(asRef)).toEqual({ score: 1000, ratios: { pp512: 1, tg128: 1, ttft: 1 } });
  });

  it("is the geometric mean of the three ratios, times 1,000", () => {
    // Twice as fast everywhere (half the TTFT): 2,000.
    expect(compositeScore({ ...asRef, pp512Ts: ref.pp512Ts * 2, tg128Ts: ref.tg128Ts * 2, ttftMs: ref.ttftMs / 2 }).score).toBe(2000);
    // 8 × prompt speed alone: ∛8 = 2.
    expect(compositeScore({ ...asRef, pp512Ts: ref.pp512Ts * 8 }).score).toBe(2000);
    // Known figures by hand: pp 372.82 (×2), tg 17.388 (×0.5), TTFT 511.81 ms (×2): ∛2 × 1000 = 1259.9.
    expect(compositeScore({ ...asRef, pp512Ts: 372.82, tg128Ts: 17.388, ttftMs: 511.81 }).score).toBe(1260);
    // A slower TTFT lowers it: 8 × the TTFT is half the score.
    expect(compositeScore({ ...asRef, ttftMs: ref.ttftMs * 8 }).score).toBe(500);
  });

  it("has none when a workload is missing, naming it", () => {
    expect(compositeScore({ ...asRef, ttftMs: null })).toEqual({ score: null, reason: "no TTFT measured" });
    expect(compositeScore({ ...asRef, pp512Ts: null, tg128Ts: null })).toEqual({ score: null, reason: "no pp512, tg128 measured" });
  });

  it("has none for another model or quantization", () => {
    expect(compositeScore({ ...asRef, modelName: "SmolLM2-135M" }).score).toBeNull();
    expect(compositeScore({ ...asRef, quantization: "Q8_0" })).toEqual({ score: null, reason: "the score is for Llama-3.2-1B Q4_0 only" });
  });

  it("has none for TTFT at another prompt length (another tokenizer measured another prompt)", () => {
    expect(compositeScore({ ...asRef, ttftPromptTokens: 48 })).toEqual({ score: null, reason: "TTFT measured at 48 prompt tokens, the reference's at 205" });
    expect(compositeScore({ ...asRef, ttftPromptTokens: null }).score).toBeNull();
  });

  it("refuses zero, negative and non-finite figures rather than scoring them", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(compositeScore({ ...asRef, pp512Ts: bad }).score, String(bad)).toBeNull();
      expect(compositeScore({ ...asRef, tg128Ts: bad }).score, String(bad)).toBeNull();
      expect(compositeScore({ ...asRef, ttftMs: bad }).score, String(bad)).toBeNull();
    }
  });

  it("picks the best-scoring configuration, or says why none scores", () => {
    const slow = { ...asRef, tg128Ts: ref.tg128Ts / 8, id: "slow" };
    const fast = { ...asRef, pp512Ts: ref.pp512Ts * 8, id: "fast" };
    const other = { ...asRef, quantization: "Q8_0", id: "other" };
    const b = bestScore([slow, other, fast]);
    expect(b.row?.id).toBe("fast");
    expect(b.row && b.result.score).toBe(2000);
    expect(bestScore([other])).toEqual({ row: null, reason: "the score is for Llama-3.2-1B Q4_0 only" });
    expect(bestScore([])).toEqual({ row: null, reason: "no Llama-3.2-1B Q4_0 measured" });
  });
});
