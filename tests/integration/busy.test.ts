/**
 * A busy machine is measured as busy: the native runner (null engine, which sleeps, so the run
 * itself uses almost no CPU) with CPU hogs beside it records others' CPU time for each workload;
 * the server flags those workloads "busy" and keeps them off the board. The modelled meter counts
 * the runner's process tree only, so the hogs are not the run's energy.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWorkloadId } from "../../lib/core/contracts/workloads";
import type { Submission } from "../../lib/core/contracts/submission";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { utilisationBetween } from "../../lib/core/measure/modelled";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { runSession } from "../../runners/native/session";
import { probeDevice } from "../../runners/native/device/probe";
import { osCpuTimes, ownCpuTimes } from "../../runners/native/power/modelled";
import { openTestDb } from "../helpers/db";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Another program's processes: started through a subshell that exits, so they are not this process's descendants. */
const hogs: number[] = [];
const startHogs = () => {
  for (let i = 0; i < os.cpus().length; i++) hogs.push(Number(execFileSync("sh", ["-c", `("${process.execPath}" -e "for(;;);" >/dev/null 2>&1 & echo $!)`], { encoding: "utf8" }).trim()));
};
const stopHogs = () =>
  hogs.splice(0).forEach((pid) => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  });
afterAll(stopHogs);

let submission: Submission;
beforeAll(async () => {
  startHogs();
  await sleep(300);
  submission = await runSession({
    device: await probeDevice("cpu", null, ["cpu"]),
    model: { path: "/dev/null", info: { name: "null-model", family: null, parameterCount: 1_000_000, quantization: "F32", fileBytes: 4_000_000, sha256: null, weights: "synthetic", source: null, weightsReadPerTokenBytes: null, kvBytesPerToken: null } },
    engine: "null",
    llama: { backend: "cpu", contextSize: 512 },
    backend: "cpu",
    workloads: [parseWorkloadId("tg64")!],
    repetitions: 3,
    meters: [],
    idleSeconds: 0,
    bandwidthGBps: null,
    nullMsPerToken: { prompt: 0.05, gen: 8 }, // 0.5 s a repetition: 1.5 s timed, enough to judge
  });
  stopHogs();
}, 60_000);

describe("a run with a CPU hog beside it", () => {
  // First, while this process does nothing else: after an embedded database (the test below) V8's
  // background threads go on working on PGlite (its WebAssembly's compilation, its memory) for a
  // moment, which this process's own CPU time counts (150 ms in the next half second timed alone;
  // 0.59 of the machine in a run where this test came after it).
  it("the modelled meter counts the runner's processes, not the hogs", async () => {
    startHogs();
    await sleep(200);
    const own0 = ownCpuTimes();
    const all0 = osCpuTimes();
    await sleep(500);
    const own = utilisationBetween(own0, ownCpuTimes())!;
    const all = utilisationBetween(all0, osCpuTimes())!;
    stopHogs();
    expect(all).toBeGreaterThan(0.6);
    expect(own).toBeLessThan(0.3);
  });

  it("records others' CPU time and is flagged busy, with the share in the reason", () => {
    const w = submission.workloads[0]!;
    expect(w.load).not.toBeNull();
    const share = w.load!.otherCpuNs / (w.load!.wallNs * w.load!.logicalCpus);
    expect(share).toBeGreaterThan(0.3);
    // The null engine sleeps: the run's own CPU is a small part of the wall time.
    expect(w.load!.ownCpuNs).toBeLessThan(0.5 * w.load!.wallNs);
    const busy = checkSubmission(submission).find((f) => f.code === "busy");
    expect(busy).toMatchObject({ workloadId: "tg64" });
    expect(busy!.message).toMatch(/other processes used \d+% of the machine's CPU time/);
  });

  it("is stored flagged and kept off the board", async () => {
    const h = await openTestDb("pglite");
    try {
      const r = await ingestSubmission(h.db, submission, null);
      expect(r.flags.map((f) => f.code)).toContain("busy");
      expect(r.plausible).toBe(false);
    } finally {
      await h.drop();
    }
  });
});
