import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { checkSubmission, decodeEfficiency, rooflineTokensPerSec } from "../../lib/core/measure/plausibility";
import { makeSubmission } from "../helpers/fixtures";

function parsed(mutate: (s: any) => void = () => {}) {
  const s = structuredClone(makeSubmission({ workloads: 5 }));
  mutate(s);
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}

describe("plausibility", () => {
  it("roofline bound: 50 GB/s over a 0.77 GB model allows ~65 tokens/s", () => {
    expect(rooflineTokensPerSec(50, 770e6)).toBeCloseTo(64.94, 2);
    expect(decodeEfficiency(32.47, 770e6, 50)).toBeCloseTo(0.5, 2);
  });

  it("passes a result under the bound", () => {
    expect(checkSubmission(parsed())).toEqual([]);
  });

  it("flags decode faster than memory bandwidth allows", () => {
    const s = parsed((x) => {
      // tg128 in 0.5 s = 256 tokens/s > 1.5 x 65
      for (const smp of x.workloads[1].samples) smp.durationNs = 5e8;
    });
    const flags = checkSubmission(s);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ workloadId: "tg128", code: "exceeds_roofline" });
  });

  it("does not apply the DRAM bound to models small enough for caches, nor without a bandwidth", () => {
    const small = parsed((x) => {
      x.model.fileBytes = 1_185_376;
      for (const smp of x.workloads[1].samples) smp.durationNs = 5e8;
    });
    expect(checkSubmission(small)).toEqual([]);
    const noBw = parsed((x) => {
      x.device.memoryBandwidthGBps = null;
      for (const smp of x.workloads[1].samples) smp.durationNs = 5e8;
    });
    expect(checkSubmission(noBw)).toEqual([]);
  });

  it("flags absolute ceilings and token counts beyond the workload", () => {
    const s = parsed((x) => {
      x.workloads[0].samples[0].durationNs = 1; // pp512 in 1 ns
      x.workloads[1].samples[0].genTokens = 129;
    });
    const codes = checkSubmission(s).map((f) => `${f.workloadId}:${f.code}`);
    expect(codes).toContain("pp512:exceeds_ceiling");
    expect(codes).toContain("tg128:inconsistent_tokens");
  });
});
