import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWorkloadId, SUITE_V1, workloadId } from "../../lib/core/contracts/workloads";

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
      fc.property(fc.nat(100_000), fc.nat(100_000), fc.nat(1_000_000), (p, g, d) => {
        fc.pre(p + g > 0);
        const id = workloadId(p, g, d);
        const w = parseWorkloadId(id);
        return w !== null && w.nPrompt === p && w.nGen === g && w.nDepth === d;
      }),
    );
  });
});
