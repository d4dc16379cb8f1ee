/**
 * The sustained workload end to end: the native runner with the null engine as a device that slows
 * down when hot (twice as slow after 2 s) and a temperature command that warms by a degree a read,
 * then ingest, the owner's private leaderboard and the published one, on PGlite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWorkloadId } from "../../lib/core/contracts/workloads";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { sustainedSummary } from "../../lib/core/measure/sustained";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { leaderboard, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import { setPublished } from "../../lib/server/store/publish";
import { runSession } from "../../runners/native/session";
import { probeDevice } from "../../runners/native/device/probe";
import { detectThermal } from "../../runners/native/thermal";
import { DB_KINDS, withTestDb } from "../helpers/db";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-sustained-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let submission: Submission;

beforeAll(async () => {
  // A sensor that reads 40 °C first and one degree more at each read (once a second).
  const counter = path.join(dir, "reads");
  fs.writeFileSync(counter, "0");
  const thermal = await detectThermal({ tempCommand: `n=$(cat ${counter}); echo $((n+1)) > ${counter}; echo $((40000 + n * 1000))`, nvidiaCommand: path.join(dir, "no-nvidia-smi") });
  submission = await runSession({
    device: await probeDevice("cpu", null, ["cpu"]),
    model: {
      path: "/dev/null",
      info: { name: "null-model", family: null, parameterCount: 1_000_000, quantization: "F32", fileBytes: 4_000_000, sha256: null, weights: "synthetic", source: null, weightsReadPerTokenBytes: null, kvBytesPerToken: null },
    },
    engine: "null",
    llama: { backend: "cpu", contextSize: 512 },
    backend: "cpu",
    workloads: ["pp32", "tg32", "sustained@6s"].map((id) => parseWorkloadId(id)!),
    repetitions: 2,
    meters: [],
    idleSeconds: 0,
    bandwidthGBps: null,
    nullMsPerToken: { prompt: 0.05, gen: 2 },
    nullThrottle: { afterMs: 2000, factor: 2 },
    thermal,
  });
  // Tests share this machine: whether it was busy is tested in busy.test.ts, not here.
  for (const w of submission.workloads) w.load = null;
}, 60_000);

describe("the sustained workload in the native runner", () => {
  it("decodes for its duration in 1 s intervals and finds the slowdown: about half the peak, from about 2 s", () => {
    const checked = parseSubmission(submission);
    expect(checked.ok).toBe(true);
    expect(checkSubmission(submission)).toEqual([]);
    const w = submission.workloads.find((x) => x.workloadId === "sustained@6s")!;
    expect(w.status).toBe("ok");
    expect(w.samples).toHaveLength(6);
    for (const s of w.samples) {
      expect(s.promptTokens).toBe(0);
      expect(s.genTokens).toBeGreaterThan(50);
      // Each interval is cut at the token that crosses its second.
      expect(s.durationNs).toBeGreaterThanOrEqual(1e9);
      expect(s.durationNs).toBeLessThan(1.1e9);
    }
    const sum = sustainedSummary(w.samples)!;
    expect(sum.throttleRatio).toBeGreaterThan(0.35);
    expect(sum.throttleRatio).toBeLessThan(0.7);
    expect(sum.timeToThrottleS).not.toBeNull();
    expect(sum.timeToThrottleS!).toBeGreaterThanOrEqual(1);
    expect(sum.timeToThrottleS!).toBeLessThanOrEqual(3);
  });

  it("stamps every workload with the temperature it started at, and the sustained run with one a second", () => {
    const starts = submission.workloads.map((w) => w.thermalStart?.cpuC);
    expect(starts.every((c) => c != null)).toBe(true);
    // Reads only go up: each workload starts warmer than the one before.
    expect(starts).toEqual([...starts].sort((a, b) => a! - b!));
    expect(submission.workloads[0]!.thermalStart).toMatchObject({ cpuC: 40, gpuC: null, batteryPct: null, sources: ["command"] });
    const w = submission.workloads.find((x) => x.workloadId === "sustained@6s")!;
    expect(w.sustained!.intervalS).toBe(1);
    expect(w.sustained!.cpuC).toHaveLength(6);
    expect(w.sustained!.gpuC).toEqual([]);
    const c = w.sustained!.cpuC as number[];
    for (let i = 1; i < c.length; i++) expect(c[i]!).toBeGreaterThanOrEqual(c[i - 1]!);
    expect(c[5]! - c[0]!).toBeGreaterThanOrEqual(3);
    // Other workloads carry no series.
    expect(submission.workloads.filter((x) => x.sustained != null)).toHaveLength(1);
  });
});

describe.each(DB_KINDS)("sustained results stored and ranked on %s", (kind) => {
  const h = withTestDb(kind);

  it("ingest derives peak, steady state and throttling; the owner sees them before publishing, the public board after", async () => {
    const r = await ingestSubmission(h.db, submission, null);
    expect(r.status).toBe("created");
    const q = leaderboardQuerySchema.parse({ pp: "pp32", tg: "tg32", sustained: "sustained@6s" });
    expect(await leaderboard(h.db, q)).toEqual([]);
    const mine = await leaderboard(h.db, { ...q, private: "1" }, "owner");
    expect(mine).toHaveLength(1);
    const w = submission.workloads.find((x) => x.workloadId === "sustained@6s")!;
    const sum = sustainedSummary(w.samples)!;
    expect(mine[0]).toMatchObject({ privateRuns: 1, sustainedWorkload: "sustained@6s", sustainedRuns: 1 });
    expect(mine[0]!.sustainedSteadyTokensPerSec).toBeCloseTo(sum.steadyTokensPerS, 6);
    expect(mine[0]!.sustainedPeakTokensPerSec).toBeCloseTo(sum.peakTokensPerS, 6);
    expect(mine[0]!.throttleRatio).toBeCloseTo(sum.throttleRatio, 6);
    expect(mine[0]!.timeToThrottleS).toBeCloseTo(sum.timeToThrottleS!, 6);
    expect(mine[0]!.sustainedStartCpuC).toBe(w.thermalStart!.cpuC);

    await setPublished(h.db, { submissionIds: [submission.submissionId] }, true);
    const pub = await leaderboard(h.db, q);
    expect(pub).toHaveLength(1);
    expect(pub[0]!.privateRuns).toBe(0);
    expect(pub[0]!.throttleRatio).toBeCloseTo(sum.throttleRatio, 6);
    // Another sustained length is another column set: none here.
    const other = await leaderboard(h.db, leaderboardQuerySchema.parse({ pp: "pp32", tg: "tg32" }));
    expect(other[0]!.sustainedSteadyTokensPerSec).toBeNull();
    // Sorted by throttle ratio without error.
    expect(await leaderboard(h.db, { ...q, sort: "throttle_ratio", dir: "asc" })).toHaveLength(1);
  });
});
