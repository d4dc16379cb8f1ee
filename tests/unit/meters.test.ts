import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectBattery, batteryWatts } from "../../runners/native/power/battery";
import { externalCommandMeter, externalHttpMeter, wattsFromJson } from "../../runners/native/power/external";
import { CounterMeter, integrateJ, type PowerMeter, type SensorRecording } from "../../runners/native/power/meter";
import { detectNvidia, parseNvidiaLine } from "../../runners/native/power/nvidia";
import { nvmlMeters, openNvml } from "../../runners/native/power/nvml";
import { detectPowermetrics, parsePowermetricsLine } from "../../runners/native/power/powermetrics";
import { detectRapl, energyDeltaUj } from "../../runners/native/power/rapl";
import { detectMeters, measureIdle, metersFor, withIdle } from "../../runners/native/power";
import { deviceEnergy, energyPerToken, workloadReadings } from "../../lib/core/measure/energy";
import { CCF_CPU_AVERAGE, modelledPowerW, modelledRangeJ, utilisationBetween } from "../../lib/core/measure/modelled";
import { formatJPerToken } from "../../lib/core/present/format";
import { ModelledCpuMeter } from "../../runners/native/power/modelled";
import { energyInWindow, meanPowerW } from "../../lib/core/measure/energy-window";
import type { PowerReading } from "../../lib/core/contracts/submission";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tw-meters-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (p: string, v: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, v);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint());

/** Records a meter for `ms`; returns the recording and the window [t0, t1] that lay inside it. */
async function record(m: PowerMeter, ms: number): Promise<{ rec: SensorRecording; t0: number; t1: number }> {
  const r = await m.start();
  const t0 = now();
  await sleep(ms);
  const t1 = now();
  return { rec: await r.stop(), t0, t1 };
}
const reading = (p: Partial<PowerReading> & Pick<PowerReading, "scope" | "sensor" | "energyJ">): PowerReading => ({
  method: "counter",
  durationNs: 1e9,
  avgPowerW: null,
  idlePowerW: null,
  rangeJ: null,
  tier: "counter",
  flags: [],
  ...p,
});

describe("RAPL (powercap fixture tree)", () => {
  const root = path.join(tmp, "powercap");
  write(`${root}/intel-rapl:0/name`, "package-0\n");
  write(`${root}/intel-rapl:0/energy_uj`, "1000000\n");
  write(`${root}/intel-rapl:0/max_energy_range_uj`, "262143328850\n");
  write(`${root}/intel-rapl:0:0/name`, "dram\n");
  write(`${root}/intel-rapl:0:0/energy_uj`, "262143000000\n");
  write(`${root}/intel-rapl:0:0/max_energy_range_uj`, "262143328850\n");
  write(`${root}/intel-rapl:0:1/name`, "core\n"); // not a scope we report
  write(`${root}/intel-rapl:0:1/energy_uj`, "5\n");
  write(`${root}/intel-rapl:0:1/max_energy_range_uj`, "100\n");

  it("handles the counter wrapping around", () => {
    expect(energyDeltaUj(100, 300, 1000)).toBe(200);
    expect(energyDeltaUj(900, 100, 1000)).toBe(200);
  });

  it("detects package and dram, and records the counter across a wrap", async () => {
    const { meters } = detectRapl(root);
    expect(meters.map((m) => `${m.sensor}:${m.scope}:${m.tier}`)).toEqual(["intel-rapl:0:package:counter", "intel-rapl:0:0:dram:counter"]);
    const recorders = await Promise.all(meters.map((m) => m.start()));
    write(`${root}/intel-rapl:0/energy_uj`, "6000000\n"); // +5 J
    write(`${root}/intel-rapl:0:0/energy_uj`, "671150\n"); // wrapped: +1 J
    await sleep(60);
    const [pkg, dram] = await Promise.all(recorders.map((r) => r.stop()));
    expect(pkg).toMatchObject({ kind: "energy", method: "counter", scope: "package", sensor: "intel-rapl:0" });
    expect(pkg!.values.at(-1)! - pkg!.values[0]!).toBeCloseTo(5, 6);
    expect(dram!.values.at(-1)! - dram!.values[0]!).toBeCloseTo(1, 6);
  });

  it("finds nothing where there is no powercap, and says when RAPL is there but unreadable", async () => {
    expect(detectRapl(path.join(tmp, "missing"))).toEqual({ meters: [], unreadable: [] });
    const locked = path.join(tmp, "powercap-locked");
    write(`${locked}/intel-rapl:0/name`, "package-0\n");
    write(`${locked}/intel-rapl:0/max_energy_range_uj`, "100\n");
    write(`${locked}/intel-rapl:0/energy_uj`, "5\n");
    fs.chmodSync(`${locked}/intel-rapl:0/energy_uj`, 0o000);
    const r = detectRapl(locked);
    if (process.getuid?.() === 0) expect(r.meters).toHaveLength(1); // root reads it anyway
    else expect(r.unreadable).toEqual(["intel-rapl:0"]);
  });
});

