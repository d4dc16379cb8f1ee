import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { energyPerToken } from "../../lib/core/measure/energy";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { bytesPerDecodedToken, cacheResident, decodeRoofline, rooflineEfficiency, weightsBandwidth } from "../../lib/core/measure/roofline";
import { makeSubmission } from "../../harness/fixtures";

function parsed(mutate: (s: any) => void = () => {}) {
  const s = structuredClone(makeSubmission({ workloads: 5 }));
  // a host bandwidth measured as read bandwidth, as the runner now measures it
  s.device.memoryBandwidthMethod = "read-stream";
  mutate(s);
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}
const codes = (s: ReturnType<typeof parsed>) => checkSubmission(s).map((f) => `${f.workloadId}:${f.code}`);

describe("roofline", () => {
  it("bytes per token are the weights a token reads plus the KV cache at the mean depth", () => {
    const m = { fileBytes: 800e6, weightsReadPerTokenBytes: 700e6, kvBytesPerToken: 32_768 };
    expect(bytesPerDecodedToken(m, 0, 128)).toBe(700e6 + 32_768 * 64);
    expect(bytesPerDecodedToken(m, 4096, 128)).toBe(700e6 + 32_768 * (4096 + 64));
    expect(bytesPerDecodedToken({ fileBytes: 800e6, weightsReadPerTokenBytes: null, kvBytesPerToken: null }, 4096, 128)).toBe(800e6);
    expect(rooflineEfficiency(32.47, 770e6, 50)).toBeCloseTo(0.5, 2);
  });

  it("uses the bandwidth of the memory holding the weights: host read bandwidth for CPU, the GPU's for GPU backends, none otherwise", () => {
    const host = { backend: "cpu" as const, memoryBandwidthGBps: 50, memoryBandwidthMethod: "read-stream" as const, deviceMemoryBandwidth: null };
    expect(weightsBandwidth(host)).toEqual({ gbps: 50, method: "read-stream" });
    expect(weightsBandwidth({ ...host, memoryBandwidthMethod: null })).toBeNull(); // a copy figure is about half the read bandwidth
    expect(weightsBandwidth({ ...host, backend: "cuda" })).toBeNull(); // host RAM says nothing of a GPU's memory
    expect(weightsBandwidth({ ...host, backend: "cuda", deviceMemoryBandwidth: { gbps: 4800, source: "reported", note: "NVIDIA H200 datasheet" } })).toEqual({ gbps: 4800, method: "reported" });
    expect(cacheResident({ fileBytes: 143e6, weightsReadPerTokenBytes: null }, "cpu", 32 * 2 ** 20)).toBe(false);
    expect(cacheResident({ fileBytes: 100e6, weightsReadPerTokenBytes: null }, "cpu", 32 * 2 ** 20)).toBe(true);
    expect(cacheResident({ fileBytes: 100e6, weightsReadPerTokenBytes: null }, "cpu", null)).toBe(true); // unknown LLC: under 256 MiB
  });
});

