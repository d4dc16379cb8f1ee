import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { makeSubmission } from "../../harness/fixtures";

type Json = Record<string, any>;
const clone = (): Json => structuredClone(makeSubmission({ workloads: 5 })) as Json;

describe("submission contract", () => {
  it("accepts a complete submission and fills defaults", () => {
    const r = parseSubmission(clone());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.submission.workloads).toHaveLength(5);
      expect(r.submission.device.battery).toBeNull();
      expect(r.submission.options.flashAttention).toBeNull();
    }
  });

  it("reports field-level paths for each invalid field", () => {
    const s = clone();
    s.workloads[1].samples[2].durationNs = 0;
    s.device.ramBytes = -1;
    s.submissionId = "not-a-uuid";
    const r = parseSubmission(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.issues.map((i) => i.path).sort();
      expect(paths).toEqual(["device.ramBytes", "submissionId", "workloads.1.samples.2.durationNs"]);
    }
  });

  it("rejects unknown workload ids, duplicate workloads and finish before start", () => {
    const s = clone();
    s.workloads[0].workloadId = "pp512tg128";
    s.workloads[2].workloadId = s.workloads[1].workloadId;
    s.finishedAt = "2026-11-28T09:00:00.000Z";
    const r = parseSubmission(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.issues.map((i) => i.path);
      expect(paths).toContain("workloads.0.workloadId");
      expect(paths).toContain("workloads.2.workloadId");
      expect(paths).toContain("finishedAt");
    }
  });

  it("requires an error message on failed workloads and samples on ok ones", () => {
    const s = clone();
    s.workloads[0].status = "crash";
    s.workloads[1].samples = [];
    const r = parseSubmission(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(["workloads.0.error", "workloads.1.samples"]);
  });

  // Every numeric measurement field must reject negative, non-finite and (for durations) zero values.
  const numericPaths: (string | number)[][] = [
    ["workloads", 0, "samples", 0, "durationNs"],
    ["workloads", 0, "samples", 0, "promptTokens"],
    ["workloads", 0, "memory", "peakRssBytes"],
    ["workloads", 0, "memory", "kvBytes"],
    ["workloads", 0, "power", 0, "energyJ"],
    ["workloads", 0, "power", 0, "avgPowerW"],
    ["workloads", 1, "decodeEnergyPerToken", "totalJ"],
    ["workloads", 1, "powerTrace", 0, "powerW", 1],
    ["idlePower", 0, "avgPowerW"],
    ["device", "memoryBandwidthGBps"],
    ["model", "fileBytes"],
    ["device", "cpu", "cores"],
  ];
  const setPath = (o: Json, p: (string | number)[], v: unknown) => {
    let cur = o;
    for (const k of p.slice(0, -1)) cur = cur[k];
    cur[p[p.length - 1]!] = v;
  };

  it("rejects any negative or non-finite value in any measurement field (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...numericPaths),
        fc.oneof(
          fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
          fc.constant(Number.NaN),
          fc.constant(Number.POSITIVE_INFINITY),
          fc.constant(Number.NEGATIVE_INFINITY),
        ),
        (p, bad) => {
          const s = clone();
          setPath(s, p, bad);
          const r = parseSubmission(s);
          return !r.ok && r.issues.some((i) => i.path === p.join("."));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts any positive integer duration and token counts within bounds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400e9 }), fc.integer({ min: 1, max: 100_000 }), (ns, tokens) => {
        const s = clone();
        s.workloads[0].samples[0].durationNs = ns;
        s.workloads[0].samples[0].promptTokens = tokens;
        return parseSubmission(s).ok;
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary JSON input (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseSubmission(v);
        return r.ok === false && r.issues.length > 0;
      }),
      { numRuns: 300 },
    );
  });

  it("rejects fractional token counts and durations", () => {
    const s = clone();
    s.workloads[0].samples[0].durationNs = 1.5;
    s.workloads[0].samples[1].genTokens = 0.5;
    const r = parseSubmission(s);
    expect(r.ok).toBe(false);
  });
});

describe("device memory", () => {
  it("may be unknown (null, as a browser reports it) but not zero or negative", () => {
    const s = makeSubmission({ workloads: 1 });
    expect(parseSubmission({ ...s, device: { ...s.device, ramBytes: null } }).ok).toBe(true);
    expect(parseSubmission({ ...s, device: { ...s.device, ramBytes: 0 } }).ok).toBe(false);
    const { ramBytes: _omitted, ...noRam } = s.device;
    expect(parseSubmission({ ...s, device: noRam }).ok).toBe(false);
  });
});
