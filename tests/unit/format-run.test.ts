/** How the run and device pages write a run's time and options (lib/core/present/format.ts). */
import { describe, expect, it } from "vitest";
import { formatOptions, formatUtcMinute } from "../../lib/core/present/format";

describe("run page formats", () => {
  it("writes a time to the minute, in UTC and saying so", () => {
    expect(formatUtcMinute(new Date("2026-12-06T09:44:59.999Z"))).toBe("2026-12-06 09:44 UTC");
  });

  it("writes a run's options as words, leaving out unset ones; nested values as JSON; nothing usable as a dash", () => {
    expect(formatOptions({ threads: 4, flashAttention: "auto", batchSize: 512, ubatchSize: null, gpuLayers: "all", useMmap: false })).toBe(
      "threads 4 · flashAttention auto · batchSize 512 · gpuLayers all · useMmap false",
    );
    expect(formatOptions({ tensorSplit: [0.5, 0.5] })).toBe("tensorSplit [0.5,0.5]");
    for (const none of [null, undefined, {}, { a: null }, [1, 2], "threads 4"]) expect(formatOptions(none)).toBe("—");
  });
});
