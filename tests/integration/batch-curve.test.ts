/**
 * The TCO model's measured data-center curve (lib/server/read/batch-curve.ts) admits only the
 * scopes its header promises: a GPU or wider one. A CPU package (or DRAM) figure, from a server-class
 * CPU run or a GPU run with no GPU sensor, leaves out the accelerator and is no point on it.
 */
import { describe, expect, it } from "vitest";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { measuredBatchCurves } from "../../lib/server/read/batch-curve";
import { parseSubmission, type SubmissionInput } from "../../lib/core/contracts/submission";
import { makeServerRun } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

/** Each sensor of a scope label ("package+dram+gpu": three) and the tier its reading gives. */
const SENSORS: Record<string, { sensor: string; tier: "counter" | "external" }> = {
  gpu: { sensor: "nvml:0", tier: "counter" },
  package: { sensor: "intel-rapl:0", tier: "counter" },
  dram: { sensor: "intel-rapl:0:0", tier: "counter" },
  wall: { sensor: "meter:wall", tier: "external" },
};

/**
 * A server-suite run whose J/token is measured in `scope` (its readings split the energy among the
 * scope's sensors, so the server's check that they give the J/token holds), on a distinct device.
 */
function runIn(scope: string, device: string, o: Parameters<typeof makeServerRun>[1] = {}): SubmissionInput {
  const s = makeServerRun({ 1: 8, 8: 1.2 }, o);
  s.device.model = device;
  const parts = scope.split("+");
  for (const w of s.workloads) {
    const [r] = w.power ?? [];
    const tier = SENSORS[parts[0]!]!.tier;
    w.power = parts.map((p) => ({ ...r!, scope: p as "gpu", sensor: SENSORS[p]!.sensor, tier: SENSORS[p]!.tier, energyJ: r!.energyJ! / parts.length, avgPowerW: r!.avgPowerW! / parts.length }));
    const label = { scope, sensors: parts.map((p) => SENSORS[p]!.sensor), tier };
    w.energyPerToken = { ...w.energyPerToken!, ...label };
    w.decodeEnergyPerToken = { ...w.decodeEnergyPerToken!, ...label };
  }
  return s;
}

describe.each(DB_KINDS)("batch curves: GPU or wider scopes only, on %s", (kind) => {
  const h = withTestDb(kind);

  it("admits GPU, GPU-including and whole-device scopes; refuses CPU package and DRAM scopes", async () => {
    const runs = {
      gpu: runIn("gpu", "GPU node"),
      parts: runIn("package+dram+gpu", "Summed node"),
      wall: runIn("wall", "Wall node", { backend: "cpu" }),
      // The finding: a server-class CPU run measured by RAPL qualified as a data-center GPU curve.
      cpuPackage: runIn("package", "RAPL CPU node", { backend: "cpu" }),
      // A CUDA run with only the CPU's counters: the GPU's energy is not in it.
      cudaPackage: runIn("package+dram", "CUDA node without NVML"),
    };
    for (const s of Object.values(runs)) {
      const p = parseSubmission(s);
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      expect((await ingestSubmission(h.db, p.submission, null)).flags, s.device.model).toEqual([]);
    }
    await setPublished(h.db, { submissionIds: Object.values(runs).map((s) => s.submissionId) }, true);
    const curves = await measuredBatchCurves(h.db);
    expect(curves.map((c) => [c.device, c.backend, c.energyScope]).sort()).toEqual([
      ["Fixture GPU node", "cuda", "gpu"],
      ["Fixture Summed node", "cuda", "package+dram+gpu"],
      ["Fixture Wall node", "cpu", "wall"],
    ]);
    for (const c of curves) expect(c.points).toEqual([[1, expect.closeTo(8, 9)], [8, expect.closeTo(1.2, 9)]]);
  });
});
