/**
 * Submission fixtures for tests and the ingest benchmark. These are test inputs, never shown as
 * measured results: the device is named "Fixture" so a stray row cannot pass for a real one.
 */
import { randomUUID } from "node:crypto";
import type { SubmissionInput } from "../lib/core/contracts/submission";
import { energyPerToken } from "../lib/core/measure/energy";

export const FIXTURE_WORKLOADS = [
  "pp512",
  "tg128",
  "pp512+tg128",
  "tg128@d4096",
  "ttft",
  "pp128",
  "tg32",
  "pp128+tg32",
  "pp1024",
  "tg256",
] as const;

function specOf(id: string) {
  if (id === "ttft") return { nPrompt: 48, nGen: 1, nDepth: 0 };
  const pp = /pp(\d+)/.exec(id);
  const tg = /tg(\d+)/.exec(id);
  const d = /@d(\d+)/.exec(id);
  return { nPrompt: pp ? Number(pp[1]) : 0, nGen: tg ? Number(tg[1]) : 0, nDepth: d ? Number(d[1]) : 0 };
}

/** The fixture's meter: the CPU package's RAPL counter. */
const ENERGY_LABEL = { scope: "package", sensors: ["intel-rapl:0"], tier: "counter" as const };

export function makeSubmission(opts: { workloads?: number; id?: string; deviceModel?: string } = {}): SubmissionInput {
  const n = opts.workloads ?? 5;
  const ids = FIXTURE_WORKLOADS.slice(0, n);
  return {
    schemaVersion: 1,
    submissionId: opts.id ?? randomUUID(),
    suiteVersion: "1",
    startedAt: "2026-11-28T10:00:00.000Z",
    finishedAt: "2026-11-28T10:05:00.000Z",
    runner: { name: "tokenwatt-test", version: "0.0.0-test", commit: null },
    device: {
      vendor: "Fixture",
      model: opts.deviceModel ?? "Test Device",
      deviceClass: "laptop",
      os: { platform: "linux", release: "6.1.0", distro: "Debian 12" },
      cpu: { vendor: "Fixture", model: "Fixture CPU 8-core", cores: 8, threads: 16, flags: ["avx2"] },
      ramBytes: 16 * 2 ** 30,
      gpus: [],
      backend: "cpu",
      memoryBandwidthGBps: 50,
      memoryBandwidthMethod: "read-stream",
    },
    engine: { name: "node-llama-cpp", version: "3.21.1", build: "prebuilt" },
    model: {
      name: "Llama-3.2-1B",
      family: "llama",
      parameterCount: 1_235_814_400,
      quantization: "Q4_0",
      fileBytes: 770_000_000,
      sha256: null,
      weights: "synthetic",
    },
    options: { threads: 8, gpuLayers: 0, batchSize: 512, ubatchSize: 512, contextSize: 4096, repetitions: 3 },
    idlePower: [{ method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 10, avgPowerW: 5 }],
    workloads: ids.map((id) => {
      const s = specOf(id);
      const tokens = s.nPrompt + s.nGen;
      const decode = s.nPrompt === 0;
      // decode at 30 tokens/s (below the 50 GB/s / 0.77 GB roofline of 65 tokens/s), prefill at 300
      const nsPerToken = decode ? 1e9 / 30 : 1e9 / 300;
      return {
        workloadId: id,
        ...s,
        status: "ok" as const,
        samples: [0, 1, 2].map((i) => ({
          durationNs: Math.round(tokens * nsPerToken * (1 + i * 0.01)),
          promptTokens: s.nPrompt,
          genTokens: s.nGen,
        })),
        memory: { peakRssBytes: 900_000_000, modelBytes: 770_000_000, kvBytes: 134_217_728, vramBytes: null },
        // 15 W over the repetitions' tokens at the J/token below: readings and J/token agree, as the server checks.
        power: [
          {
            method: "counter" as const,
            scope: "package" as const,
            sensor: "intel-rapl:0",
            durationNs: Math.round(((3 * tokens * (decode ? 0.5 : 0.05)) / 15) * 1e9),
            energyJ: 3 * tokens * (decode ? 0.5 : 0.05),
            avgPowerW: 15,
            idlePowerW: 5,
            tier: "counter" as const,
          },
        ],
        // As the runner attributes it: the whole workload's J/token, and per phase for pure prefill or decode.
        energyPerToken: { ...(decode ? { totalJ: 0.5, aboveIdleJ: 0.33 } : { totalJ: 0.05, aboveIdleJ: 0.033 }), ...ENERGY_LABEL },
        prefillEnergyPerToken: s.nPrompt > 0 && s.nGen === 0 ? { totalJ: 0.05, aboveIdleJ: 0.033, ...ENERGY_LABEL } : null,
        decodeEnergyPerToken: decode ? { totalJ: 0.5, aboveIdleJ: 0.33, ...ENERGY_LABEL } : null,
        powerTrace: [{ sensor: "intel-rapl:0", scope: "package" as const, tMs: [0, 100, 200], powerW: [14, 15, 16] }],
      };
    }),
  };
}

