/**
 * Energy calibration through the real session (child process per workload, meters in the runner,
 * the NullEngine's known timing): with meters that read a constant 10 W, each workload's J/token
 * must equal 10 W divided by the tokens/s of its timed samples within 2%, for every workload id,
 * depth included (the depth prefill, the warm-up, resets and IPC are outside the timed windows).
 * Three kinds of meter at once: a command (external, sampled), an HTTP endpoint (external,
 * sampled) and an energy counter (counter).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { parseWorkloadId } from "../../lib/core/contracts/workloads";
import { probeDevice } from "../../runners/native/device/probe";
import { externalCommandMeter, externalHttpMeter } from "../../runners/native/power/external";
import { CounterMeter, nowNs } from "../../runners/native/power/meter";
import { runSession } from "../../runners/native/session";
import { and, eq, sql } from "drizzle-orm";
import { workloadResults } from "../../lib/server/db/schema";
import { getRun } from "../../lib/server/read/runs";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { measuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";

const WATTS = 10;
const WORKLOADS = ["pp64", "tg16", "pp64+tg16", "tg16@d256", "ttft"];

describe("energy calibration (constant 10 W meters, NullEngine)", () => {
  let srv: http.Server;
  let s: Submission;

  beforeAll(async () => {
    srv = http.createServer((_, res) => res.end(JSON.stringify({ watts: WATTS })));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
    // A counter of 10 J per second since an arbitrary origin, wrapping at 1 MJ.
    const origin = nowNs() - 123e9;
    const counter = new CounterMeter("fake-counter", "package", async () => ((WATTS * (nowNs() - origin)) / 1e9) % 1e6, 1e6, 20);
    s = await runSession({
      device: await probeDevice("cpu", null, ["cpu"]),
      model: { path: path.resolve("../shared/models/stories260K.gguf"), info: { name: "null", family: null, parameterCount: null, quantization: "none", fileBytes: 1, sha256: null, weights: "synthetic", source: null, weightsReadPerTokenBytes: null, kvBytesPerToken: null } },
      engine: "null",
      // 1 ms per prompt token, 5 ms per generated token: tg16@d256 spends 256 ms prefilling the
      // depth (untimed) for 80 ms of timed decode.
      nullMsPerToken: { prompt: 1, gen: 5 },
      llama: { backend: "cpu", threads: 1, contextSize: 512 },
      backend: "cpu",
      workloads: WORKLOADS.map((id) => parseWorkloadId(id)!),
      repetitions: 3,
      meters: [externalCommandMeter(`echo ${WATTS}`, 20), externalHttpMeter(url, 20), counter],
      idleSeconds: 0,
      bandwidthGBps: null,
    });
  }, 120_000);
  afterAll(() => srv?.close());

  const timed = (w: Submission["workloads"][number]) => ({
    seconds: w.samples.reduce((a, x) => a + x.durationNs, 0) / 1e9,
    tokens: w.samples.reduce((a, x) => a + x.promptTokens + x.genTokens, 0),
  });

  it("is a valid submission with every workload measured", () => {
    expect(parseSubmission(s).ok).toBe(true);
    expect(s.workloads.map((w) => [w.workloadId, w.status])).toEqual(WORKLOADS.map((id) => [id, "ok"]));
  });

  it("gives J/token = 10 W / (tokens/s of the timed samples) within 2% for every workload id", () => {
    for (const w of s.workloads) {
      const { seconds, tokens } = timed(w);
      const want = WATTS / (tokens / seconds);
      const e = w.energyPerToken!;
      expect(e, w.workloadId).toMatchObject({ scope: "wall", sensors: ["external:command"], tier: "external" });
      expect(Math.abs(e.totalJ! - want) / want, `${w.workloadId}: ${e.totalJ} vs ${want}`).toBeLessThan(0.02);
      // Attributed by phase; pp+tg and ttft keep theirs in energyPerToken.
      const phase = parseWorkloadId(w.workloadId)!.phase;
      expect(w.decodeEnergyPerToken != null, w.workloadId).toBe(phase === "decode");
      expect(w.prefillEnergyPerToken != null, w.workloadId).toBe(phase === "prefill");
    }
  });

  it("reads 10 W on every meter over exactly the timed intervals, per repetition too", () => {
    for (const w of s.workloads) {
      const { seconds } = timed(w);
      for (const r of w.power) {
        expect(r.method, `${w.workloadId} ${r.sensor}`).not.toBe("unavailable");
        expect(r.durationNs / 1e9).toBeCloseTo(seconds, 6);
        expect(Math.abs(r.energyJ! / seconds - WATTS) / WATTS, `${w.workloadId} ${r.sensor}`).toBeLessThan(0.02);
      }
      expect(w.power.map((r) => r.tier).sort()).toEqual(["counter", "external", "external"]);
      for (const smp of w.samples) expect(Math.abs(smp.energyJ! - (WATTS * smp.durationNs) / 1e9) / smp.energyJ!).toBeLessThan(0.02);
    }
  });

  it("flags repetitions shorter than a few sensor periods instead of hiding them", () => {
    // ttft of the NullEngine takes about 50 ms: under 3 periods of a 20 ms meter.
    const ttft = s.workloads.find((w) => w.workloadId === "ttft")!;
    // Flagged when any repetition is under 3 periods of the meters' 20 ms (under load some take longer).
    const short = ttft.samples.some((x) => x.durationNs < 60e6);
    expect(ttft.power.every((r) => r.flags.includes("short_window"))).toBe(short);
    for (const w of s.workloads) expect(w.power.every((r) => r.flags.includes("short_window")), w.workloadId).toBe(w.samples.some((x) => x.durationNs < 60e6));
  });
});

describe.each(DB_KINDS)("energy fields stored on %s", (kind) => {
  const h = withTestDb(kind);
  it("keeps per-repetition energy, J/token of every phase, scope, tier, sensors and reading flags", async () => {
    const sub = makeSubmission({ workloads: 5 });
    const w = sub.workloads![1]!; // tg128
    w.samples = w.samples!.map((x) => ({ ...x, energyJ: 1.25 }));
    w.energyPerToken = { totalJ: 0.4, aboveIdleJ: -0.01, scope: "package+dram", sensors: ["intel-rapl:0", "intel-rapl:0:0"], tier: "counter" };
    w.power = [{ method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 4e9, energyJ: 60, avgPowerW: 15, idlePowerW: 5, tier: "counter", flags: ["short_window"] }];
    sub.idlePowerAfter = [{ method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 11, avgPowerW: 5.5, tier: "counter" }];
    const p = parseSubmission(sub);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    await ingestSubmission(h.db, p.submission, null);
    const [row] = await h.db.select().from(workloadResults).where(eq(workloadResults.workloadId, "tg128"));
    expect(row).toMatchObject({ samplesEnergyJ: [1.25, 1.25, 1.25], jPerToken: 0.4, jPerTokenAboveIdle: -0.01, energyScope: "package+dram", energyTier: "counter", energySensors: ["intel-rapl:0", "intel-rapl:0:0"] });
    const run = (await getRun(h.db, p.submission.submissionId, "owner"))!;
    const readings = run.readings.filter((r) => r.workloadResultId === row!.id);
    expect(readings[0]).toMatchObject({ tier: "counter", flags: ["short_window"] });
    const idle = run.readings.filter((r) => r.kind === "idle-after");
    expect(idle).toHaveLength(1);
    expect(idle[0]!.avgPowerW).toBe(5.5);
  });
});

describe.each(DB_KINDS)("measured device energy for the TCO model on %s", (kind) => {
  const h = withTestDb(kind);
  it("takes published tg128 battery results of the scenario's device class, above idle, unflagged, with n, spread and runs; SoC apart", async () => {
    type Opts = { scope?: string; tier?: string; deviceClass?: "phone" | "laptop"; flags?: ("short_window" | "gap")[]; drift?: boolean; otherSensorFlagged?: boolean };
    const label = (aboveIdleJ: number, device: string, o: Opts = {}) => {
      const { scope = "battery", tier = "battery", deviceClass = "phone", flags = [] } = o;
      const s = makeSubmission({ workloads: 2, deviceModel: device }); // pp512, tg128
      s.device!.deviceClass = deviceClass;
      const w = s.workloads![1]!;
      w.energyPerToken = { totalJ: aboveIdleJ * 2, aboveIdleJ, scope, sensors: ["x"], tier: tier as "battery" };
      // readings over the timed repetitions that give that J/token, and an idle power (the run's
      // idle reading of that sensor) that gives that above-idle J/token, as the server recomputes them
      const tokens = w.samples!.reduce((a, x) => a + x.promptTokens + x.genTokens, 0);
      const seconds = w.samples!.reduce((a, x) => a + x.durationNs, 0) / 1e9;
      const joules = aboveIdleJ * 2 * tokens;
      const idleW = (aboveIdleJ * tokens) / seconds;
      const method = tier === "counter" ? "counter" : "sampled";
      const durationNs = Math.round(seconds * 1e9);
      w.power = [{ method, scope: scope as "battery", sensor: "x", tier: tier as "battery", energyJ: joules, avgPowerW: joules / seconds, durationNs, idlePowerW: idleW, flags }];
      // A flagged reading of a sensor the J/token does not sum (the CPU package beside the battery) leaves it in.
      if (o.otherSensorFlagged) w.power.push({ method: "counter", scope: "package", sensor: "intel-rapl:0", tier: "counter", energyJ: joules / 4, avgPowerW: joules / 4 / seconds, durationNs, idlePowerW: null, flags: ["gap"] });
      s.idlePower = [{ method, scope: scope as "battery", sensor: "x", tier: tier as "battery", energyJ: idleW * 2, avgPowerW: idleW, durationNs: 2e9 }];
      // An idle baseline that tripled between before and after: idle_drift, its above-idle figure withheld (null).
      if (o.drift) s.idlePowerAfter = [{ method, scope: scope as "battery", sensor: "x", tier: tier as "battery", energyJ: idleW * 6, avgPowerW: idleW * 3, durationNs: 2e9 }];
      w.decodeEnergyPerToken = w.energyPerToken;
      const p = parseSubmission(s);
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      return p.submission;
    };
    const counted = [label(0.2, "Phone A"), label(0.3, "Phone B"), label(0.4, "Phone C", { otherSensorFlagged: true })];
    const socPhone = label(0.15, "Phone SoC", { scope: "soc", tier: "sampled" });
    const laptop = label(0.6, "Laptop L", { deviceClass: "laptop" });
    const socLaptop = label(0.25, "Mac M", { scope: "soc", tier: "sampled", deviceClass: "laptop" });
    const leftOut = [
      label(0.1, "Plugged D", { scope: "wall", tier: "external" }),
      label(0.12, "Phone E", { scope: "package", tier: "counter" }),
      label(0.45, "Phone Short", { flags: ["short_window"] }),
      label(0.5, "Phone Gap", { flags: ["gap"] }),
      label(0.55, "Phone Drift", { drift: true }),
    ];
    const unpublished = label(0.9, "Private F");
    const published = [...counted, socPhone, laptop, socLaptop, ...leftOut];
    for (const s of [...published, unpublished]) await ingestSubmission(h.db, s, null);
    const phone = { deviceClass: "phone" } as const;
    expect(await measuredDeviceEnergy(h.db, phone)).toBeNull(); // nothing published yet
    await setPublished(h.db, { submissionIds: published.map((s) => s.submissionId) }, true);
    // Every run left out is plausible: each is left out for its own reason (scope, flag, class, null figure),
    // and the drifting run keeps its place; only its above-idle figure is withheld, which the reference skips.
    const tg = await h.db.select({ plausible: workloadResults.plausible }).from(workloadResults).where(eq(workloadResults.workloadId, "tg128"));
    expect(tg.map((r) => r.plausible)).toEqual(tg.map(() => true));
    const drift = leftOut[4]!.submissionId;
    const [driftRow] = await h.db.select().from(workloadResults).where(and(eq(workloadResults.submissionId, drift), eq(workloadResults.workloadId, "tg128")));
    expect(driftRow).toMatchObject({ plausible: true, published: true, energyScope: "battery", jPerTokenAboveIdle: null });

    const m = (await measuredDeviceEnergy(h.db, phone))!;
    expect(m.jPerToken).toBeCloseTo(0.3, 9);
    expect(m).toMatchObject({ runs: 3, scope: "battery", deviceClass: "phone" });
    expect(m.p25).toBeCloseTo(0.25, 9);
    expect(m.p75).toBeCloseTo(0.35, 9);
    expect(m.submissionIds.sort()).toEqual(counted.map((s) => s.submissionId).sort());
    // Another class gets its own: the laptop's battery run only; no desktop was measured.
    expect(await measuredDeviceEnergy(h.db, { deviceClass: "laptop" })).toMatchObject({ jPerToken: 0.6, runs: 1, submissionIds: [laptop.submissionId], deviceClass: "laptop" });
    expect(await measuredDeviceEnergy(h.db, { deviceClass: "desktop" })).toBeNull();
    // The SoC scope is kept apart, per class: a lower bound, never pooled with battery.
    expect(await measuredDeviceEnergy(h.db, { ...phone, scope: "soc" })).toMatchObject({ jPerToken: 0.15, runs: 1, scope: "soc", submissionIds: [socPhone.submissionId] });
    expect(await measuredDeviceEnergy(h.db, { deviceClass: "laptop", scope: "soc" })).toMatchObject({ jPerToken: 0.25, runs: 1, submissionIds: [socLaptop.submissionId] });
    // A declared reference narrows the models: the fixture is Llama-3.2-1B (1.24 B parameters).
    expect(await measuredDeviceEnergy(h.db, { ...phone, models: { sizeClass: "1-3B" } })).toMatchObject({ runs: 3, models: { sizeClass: "1-3B" } });
    expect(await measuredDeviceEnergy(h.db, { ...phone, models: { sizeClass: "<1B" } })).toBeNull();
    expect(await measuredDeviceEnergy(h.db, { ...phone, models: { model: "Llama-3.2-1B" } })).toMatchObject({ runs: 3 });
    expect(await measuredDeviceEnergy(h.db, { ...phone, models: { model: "nope" } })).toBeNull();
  });

  it("leaves out a result whose figure's reading is flagged, and keeps it once the flag is gone (the same rows otherwise)", async () => {
    // Both sides of the flag check on one result: submission_power edited in place, nothing else.
    const s = makeSubmission({ workloads: 2, deviceModel: "Phone Z" });
    s.device!.deviceClass = "phone";
    s.model!.name = "Flag-Check-1B"; // its own model: the test above's results stay out of this reference
    const w = s.workloads![1]!;
    const tokens = w.samples!.reduce((a, x) => a + x.genTokens, 0);
    const seconds = w.samples!.reduce((a, x) => a + x.durationNs, 0) / 1e9;
    w.energyPerToken = { totalJ: 2, aboveIdleJ: 1, scope: "battery", sensors: ["bat"], tier: "battery" };
    w.decodeEnergyPerToken = w.energyPerToken;
    w.power = [{ method: "sampled", scope: "battery", sensor: "bat", tier: "battery", energyJ: 2 * tokens, avgPowerW: (2 * tokens) / seconds, durationNs: Math.round(seconds * 1e9), idlePowerW: tokens / seconds, flags: ["gap"] }];
    s.idlePower = [{ method: "sampled", scope: "battery", sensor: "bat", tier: "battery", energyJ: (2 * tokens) / seconds, avgPowerW: tokens / seconds, durationNs: 2e9 }];
    const p = parseSubmission(s);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    await ingestSubmission(h.db, p.submission, null);
    await setPublished(h.db, { submissionIds: [s.submissionId!] }, true);
    const q = { deviceClass: "phone", models: { model: "Flag-Check-1B" } } as const;
    expect(await measuredDeviceEnergy(h.db, q)).toBeNull();
    await h.db.execute(sql`update submission_power set readings = (select jsonb_agg(jsonb_set(r, '{flags}', '[]'::jsonb)) from jsonb_array_elements(readings) r) where submission_id = ${s.submissionId}`);
    expect(await measuredDeviceEnergy(h.db, q)).toMatchObject({ jPerToken: 1, runs: 1, submissionIds: [s.submissionId] });
  });
});