describe("battery discharge", () => {
  const root = path.join(tmp, "power_supply");
  write(`${root}/BAT0/type`, "Battery\n");
  write(`${root}/BAT0/status`, "Discharging\n");
  write(`${root}/BAT0/power_now`, "12500000\n"); // 12.5 W
  write(`${root}/BAT1/type`, "Battery\n");
  write(`${root}/BAT1/status`, "Charging\n");
  write(`${root}/BAT1/power_now`, "9000000\n");
  write(`${root}/BAT2/type`, "Battery\n");
  write(`${root}/BAT2/status`, "Discharging\n");
  write(`${root}/BAT2/current_now`, "2000000\n");
  write(`${root}/BAT2/voltage_now`, "11000000\n");

  it("offers a meter only for discharging batteries, from power_now or current x voltage", async () => {
    expect(batteryWatts(`${root}/BAT2`)).toBeCloseTo(22);
    const meters = detectBattery(root, 20);
    expect(meters.map((m) => `${m.sensor}:${m.scope}:${m.tier}`)).toEqual(["battery:BAT0:battery:battery", "battery:BAT2:battery:battery"]);
    const { rec, t0, t1 } = await record(meters[0]!, 120);
    expect(rec.method).toBe("sampled");
    expect(meanPowerW(rec, t0, t1)).toBeCloseTo(12.5, 6);
    expect(rec.values.every((p) => p === 12.5)).toBe(true);
  });
});

describe("nvidia-smi (fake command)", () => {
  const fake = path.join(tmp, "nvidia-smi");
  write(
    fake,
    `#!/bin/sh
case "$*" in
  *power.draw.instant*-lms*) while true; do echo "0, 100.00"; echo "1, 50.00"; sleep 0.05; done ;;
  *power.draw.instant*) echo "0, 100.00"; echo "1, 50.00" ;;
esac
`,
  );
  fs.chmodSync(fake, 0o755);

  it("parses lines per GPU", () => {
    expect(parseNvidiaLine("0, 123.5", 0)).toBe(123.5);
    expect(parseNvidiaLine("1, 123.5", 0)).toBeNull();
    expect(parseNvidiaLine("0, [N/A]", 0)).toBeNull();
  });

  it("detects each GPU and integrates sampled instant power", async () => {
    const meters = await detectNvidia(fake);
    expect(meters.map((m) => m.sensor)).toEqual(["nvidia-smi:0:power.draw.instant", "nvidia-smi:1:power.draw.instant"]);
    const { rec, t0, t1 } = await record(meters[0]!, 400);
    expect(rec).toMatchObject({ method: "sampled", scope: "gpu", tier: "sampled" });
    expect(meanPowerW(rec, t0, t1)).toBeCloseTo(100, 6);
  });

  it("finds nothing without nvidia-smi", async () => {
    expect(await detectNvidia(path.join(tmp, "no-such-command"))).toEqual([]);
  });
});

describe("powermetrics (fake command)", () => {
  it("parses combined power and says when sudo is missing", async () => {
    expect(parsePowermetricsLine("Combined Power (CPU + GPU + ANE): 4321 mW")).toBeCloseTo(4.321);
    expect(parsePowermetricsLine("CPU Power: 100 mW")).toBeNull();
    const fake = path.join(tmp, "powermetrics");
    const argsFile = path.join(tmp, "powermetrics.args");
    write(fake, `#!/bin/sh\ncase "$*" in *"-n 1"*) echo "Combined Power (CPU + GPU + ANE): 3000 mW"; exit 0 ;; esac\necho "$*" > ${argsFile}\nwhile true; do echo "Combined Power (CPU + GPU + ANE): 3000 mW"; sleep 0.05; done\n`);
    fs.chmodSync(fake, 0o755);
    const ok = await detectPowermetrics(fake, ["timeout", "1"], "darwin");
    expect(ok.meters).toHaveLength(1);
    const { rec, t0, t1 } = await record(ok.meters[0]!, 300);
    expect(meanPowerW(rec, t0, t1)).toBeCloseTo(3, 6);
    // Line-buffered (-b 1), so samples are stamped as they are written, not in bursts.
    expect(fs.readFileSync(argsFile, "utf8")).toMatch(/-i 100 -b 1/);
    const denied = await detectPowermetrics(fake, ["false"], "darwin");
    expect(denied.meters).toEqual([]);
    expect(denied.note).toMatch(/sudo/);
  });
});

