/**
 * The native session interpolates the idle baseline (review N5): a meter whose idle power rises
 * steadily through the whole session (and the workload adds nothing to it, as the null engine
 * sleeps) has no energy above idle once the idle power is interpolated over the workload's own
 * repetitions; the before-baseline alone would have called the ramp the workload's. The server
 * flags that workload idle_drift from the submitted readings; a steady meter gets no flag. The idle
 * settle is 0 here (the default waits 10 s before each baseline).
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { workloadResults } from "../../lib/server/db/schema";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { DB_KINDS, openTestDb } from "../helpers/db";
import { parseWorkloadId } from "../../lib/core/contracts/workloads";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { runSession } from "../../runners/native/session";
import { probeDevice } from "../../runners/native/device/probe";
import { nowNs, SampledMeter } from "../../runners/native/power/meter";

/** A wall meter reading `baseW` plus `rampWPerS` for every second since it was made. */
const fakeMeter = (baseW: number, rampWPerS: number) => {
  const t0 = nowNs();
  return new SampledMeter("external:fake", "wall", async () => baseW + (rampWPerS * (nowNs() - t0)) / 1e9, 10, "external");
};

const session = async (meter: SampledMeter): Promise<Submission> =>
  runSession({
    device: await probeDevice("cpu", null, ["cpu"]),
    model: { path: "/dev/null", info: { name: "null-model", family: null, parameterCount: 1_000_000, quantization: "F32", fileBytes: 4_000_000, sha256: null, weights: "synthetic", source: null, weightsReadPerTokenBytes: null, kvBytesPerToken: null } },
    engine: "null",
    llama: { backend: "cpu", contextSize: 512 },
    backend: "cpu",
    workloads: [parseWorkloadId("tg8")!],
    repetitions: 3,
    meters: [meter],
    idleSeconds: 0.3,
    idleSettleMs: 0,
    bandwidthGBps: null,
    nullMsPerToken: { prompt: 0.01, gen: 20 }, // 160 ms a repetition
  });

describe("idle baseline interpolated through a native session", () => {
  it("a steadily rising idle: nothing above idle for a workload that adds nothing, and flagged idle_drift", async () => {
    const s = await session(fakeMeter(10, 2));
    expect(parseSubmission(s).ok).toBe(true);
    const before = s.idlePower[0]!.avgPowerW!;
    const after = s.idlePowerAfter[0]!.avgPowerW!;
    expect(after - before).toBeGreaterThan(0.5); // the session took over a quarter of a second between the baselines
    const w = s.workloads[0]!;
    const r = w.power[0]!;
    expect(r.idlePowerW!).toBeGreaterThan(before);
    expect(r.idlePowerW!).toBeLessThan(after);
    const tokens = w.samples.reduce((a, x) => a + x.genTokens, 0);
    const aboveJ = w.energyPerToken!.aboveIdleJ! * tokens;
    // Interpolated: the ramp is idle, within 1% of the workload's energy.
    expect(Math.abs(aboveJ)).toBeLessThan(0.01 * r.energyJ!);
    // The before-baseline alone would have charged the ramp since then to the workload.
    const beforeOnlyJ = r.energyJ! - before * (r.durationNs / 1e9);
    expect(beforeOnlyJ).toBeGreaterThan(0.02 * r.energyJ!);
    expect(checkSubmission(s).filter((f) => f.code === "idle_drift").map((f) => f.workloadId)).toEqual(["tg8"]);
  });

  it("a steady meter: the same idle before and after, no drift flag", async () => {
    const s = await session(fakeMeter(10, 0));
    expect(s.idlePowerAfter[0]!.avgPowerW).toBeCloseTo(s.idlePower[0]!.avgPowerW!, 9);
    expect(s.workloads[0]!.power[0]!.idlePowerW).toBeCloseTo(10, 9);
    expect(checkSubmission(s).filter((f) => f.code === "idle_drift")).toEqual([]);
  });
});

describe.each(DB_KINDS)("an idle_drift workload stored on %s", (kind) => {
  it("stays ranked (plausible) with its speed and total J/token; its above-idle J/token is withheld", async () => {
    const drifting = await session(fakeMeter(10, 2));
    const steady = await session(fakeMeter(10, 0));
    const h = await openTestDb(kind);
    try {
      for (const s of [drifting, steady]) {
        const parsed = parseSubmission(s);
        if (!parsed.ok) throw new Error("the session's submission does not parse");
        await ingestSubmission(h.db, parsed.submission, null);
      }
      const row = async (id: string) => (await h.db.select().from(workloadResults).where(eq(workloadResults.submissionId, id)))[0]!;
      const d = await row(drifting.submissionId);
      const st = await row(steady.submissionId);
      expect(checkSubmission(drifting).map((f) => f.code)).toEqual(["idle_drift"]); // no other flag: the comparison is about this one
      expect(d).toMatchObject({ plausible: true, jPerTokenAboveIdle: null });
      expect(d.jPerToken).toBeGreaterThan(0);
      expect(d.medianTokensPerSec).toBeGreaterThan(0);
      // Without the drift, the same figure is stored.
      expect(st.plausible).toBe(true);
      expect(st.jPerTokenAboveIdle).not.toBeNull();
    } finally {
      await h.drop();
    }
  });
});