describe("plausibility, recomputed on the server", () => {
  it("passes an honest CPU result", () => {
    expect(checkSubmission(parsed())).toEqual([]);
  });

  it("never flags from the measured bandwidth: an honest decode above it passes (a diagnostic), one above the physical peak does not", () => {
    // tg128 at 256 tokens/s x 0.77 GB = 197 GB/s: 4x the measured 50 GB/s, under a laptop's 546 GB/s peak.
    const at = (tps: number) =>
      parsed((x) => {
        for (const smp of x.workloads[1].samples) smp.durationNs = Math.round((128 / tps) * 1e9);
        x.workloads[1].power = [];
        x.workloads[1].energyPerToken = x.workloads[1].decodeEnergyPerToken = null;
      });
    expect(codes(at(256))).toEqual([]);
    expect(codes(at(1000))).toEqual(["tg128:exceeds_physics"]);
    expect(checkSubmission(at(1000))[0]!.message).toMatch(/546 GB\/s/);
  });

  it("bounds a GPU backend by its GPU's memory, not the host's", () => {
    const cuda = (tps: number) =>
      parsed((x) => {
        x.device.backend = "cuda";
        x.device.deviceClass = "server";
        x.device.gpus = [{ vendor: "NVIDIA", model: "H200", vramBytes: 141e9, driver: null }];
        x.device.deviceMemoryBandwidth = { gbps: 4800, source: "reported", note: "NVIDIA H200 datasheet" };
        x.options.gpuLayers = "all";
        for (const w of x.workloads) {
          w.energyPerToken = w.decodeEnergyPerToken = w.prefillEnergyPerToken = null;
          w.power = [];
        }
        for (const smp of x.workloads[1].samples) smp.durationNs = Math.round((128 / tps) * 1e9);
      });
    // 3,000 tokens/s x 0.77 GB = 2.3 TB/s: under the H200's 4.8 TB/s; 9,000 is 6.9 TB/s.
    expect(checkSubmission(cuda(3000))).toEqual([]);
    expect(codes(cuda(9000))).toEqual(["tg128:exceeds_physics"]);
  });

  it("checks that workload ids say what was measured, with the engine's prompt count within 2%", () => {
    const s = parsed((x) => {
      x.workloads[0].nPrompt = 128; // pp512 declared as 128 tokens
      x.workloads[2].samples[0].promptTokens = 514; // pp512+tg128: 514 is within 2% + BOS: fine
      x.workloads[1].samples[0].genTokens = 129;
    });
    expect(codes(s)).toEqual(["pp512:inconsistent_workload", "tg128:inconsistent_tokens"]);
    expect(codes(parsed((x) => (x.workloads[2].samples[0].promptTokens = 540)))).toEqual(["pp512+tg128:inconsistent_tokens"]);
  });

  it("flags absolute ceilings", () => {
    expect(codes(parsed((x) => (x.workloads[0].samples[0].durationNs = 1)))).toContain("pp512:exceeds_ceiling");
  });

  it("recomputes energy: J/token from the readings and tokens, readings from power and time, power within what a sensor reads", () => {
    expect(codes(parsed((x) => (x.workloads[1].energyPerToken.totalJ = 0.05)))).toEqual(["tg128:inconsistent_energy"]);
    expect(codes(parsed((x) => (x.workloads[1].power[0].avgPowerW = 150)))).toEqual(["tg128:inconsistent_energy"]);
    const huge = parsed((x) => {
      const r = x.workloads[1].power[0];
      r.energyJ *= 1000;
      r.avgPowerW *= 1000;
      x.workloads[1].energyPerToken.totalJ *= 1000;
    });
    expect(checkSubmission(huge).map((f) => f.message).join()).toMatch(/outside what a package sensor of a laptop device reads/);
    // per-repetition energies that do not add up to the J/token
    expect(codes(parsed((x) => x.workloads[1].samples.forEach((smp: any) => (smp.energyJ = 1))))).toEqual(["tg128:inconsistent_energy"]);
  });

  it("idle power between the baselines before and after the workloads: interpolated passes, outside them does not", () => {
    const after = (w: number) => (x: any) => (x.idlePowerAfter = [{ ...x.idlePower[0], energyJ: 2 * w, avgPowerW: w }]);
    // tg128's reading 15 W over the fixture's 5 W idle; an idle of 5.4 W interpolated, its above-idle recomputed as the runner would.
    const idleAt = (w: number) => (x: any) => {
      const tg = x.workloads[1];
      tg.power[0].idlePowerW = w;
      const tokens = tg.samples.reduce((a: number, smp: any) => a + smp.genTokens, 0);
      tg.energyPerToken.aboveIdleJ = tg.decodeEnergyPerToken.aboveIdleJ = energyPerToken(tg.power, tokens)!.aboveIdleJ;
    };
    expect(codes(parsed((x) => (after(5.8)(x), idleAt(5.4)(x))))).toEqual([]);
    expect(codes(parsed((x) => (after(5.8)(x), idleAt(5.8)(x))))).toEqual([]);
    expect(codes(parsed((x) => (after(5.8)(x), idleAt(6.5)(x))))).toEqual(["tg128:inconsistent_energy"]);
    expect(checkSubmission(parsed((x) => (after(5.8)(x), idleAt(4.5)(x))))[0]!.message).toMatch(/idle readings are 5\.000 W before and 5\.800 W after the workloads/);
    // Without a baseline after, the one before it must be (as before interpolation).
    expect(codes(parsed(idleAt(5.4)))).toEqual(["tg128:inconsistent_energy"]);
  });

  it("flags a workload whose idle baselines drifted apart by more than 10% of what it added above idle", () => {
    const after = (w: number) => (x: any) => (x.idlePowerAfter = [{ ...x.idlePower[0], energyJ: 2 * w, avgPowerW: w }]);
    const all = ["pp512", "tg128", "pp512+tg128", "tg128@d4096", "ttft"].map((id) => `${id}:idle_drift`);
    // Every workload adds 10 W over the 5 W idle: 0.9 W of drift passes, 2 W does not, up or down.
    expect(codes(parsed(after(5.9)))).toEqual([]);
    expect(codes(parsed(after(4.1)))).toEqual([]);
    expect(codes(parsed(after(7)))).toEqual(all);
    expect(codes(parsed(after(3)))).toEqual(all);
    expect(checkSubmission(parsed(after(7)))[0]!.message).toMatch(/idle baseline \(package\) moved from 5\.000 W before the workloads to 7\.000 W after them/);
  });

  it("checks browser runs and small models too", () => {
    const s = parsed((x) => {
      x.device.backend = "wasm";
      x.model = { name: "stories260K", family: "llama", parameterCount: 292_160, quantization: "F32", fileBytes: 1_185_376, sha256: null, weights: "real" };
      x.workloads[1].samples[0].genTokens = 100;
      x.workloads[1].energyPerToken = x.workloads[1].decodeEnergyPerToken = null;
      x.workloads[1].power = [];
    });
    expect(codes(s)).toEqual(["tg128:inconsistent_tokens"]);
    expect(decodeRoofline(s, { nDepth: 0, nGen: 128 }, 100)).toBeNull(); // cache-resident: no roofline %
  });
});