describe("external meters", () => {
  it("reads watts from JSON shapes", () => {
    expect(wattsFromJson(7)).toBe(7);
    expect(wattsFromJson({ apower: 8.5 })).toBe(8.5);
    expect(wattsFromJson({ watts: 3 })).toBe(3);
    expect(wattsFromJson({ foo: 1 })).toBeNull();
  });

  it("samples an HTTP endpoint and a command", async () => {
    const srv = http.createServer((_, res) => res.end(JSON.stringify({ watts: 42 })));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/`;
    const h = await record(externalHttpMeter(url, 30), 150);
    srv.close();
    expect(h.rec).toMatchObject({ method: "sampled", scope: "wall", tier: "external" });
    expect(meanPowerW(h.rec, h.t0, h.t1)).toBeCloseTo(42, 6);
    const c = await record(externalCommandMeter("echo 9.5", 30), 150);
    expect(meanPowerW(c.rec, c.t0, c.t1)).toBeCloseTo(9.5, 6);
  });

  it("an unreachable meter reads unavailable, never a number", async () => {
    const { rec, t0, t1 } = await record(externalHttpMeter("http://127.0.0.1:9/", 20), 60);
    expect(rec.tNs).toEqual([]);
    expect(energyInWindow(rec, t0, t1)).toBeNull();
  });
});

describe("idle baseline and energy per token", () => {
  it("measures idle power and subtracts it", async () => {
    const root = path.join(tmp, "powercap2");
    write(`${root}/intel-rapl:0/name`, "package-0\n");
    write(`${root}/intel-rapl:0/energy_uj`, "0\n");
    write(`${root}/intel-rapl:0/max_energy_range_uj`, "1000000000\n");
    const t0 = now();
    const idle = await measureIdle(detectRapl(root).meters, 0.05, 0);
    expect(idle.readings[0]!.method).toBe("counter");
    // The window's middle, on the meters' clock: after the start, at least half the 50 ms span in.
    expect(idle.midNs).toBeGreaterThan(t0 + 25e6);
    expect(idle.midNs).toBeLessThan(now());
    const at5 = { readings: [{ ...idle.readings[0]!, avgPowerW: 5 }], midNs: 0 };
    const reps = [{ t0Ns: 1e9, t1Ns: 3e9 }];
    // Only a baseline before: its power, as before interpolation.
    const readings = withIdle([reading({ scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 30, avgPowerW: 15 })], at5, null, reps);
    expect(readings[0]!.idlePowerW).toBe(5);
    // 30 J over 2 s with 5 W idle: 20 J above idle; 100 tokens
    expect(energyPerToken(readings, 100)).toEqual({ totalJ: 0.3, aboveIdleJ: 0.2, scope: "package", sensors: ["intel-rapl:0"], tier: "counter", rangeJ: null });
    // A baseline above the run is noise, reported as a negative figure rather than hidden as 0.
    expect(energyPerToken(withIdle(readings, { ...at5, readings: [{ ...idle.readings[0]!, avgPowerW: 20 }] }, null, reps), 100)!.aboveIdleJ).toBeCloseTo(-0.1, 9);
    // With a baseline after (9 W, its middle at 8 s), the repetitions' middle (2 s) is a quarter of the way: 6 W.
    const drifted = withIdle(readings, at5, { readings: [{ ...idle.readings[0]!, avgPowerW: 9 }], midNs: 8e9 }, reps);
    expect(drifted[0]!.idlePowerW).toBeCloseTo(6, 12);
    expect(energyPerToken(drifted, 100)!.aboveIdleJ).toBeCloseTo((30 - 6 * 2) / 100, 12);
  });

  it("prefers the widest scope and adds package, dram and gpu", () => {
    const r = (scope: PowerReading["scope"], energyJ: number, tier: PowerReading["tier"] = "counter") => reading({ scope, sensor: scope, energyJ, avgPowerW: energyJ, idlePowerW: 1, tier });
    expect(deviceEnergy([r("package", 10), r("wall", 40, "external")])).toMatchObject({ energyJ: 40, scope: "wall", tier: "external" });
    expect(deviceEnergy([r("package", 10), r("battery", 25, "battery")])).toMatchObject({ energyJ: 25, scope: "battery", tier: "battery" });
    expect(deviceEnergy([r("package", 10), r("dram", 2), r("gpu", 30, "sampled")])).toMatchObject({ energyJ: 42, idleW: 3, scope: "package+dram+gpu", sensors: ["package", "dram", "gpu"], tier: "sampled" });
    expect(deviceEnergy([])).toBeNull();
    expect(energyPerToken([], 10)).toBeNull();
  });

  it("integrates trapezoids", () => {
    expect(integrateJ([0, 1000, 2000], [10, 20, 10])).toBe(30);
  });

  it("reports no meter honestly", async () => {
    const r = await detectMeters({ none: true });
    expect(r.meters).toEqual([]);
  });

  it("a CPU run does not read the GPUs", async () => {
    const fakeGpu = { sensor: "nvidia-smi:0", scope: "gpu", method: "sampled", tier: "sampled", periodMs: 100, start: async () => ({ stop: async () => ({}) as SensorRecording }) } as PowerMeter;
    const pkg = { ...fakeGpu, sensor: "intel-rapl:0", scope: "package" } as PowerMeter;
    expect(metersFor([fakeGpu, pkg], "cpu").meters.map((m) => m.sensor)).toEqual(["intel-rapl:0"]);
    expect(metersFor([fakeGpu, pkg], "cuda").meters.map((m) => m.sensor)).toEqual(["nvidia-smi:0", "intel-rapl:0"]);
  });

  it("a CUDA run reads only the GPUs CUDA may use, where their numbers can be matched", () => {
    const gpu = (sensor: string) => ({ sensor, scope: "gpu", method: "counter", tier: "counter", periodMs: 20, start: async () => ({ stop: async () => ({}) as SensorRecording }) }) as PowerMeter;
    const pkg = { ...gpu("intel-rapl:0"), scope: "package" } as PowerMeter;
    const four = [gpu("nvml:0"), gpu("nvml:1"), gpu("nvidia-smi:2:power.draw.instant"), gpu("nvml:3"), pkg];
    const sensors = (r: { meters: PowerMeter[] }) => r.meters.map((m) => m.sensor);
    // No CUDA_VISIBLE_DEVICES: llama.cpp splits the model over every GPU, so all are read.
    expect(sensors(metersFor(four, "cuda"))).toEqual(["nvml:0", "nvml:1", "nvidia-smi:2:power.draw.instant", "nvml:3", "intel-rapl:0"]);
    expect(sensors(metersFor(four, "cuda", { visibleDevices: "1,2", deviceOrder: "PCI_BUS_ID" }))).toEqual(["nvml:1", "nvidia-smi:2:power.draw.instant", "intel-rapl:0"]);
    // CUDA's default order is fastest first: its numbers are not nvidia-smi's, so nothing is dropped, and the note says why.
    const unordered = metersFor(four, "cuda", { visibleDevices: "1" });
    expect(sensors(unordered)).toHaveLength(5);
    expect(unordered.notes[0]).toContain("CUDA_DEVICE_ORDER=PCI_BUS_ID");
    expect(metersFor(four, "cuda", { visibleDevices: "GPU-8f3c,GPU-11aa", deviceOrder: "PCI_BUS_ID" }).notes[0]).toContain("UUIDs");
    // One GPU: CUDA's device 0 is that GPU whatever the order.
    expect(sensors(metersFor([gpu("nvml:0"), pkg], "cuda", { visibleDevices: "0" }))).toEqual(["nvml:0", "intel-rapl:0"]);
    expect(sensors(metersFor([gpu("nvml:0"), pkg], "cuda", { visibleDevices: "" }))).toEqual(["nvml:0", "intel-rapl:0"]);
  });
});

describe("NVML total-energy counter (a stand-in libnvidia-ml built from tests/fixtures/fake-nvml.c)", () => {
  const lib = path.join(tmp, "libnvidia-ml.so.1");
  execFileSync("cc", ["-shared", "-fPIC", "-O2", "-o", lib, path.resolve("tests/fixtures/fake-nvml.c")]);

  it("reads the counter through koffi: a counter meter per GPU that has one, nvidia-smi left for the others", async () => {
    const nvml = await openNvml(lib);
    expect(nvml.gpus.map((g) => [g.index, g.name])).toEqual([[0, "Fake H200"]]);
    expect(nvml.note).toMatch(/GPU 1 has no NVML energy counter/);
    const [meter] = nvmlMeters(nvml.gpus);
    expect(meter).toMatchObject({ sensor: "nvml:0", scope: "gpu", method: "counter", tier: "counter" });
    const { rec, t0, t1 } = await record(meter!, 300);
    expect(rec.kind).toBe("energy");
    // The stand-in draws 250 W (its counter grows 250 J per second of CLOCK_MONOTONIC).
    expect(Math.abs(meanPowerW(rec, t0, t1)! - 250) / 250).toBeLessThan(0.02);
  });

  it("measures how often the counter updates and gives windows shorter than that its mean power times their length, flagged short", async () => {
    process.env.FAKE_NVML_UPDATE_MS = "100";
    try {
      const nvml = await openNvml(lib);
      expect(nvml.gpus[0]!.updatePeriodMs).toBeGreaterThan(80);
      expect(nvml.gpus[0]!.updatePeriodMs).toBeLessThan(130);
      const [meter] = nvmlMeters(nvml.gpus);
      const r = await meter!.start();
      await sleep(250);
      const t0 = now();
      await sleep(30);
      const t1 = now();
      await sleep(250);
      const rec = await r.stop();
      expect(rec.periodMs).toBeGreaterThan(80);
      // Only the updates are kept: consecutive reads differ.
      expect(rec.values.every((v, i) => i === 0 || v !== rec.values[i - 1])).toBe(true);
      const w = energyInWindow(rec, t0, t1)!;
      expect(w.short).toBe(true);
      // 250 W x 30 ms = 7.5 J (timer jitter on a loaded machine aside), not the 0 or 25 J (one whole
      // update) that reads of a staircase would give.
      const expected = 250 * ((t1 - t0) / 1e9);
      // (a whole update would be 100/30 = 3.3x; timer lag on a loaded machine moves the estimate some)
      expect(w.energyJ).toBeGreaterThan(0.3 * expected);
      expect(w.energyJ).toBeLessThan(2 * expected);
    } finally {
      delete process.env.FAKE_NVML_UPDATE_MS;
    }
  });

  it("prefers NVML over nvidia-smi for a GPU with the counter, and finds nothing without a driver", async () => {
    const fakeSmi = path.join(tmp, "nvidia-smi");
    const { meters } = await detectMeters({ nvmlLibrary: lib, nvidiaCommand: fakeSmi, raplRoot: path.join(tmp, "none"), batteryRoot: path.join(tmp, "none") });
    expect(meters.map((m) => m.sensor)).toEqual(["nvml:0", "nvidia-smi:1:power.draw.instant"]);
    expect(await openNvml(path.join(tmp, "no-libnvidia-ml.so"))).toEqual({ gpus: [], note: null });
  });
});

describe("counters that drop", () => {
  it("adds the range back for a plausible wrap, and nothing for a reset or a counter that never wraps", async () => {
    const reads = [100, 150, 10, 60]; // +50, then a drop, then +50
    const make = (wrapJ: number | null) => {
      let i = 0;
      return new CounterMeter("c", "package", async () => reads[Math.min(i++, reads.length - 1)]!, wrapJ, 5);
    };
    const sum = async (m: CounterMeter) => {
      const r = await m.start();
      await sleep(40);
      const rec = await r.stop();
      return rec.values.at(-1)! - rec.values[0]!;
    };
    expect(await sum(make(null))).toBe(100); // NVML: a drop is a reset, adds 0
    expect(await sum(make(1000))).toBe(100); // 150 -> 10 would be a 860 J step: not plausible, a reset
    expect(await sum(make(200))).toBe(160); // 150 -> 10 within a 200 J range: a 60 J wrap
  });
});

describe("modelled CPU energy (no sensor: Cloud Carbon Footprint's W-per-thread model on measured utilisation)", () => {
  /** CPU times that advance with the clock at a fixed utilisation, as os.cpus() would on a loaded machine. */
  const fakeTimes = (threads: number, utilisation: () => number) => {
    let last = performance.now();
    let busy = 0;
    let total = 0;
    return () => {
      const now = performance.now();
      const dt = (now - last) * threads;
      busy += dt * utilisation();
      total += dt;
      last = now;
      return { busyMs: busy, totalMs: total, threads };
    };
  };

  it("the model is linear in utilisation, and its range holds every micro-architecture CCF lists", () => {
    expect(modelledPowerW(8, 0)).toBeCloseTo(8 * CCF_CPU_AVERAGE.minW, 12);
    expect(modelledPowerW(8, 1)).toBeCloseTo(8 * CCF_CPU_AVERAGE.maxW, 12);
    expect(modelledPowerW(8, 1.7)).toBe(modelledPowerW(8, 1)); // clamped
    const e = modelledPowerW(8, 0.5) * 10;
    const [lo, hi] = modelledRangeJ(e, 10, 8);
    expect(lo).toBeCloseTo(8 * (0.47 + 0.5 * (1.69 - 0.47)) * 10, 9); // EPYC 2nd gen is the lowest at 50%
    expect(hi).toBeCloseTo(8 * (3.04 + 0.5 * (8.25 - 3.04)) * 10, 9); // Ivy Bridge the highest
    expect(lo).toBeLessThan(e);
    expect(hi).toBeGreaterThan(e);
    expect(utilisationBetween({ busyMs: 0, totalMs: 0 }, { busyMs: 50, totalMs: 200 })).toBe(0.25);
    expect(utilisationBetween({ busyMs: 0, totalMs: 100 }, { busyMs: 0, totalMs: 100 })).toBeNull();
  });

  it("a window's modelled energy matches the model at a known utilisation within 2%, labelled modelled with its range", async () => {
    const u = 0.6;
    const meter = new ModelledCpuMeter(fakeTimes(4, () => u), 20);
    const { rec, t0, t1 } = await record(meter, 600);
    const got = energyInWindow(rec, t0, t1)!.energyJ;
    const expected = modelledPowerW(4, u) * ((t1 - t0) / 1e9);
    expect(Math.abs(got / expected - 1)).toBeLessThan(0.02);
    const [reading] = workloadReadings([rec], [{ t0Ns: t0, t1Ns: t1 }]).map((x) => x.reading);
    expect(reading).toMatchObject({ method: "estimated", scope: "package", sensor: "modelled:cpu", tier: "modelled" });
    expect(reading!.rangeJ![0]).toBeLessThan(reading!.energyJ!);
    expect(reading!.rangeJ![1]).toBeGreaterThan(reading!.energyJ!);
    const e = energyPerToken([reading!], 100)!;
    expect(e.tier).toBe("modelled");
    expect(e.rangeJ![0]).toBeCloseTo(reading!.rangeJ![0] / 100, 12);
    expect(formatJPerToken(e.totalJ, e.scope, e.tier, 3, e.rangeJ)).toMatch(/^≈[\d.]+ J \(package, modelled, range [\d.]+–[\d.]+\)$/);
  });

  it("a step in utilisation shows in the windows on each side of it", async () => {
    let u = 0.1;
    const meter = new ModelledCpuMeter(fakeTimes(2, () => u), 20);
    const r = await meter.start();
    const a0 = now();
    await sleep(400);
    const a1 = now();
    await sleep(60); // the read after a1 counts its whole period at the utilisation it sees
    u = 0.9;
    await sleep(60); // one read period for the new utilisation to show
    const b0 = now();
    await sleep(400);
    const b1 = now();
    const rec = await r.stop();
    const low = energyInWindow(rec, a0, a1)!.energyJ / ((a1 - a0) / 1e9);
    const high = energyInWindow(rec, b0, b1)!.energyJ / ((b1 - b0) / 1e9);
    expect(Math.abs(low / modelledPowerW(2, 0.1) - 1)).toBeLessThan(0.05);
    expect(Math.abs(high / modelledPowerW(2, 0.9) - 1)).toBeLessThan(0.05);
  });

  it("is what a device without any sensor gets, and --no-power turns it off too", async () => {
    const empty = path.join(tmp, "nothing");
    fs.mkdirSync(empty, { recursive: true });
    const r = await detectMeters({ raplRoot: empty, batteryRoot: empty, nvidiaCommand: path.join(empty, "no-nvidia-smi"), nvmlLibrary: path.join(empty, "no-nvml.so") });
    if (r.meters.some((m) => m.tier !== "modelled")) return; // this machine has a real sensor: nothing to model
    expect(r.meters.map((m) => m.sensor)).toEqual(["modelled:cpu"]);
    expect(r.notes.join(" ")).toContain("modelled");
    expect((await detectMeters({ none: true })).meters).toEqual([]);
    expect((await detectMeters({ raplRoot: empty, batteryRoot: empty, nvidiaCommand: path.join(empty, "x"), nvmlLibrary: path.join(empty, "x.so"), modelled: false })).meters).toEqual([]);
  });
});
