import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLeaderboardWorkload, MAX_BATCH, parseWorkloadId, SUITES, SUITE_V1, unbatchedId, workloadId } from "../../lib/core/contracts/workloads";

describe("workload ids", () => {
  it("parses llama-bench ids", () => {
    expect(parseWorkloadId("pp512")).toMatchObject({ nPrompt: 512, nGen: 0, nDepth: 0 });
    expect(parseWorkloadId("tg128")).toMatchObject({ nPrompt: 0, nGen: 128, nDepth: 0 });
    expect(parseWorkloadId("pp512+tg128")).toMatchObject({ nPrompt: 512, nGen: 128 });
    expect(parseWorkloadId("tg128@d4096")).toMatchObject({ nGen: 128, nDepth: 4096 });
    expect(parseWorkloadId("ttft")).toMatchObject({ kind: "ttft", nGen: 1 });
  });

  it("rejects malformed ids", () => {
    for (const bad of ["", "pp", "pp0", "tg0", "pp512tg128", "+tg128", "pp512+", "@d4096", "tg128@d", "PP512", "pp-1"]) {
      expect(parseWorkloadId(bad), bad).toBeNull();
    }
  });

  it("suite v1 is the issue's list in order", () => {
    expect(SUITE_V1.map((w) => w.id)).toEqual(["pp512", "tg128", "pp512+tg128", "tg128@d4096", "ttft"]);
  });

  it("format and parse round-trip (property)", () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), fc.nat(1_000_000), fc.integer({ min: 1, max: MAX_BATCH }), (p, g, d, b) => {
        fc.pre(p + g > 0);
        const id = workloadId(p, g, d, b);
        const w = parseWorkloadId(id);
        return w !== null && w.nPrompt === p && w.nGen === g && w.nDepth === d && w.nBatch === b && unbatchedId(id) === workloadId(p, g, d);
      }),
    );
  });

  it("batched ids: B parallel sequences, one name per workload, the server suite sweeps B", () => {
    expect(parseWorkloadId("tg128@b8")).toMatchObject({ nGen: 128, nBatch: 8, phase: "decode" });
    expect(parseWorkloadId("pp512+tg128@b32")).toMatchObject({ nPrompt: 512, nGen: 128, nBatch: 32, phase: "mixed" });
    expect(parseWorkloadId("tg128@d4096@b8")).toMatchObject({ nDepth: 4096, nBatch: 8 });
    expect(parseWorkloadId("tg128")).toMatchObject({ nBatch: 1 });
    for (const bad of ["tg128@b1", "tg128@b0", "tg128@b08", "tg128@b2000", "tg128@b8@d4096", "ttft@b8", "tg128@b"]) expect(parseWorkloadId(bad), bad).toBeNull();
    expect(SUITES.server.map((w) => w.id)).toEqual(["tg128", "tg128@b8", "tg128@b32", "tg128@b64", "tg128@b128", "tg128@b256"]);
    // batched results are not leaderboard columns (those compare single streams)
    expect(isLeaderboardWorkload("tg128@b8", "tg")).toBe(false);
    expect(isLeaderboardWorkload("tg128", "tg")).toBe(true);
  });
});
