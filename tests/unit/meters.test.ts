import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectBattery, batteryWatts } from "../../runners/native/power/battery";
import { externalCommandMeter, externalHttpMeter, wattsFromJson } from "../../runners/native/power/external";
import { integrateJ } from "../../runners/native/power/meter";
import { detectNvidia, parseNvidiaLine } from "../../runners/native/power/nvidia";
import { detectPowermetrics, parsePowermetricsLine } from "../../runners/native/power/powermetrics";
import { detectRapl, energyDeltaUj } from "../../runners/native/power/rapl";
import { detectMeters, measureIdle, withIdle } from "../../runners/native/power";
import { deviceEnergy, energyPerToken } from "../../lib/core/measure/energy";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tw-meters-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (p: string, v: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, v);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  it("detects package and dram, and measures energy across a wrap", async () => {
    const meters = detectRapl(root);
    expect(meters.map((m) => `${m.sensor}:${m.scope}`)).toEqual(["intel-rapl:0:package", "intel-rapl:0:0:dram"]);
    const windows = await Promise.all(meters.map((m) => m.begin()));
    write(`${root}/intel-rapl:0/energy_uj`, "6000000\n"); // +5 J
    write(`${root}/intel-rapl:0:0/energy_uj`, "671150\n"); // wrapped: +1 J
    await sleep(20);
    const [pkg, dram] = await Promise.all(windows.map((w) => w.close()));
    expect(pkg!.reading).toMatchObject({ method: "counter", scope: "package", sensor: "intel-rapl:0" });
    expect(pkg!.reading.energyJ).toBeCloseTo(5, 6);
    expect(dram!.reading.energyJ).toBeCloseTo(1, 6);
    expect(pkg!.reading.avgPowerW).toBeGreaterThan(0);
  });

  it("finds nothing where there is no powercap", () => {
    expect(detectRapl(path.join(tmp, "missing"))).toEqual([]);
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
    expect(meters.map((m) => m.sensor)).toEqual(["battery:BAT0", "battery:BAT2"]);
    const w = await meters[0]!.begin();
    await sleep(120);
    const r = await w.close();
    expect(r.reading.method).toBe("sampled");
    expect(r.reading.avgPowerW).toBeCloseTo(12.5, 1);
    expect(r.trace!.powerW.every((p) => p === 12.5)).toBe(true);
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
    const w = await meters[0]!.begin();
    await sleep(400);
    const r = await w.close();
    expect(r.reading).toMatchObject({ method: "sampled", scope: "gpu" });
    expect(r.reading.avgPowerW).toBeCloseTo(100, 0);
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
    write(fake, `#!/bin/sh\ncase "$*" in *"-n 1"*) echo "Combined Power (CPU + GPU + ANE): 3000 mW"; exit 0 ;; esac\nwhile true; do echo "Combined Power (CPU + GPU + ANE): 3000 mW"; sleep 0.05; done\n`);
    fs.chmodSync(fake, 0o755);
    const ok = await detectPowermetrics(fake, ["timeout", "1"], "darwin");
    expect(ok.meters).toHaveLength(1);
    const w = await ok.meters[0]!.begin();
    await sleep(300);
    expect((await w.close()).reading.avgPowerW).toBeCloseTo(3, 1);
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
    const w = await externalHttpMeter(url, 30).begin();
    await sleep(150);
    const r = await w.close();
    srv.close();
    expect(r.reading).toMatchObject({ method: "sampled", scope: "wall" });
    expect(r.reading.avgPowerW).toBeCloseTo(42, 0);
    const c = await externalCommandMeter("echo 9.5", 30).begin();
    await sleep(150);
    expect((await c.close()).reading.avgPowerW).toBeCloseTo(9.5, 0);
  });

  it("an unreachable meter reads unavailable, never a number", async () => {
    const w = await externalHttpMeter("http://127.0.0.1:9/", 20).begin();
    await sleep(60);
    const r = await w.close();
    expect(r.reading.method).toBe("unavailable");
    expect(r.reading.energyJ).toBeNull();
  });
});

describe("idle baseline and energy per token", () => {
  it("measures idle power and subtracts it", async () => {
    const root = path.join(tmp, "powercap2");
    write(`${root}/intel-rapl:0/name`, "package-0\n");
    write(`${root}/intel-rapl:0/energy_uj`, "0\n");
    write(`${root}/intel-rapl:0/max_energy_range_uj`, "1000000000\n");
    const idle = await measureIdle(detectRapl(root), 0.05);
    expect(idle[0]!.method).toBe("counter");
    const readings = withIdle([{ method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 30, avgPowerW: 15, idlePowerW: null }], [{ ...idle[0]!, avgPowerW: 5 }]);
    expect(readings[0]!.idlePowerW).toBe(5);
    // 30 J over 2 s with 5 W idle: 20 J above idle; 100 tokens
    expect(energyPerToken(readings, 100)).toEqual({ totalJ: 0.3, aboveIdleJ: 0.2 });
  });

  it("prefers the widest scope and adds package, dram and gpu", () => {
    const r = (scope: "wall" | "package" | "dram" | "gpu", energyJ: number) => ({ method: "counter" as const, scope, sensor: scope, durationNs: 1e9, energyJ, avgPowerW: energyJ, idlePowerW: 1 });
    expect(deviceEnergy([r("package", 10), r("wall", 40)])!.energyJ).toBe(40);
    expect(deviceEnergy([r("package", 10), r("dram", 2), r("gpu", 30)])).toMatchObject({ energyJ: 42, idleW: 3 });
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
});