/**
 * A server-suite run on a data-center GPU (CUDA, device class server): tg128 at each batch of `jAt`
 * with its J/token (GPU scope, a counter), power readings that agree with it, at 30 tokens/s per
 * sequence.
 */
export function makeServerRun(jAt: Record<number, number>, o: { backend?: "cuda" | "cpu"; deviceClass?: "server" | "laptop" } = {}): SubmissionInput {
  const base = makeSubmission({ workloads: 2, deviceModel: o.deviceClass === "laptop" ? "Fixture laptop" : "Fixture H200 node" });
  const tg = base.workloads.find((w) => w.workloadId === "tg128")!;
  base.device = { ...base.device, backend: o.backend ?? "cuda", deviceClass: o.deviceClass ?? "server", gpus: [{ vendor: "NVIDIA", model: "H200", vramBytes: 141e9 }] };
  base.workloads = Object.entries(jAt).map(([b, j]) => {
    const B = Number(b);
    const label = { scope: "gpu", sensors: ["nvml:0"], tier: "counter" as const };
    const samples = [0, 1, 2].map((i) => ({ durationNs: Math.round((128 / 30) * 1e9 * (1 + i * 0.01)), promptTokens: 0, genTokens: 128 * B }));
    const ns = samples.reduce((x, y) => x + y.durationNs, 0);
    const energyJ = 3 * 128 * B * j; // the readings give the J/token: the server checks they agree
    return {
      ...tg,
      workloadId: B === 1 ? "tg128" : `tg128@b${B}`,
      nBatch: B,
      samples,
      power: [{ method: "counter" as const, scope: "gpu" as const, sensor: "nvml:0", durationNs: ns, energyJ, avgPowerW: energyJ / (ns / 1e9), idlePowerW: null, tier: "counter" as const }],
      powerTrace: [],
      energyPerToken: { totalJ: j, aboveIdleJ: null, ...label },
      decodeEnergyPerToken: { totalJ: j, aboveIdleJ: null, ...label },
    };
  });
  return base;
}

/**
 * A fixture with pp512, tg128 and a `sustained@60s` run (30 intervals of 2 s) that slows from
 * `peak` to `steady` tokens/s at `throttleAtS`, warming from 45 °C; no energy figures.
 */
export function makeSustainedRun(o: { peak: number; steady: number; throttleAtS: number; deviceModel?: string }): SubmissionInput {
  const s = makeSubmission({ workloads: 2, deviceModel: o.deviceModel });
  for (const w of s.workloads) Object.assign(w, { power: [], energyPerToken: null, prefillEnergyPerToken: null, decodeEnergyPerToken: null, powerTrace: [] });
  for (const w of s.workloads) w.samples = w.samples.map((x) => ({ ...x, energyJ: null }));
  const rates = Array.from({ length: 30 }, (_, i) => (i * 2 < o.throttleAtS ? o.peak : o.steady));
  s.workloads.push({
    workloadId: "sustained@60s",
    nPrompt: 0,
    nGen: 256,
    nDepth: 0,
    nBatch: 1,
    status: "ok",
    error: null,
    samples: rates.map((r) => ({ durationNs: 2e9, promptTokens: 0, genTokens: Math.round(r * 2), energyJ: null, firstTokenNs: null })),
    thermalStart: { cpuC: 45, gpuC: null, batteryPct: 90, sources: ["sysfs", "battery"] },
    sustained: { intervalS: 2, cpuC: rates.map((_, i) => 45 + i), gpuC: [], batteryPct: rates.map((_, i) => 90 - Math.floor(i / 10)) },
  });
  return s;
}

/**
 * Makes a fixture workload `k` times faster as a real run would be: its repetitions take 1/k of the
 * time, and its readings cover exactly those repetitions (same joules over a shorter window: k
 * times the power), as the server checks.
 */
 
export function scaleSpeed(w: any, k: number): void {
  for (const smp of w.samples) smp.durationNs = Math.round(smp.durationNs / k);
  const timedNs = w.samples.reduce((a: number, x: { durationNs: number }) => a + x.durationNs, 0);
  for (const r of w.power) {
    r.durationNs = timedNs;
    if (r.energyJ != null) r.avgPowerW = r.energyJ / (timedNs / 1e9);
  }
  // Above idle changes with the window (idle power x a shorter time): recomputed as the runner would.
  const tokens = w.samples.reduce((a: number, x: { promptTokens: number; genTokens: number }) => a + x.promptTokens + x.genTokens, 0);
  const again = energyPerToken(w.power.map((r: object) => ({ idlePowerW: null, tier: null, flags: [], rangeJ: null, ...r })), tokens);
  for (const key of ["energyPerToken", "decodeEnergyPerToken", "prefillEnergyPerToken"]) if (w[key] && again) w[key] = { ...w[key], aboveIdleJ: again.aboveIdleJ };
}

/** A reading of `joules` over the workload's timed repetitions (its window and power agree, as the server checks). */
export function readingOver(w: { samples: { durationNs: number }[] }, r: { method?: string; scope: string; sensor: string; tier: string }, joules: number) {
  const durationNs = w.samples.reduce((a, x) => a + x.durationNs, 0);
  return { method: "counter", ...r, energyJ: joules, avgPowerW: joules / (durationNs / 1e9), durationNs };
}
