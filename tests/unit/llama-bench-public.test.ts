/**
 * The llama-bench importer on real public outputs of real devices: tests/fixtures/llama-bench/public/
 * holds markdown tables (and the log lines above them) as their authors pasted them in GitHub issues
 * and pull requests, each with a sidecar .json naming its URL, the device and that device's
 * memory bandwidth from the vendor. Each is imported as that machine's results, the way
 * `tokenwatt import llama-bench FILE --source-url URL --device-name ... [--cpu ...] [--gpu ...]` does.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSubmission, type Backend, type Submission } from "../../lib/core/contracts/submission";
import { deriveStats } from "../../lib/core/measure/stats";
import { llamaBenchToSubmissions, readLlamaBench } from "../../runners/import/llama-bench";
import { importedDevice } from "../../runners/import/imported-device";

const dir = "tests/fixtures/llama-bench/public";
interface Sidecar {
  url: string;
  device: string;
  cpu: string | null;
  gpus: string[];
  backend: Backend | Backend[];
  memoryBandwidthGBps: { value: number; source: string } | null;
  notes: string;
}
const sidecar = (name: string) => JSON.parse(fs.readFileSync(`${dir}/${name}.json`, "utf8")) as Sidecar;

/** Imports one public fixture as the CLI would, describing the machine from the sidecar; `gpuFlag`: the output does not name its GPU. */
function importPublic(name: string, gpuFlag = false): Submission[] {
  const s = sidecar(name);
  const { format, rows } = readLlamaBench(fs.readFileSync(`${dir}/${name}.md`, "utf8"));
  expect(format).toBe("markdown");
  const subs = llamaBenchToSubmissions(rows, {
    device: (m) => importedDevice(m, { deviceName: s.device, cpu: s.cpu, gpus: gpuFlag ? s.gpus : null }),
    source: { tool: "llama-bench", url: s.url, machine: "other", note: null },
    format,
    importedAt: "2026-12-05T08:00:00.000Z",
  });
  for (const sub of subs) {
    const p = parseSubmission(JSON.parse(JSON.stringify(sub)));
    expect(p.ok, JSON.stringify(!p.ok && p.issues)).toBe(true);
    expect(sub.source).toEqual({ tool: "llama-bench", format: "markdown", url: s.url, machine: "other", timeKnown: false, note: null });
    expect(sub.runner.name).toBe("llama-bench-import");
    expect(sub.engine.name).toBe("llama.cpp");
    expect(sub.device).toMatchObject({ model: s.device, name: s.device, os: { platform: "unknown" }, ramBytes: null });
    expect(sub.device.gpus.map((g) => g.model)).toEqual(s.gpus);
  }
  return subs;
}

/** workload id → the mean t/s printed, for one submission; each workload is one mean repetition of 5 assumed. */
function figures(sub: Submission): Record<string, [number, number | null]> {
  return Object.fromEntries(
    sub.workloads.map((w) => {
      expect(w.samples).toHaveLength(1);
      expect(w.aggregate).toMatchObject({ repetitions: 5, repetitionsAssumed: true, avgNs: null });
      // The one sample is the mean repetition: its rate is the printed mean.
      expect(deriveStats(w.samples)!.avgTokensPerSec).toBeCloseTo(w.aggregate!.avgTokensPerSec, 3);
      return [w.workloadId, [w.aggregate!.avgTokensPerSec, w.aggregate!.stddevTokensPerSec]];
    }),
  );
}

describe("public llama-bench outputs import as their machines' results", () => {
  it("x86 CPU: Intel Core i3-1315U (Framework 12), the CPU spelled once whatever the source", () => {
    const [s, ...rest] = importPublic("cpu-x86-intel-core-i3-1315u");
    expect(rest).toEqual([]);
    expect(s!.device).toMatchObject({ backend: "cpu", cpu: { model: "Intel Core i3-1315U", vendor: "Intel" } });
    expect(s!.model).toMatchObject({ name: "llama 3B Q4_K - Medium", quantization: "Q4_K_M", parameterCount: 3_210_000_000, fileBytes: Math.round(1.87 * 2 ** 30) });
    expect(s!.options).toMatchObject({ threads: 2, repetitions: 5, gpuLayers: null });
    expect(s!.engine.version).toBe("unknown");
    expect(figures(s!)).toEqual({ pp512: [28.67, 0.18], pp4096: [23.91, 0.04], tg128: [11.05, 0.08], "pp4096+tg128": [22.55, 0.01] });
  });

  it("ARM CPU: Cix CP8180, build b8664 from the line above the table", () => {
    const [s] = importPublic("cpu-arm-cix-cp8180");
    expect(s!.device).toMatchObject({ backend: "cpu", cpu: { model: "Cix CP8180" } });
    expect(s!.engine).toMatchObject({ version: "b8664 (9c699074c)", build: "9c699074c" });
    expect(s!.model).toMatchObject({ quantization: "Q4_K_M", parameterCount: 1_100_000_000, fileBytes: Math.round(636.18 * 2 ** 20) });
    expect(figures(s!)).toMatchObject({ pp512: [194.05, 0.65], tg128: [40.39, 0.15], "pp4096+tg128": [99.85, 0.06] });
  });

  it("Apple Metal: M5's BLAS,MTL, M2 Ultra's 2023 table (three quantizations), the Metal4 PR's three tables, a rendered M2 Air table", () => {
    const [m5] = importPublic("metal-apple-m5-blas-mtl", true);
    expect(m5!.device.backend).toBe("metal");
    expect(m5!.options.threads).toBe(4);
    expect(figures(m5!)).toEqual({ pp256: [597.06, 0], tg64: [20.21, 0] });

    const ultra = importPublic("metal-apple-m2-ultra-2023", true);
    expect(ultra.map((s) => s.model.quantization)).toEqual(["Q8_0", "Q4_0", "Q4_1"]);
    expect(ultra.map((s) => figures(s))).toEqual([
      { pp512: [629.07, 0.21], tg128: [62.05, 0.22] },
      { pp512: [629.6, 0.34], tg128: [88.54, 0.04] },
      { pp512: [631.94, 0.41], tg128: [83.63, 0.04] },
    ]);
    expect(ultra[0]!.options).toMatchObject({ gpuLayers: 1, threads: 4 });

    const pr = importPublic("metal-apple-m5-metal4-pr", true);
    expect(pr.map((s) => s.model.name)).toEqual(["llama 7B Q4_0", "phi2 3B Q4_0", "llama 1B Q4_0"]);
    expect(figures(pr[2]!)).toEqual({ pp512: [3959.13, 869.34], tg128: [149.69, 0.12] });

    const [air] = importPublic("metal-apple-m2-air-rendered", true);
    expect(air!.workloads.map((w) => w.workloadId)).toEqual(["pp128", "pp256", "pp512", "tg128", "tg256", "tg512"]);
    expect(figures(air!).tg512).toEqual([13.96, 1.62]);
    expect(air!.options.gpuLayers).toBe(99);
  });

  it("NVIDIA CUDA: the GPU from the Device line, nkvo 0 and 1 kept apart, one submission per model", () => {
    const ti = importPublic("cuda-nvidia-rtx-3090-ti-nkvo");
    expect(ti).toHaveLength(2);
    expect(ti.map((s) => s.device.backend)).toEqual(["cuda", "cuda"]);
    expect(ti[0]!.device.gpus[0]).toMatchObject({ vendor: "NVIDIA", model: "NVIDIA GeForce RTX 3090 Ti" });
    expect(ti[0]!.engine.version).toBe("b1786 (32d9f7d9)");
    expect(ti.map((s) => figures(s))).toEqual([
      { pp512: [4035.47, 157.68], tg128: [127.43, 0.18] },
      { pp512: [237.84, 10.28], tg128: [59.99, 2.35] },
    ]);
    const x = importPublic("cuda-nvidia-rtx-4090-cublas");
    expect(x.map((s) => [s.model.quantization, Object.keys(figures(s))])).toEqual([
      ["F16", ["pp512", "tg128"]],
      ["Q8_0", ["pp512", "tg128"]],
      ["Q4_0", ["pp512"]],
    ]);
    expect(figures(x[0]!).pp512).toEqual([11048.22, 269.74]);
  });

  it("Vulkan: AMD RX 580 and RX 7900 XT (with the Pi's V3D beside it) from ggml_vulkan lines, NVIDIA RTX 2070 with flash attention", () => {
    const [rx580] = importPublic("vulkan-amd-radeon-rx-580");
    expect(rx580!.device).toMatchObject({ backend: "vulkan", gpus: [{ vendor: "AMD", model: "AMD Radeon RX 580 Series" }] });
    expect(rx580!.engine.version).toBe("b4696 (e598697d)");
    expect(figures(rx580!)).toEqual({ pp512: [346.76, 0.45], pp4096: [255.79, 12.26], tg128: [36.23, 17.62], "pp4096+tg128": [182.59, 2.66] });

    const [xt] = importPublic("vulkan-amd-radeon-rx-7900-xt-two-devices");
    expect(xt!.device.gpus.map((g) => g.vendor)).toEqual(["AMD", "Broadcom"]);
    expect(xt!.engine.version).toBe("b6552 (1d0125bc)");
    expect(figures(xt!).tg128).toEqual([7.16, 0.15]);

    const [nv] = importPublic("vulkan-nvidia-rtx-2070-fa");
    expect(nv!.device).toMatchObject({ backend: "vulkan", gpus: [{ vendor: "NVIDIA", model: "NVIDIA GeForce RTX 2070" }] });
    expect(nv!.options.flashAttention).toBe(true);
    expect(nv!.engine.version).toBe("b5298 (141a908a)");
    expect(figures(nv!)).toEqual({ pp512: [139.97, 1.06], tg128: [35.87, 1.01] });
  });

  it("ROCm: a HIP build's 'ROCm devices' and a ± that arrived as '_'; OpenCL, Vulkan and ROCm rows of one table kept apart", () => {
    const [rocm] = importPublic("rocm-amd-radeon-rx-570");
    expect(rocm!.device).toMatchObject({ backend: "rocm", gpus: [{ vendor: "AMD", model: "Radeon RX 570 Series" }] });
    expect(rocm!.model).toMatchObject({ quantization: "IQ1_S", parameterCount: 999_890_000 });
    expect(figures(rocm!)).toEqual({ pp512: [669.73, 1.6], tg128: [53.55, 0.09] });

    const mixed = importPublic("mixed-amd-radeon-rx-6800-xt-opencl-vulkan-rocm", true);
    expect(mixed.map((s) => [s.device.backend, s.options.gpuLayers])).toEqual([
      ["opencl", 0],
      ["opencl", 99],
      ["vulkan", 0],
      ["vulkan", 99],
      ["rocm", 0],
      ["rocm", 99],
    ]);
    expect(figures(mixed[5]!)).toEqual({ pp512: [684.11, 3.1] });
    expect(mixed.every((s) => s.device.cpu.model === "unknown")).toBe(true);
  });

  it("every public fixture has a source URL, a device and the vendor's bandwidth (or why not), and imports", () => {
    const names = fs.readdirSync(dir).filter((f) => f.endsWith(".md")).map((f) => f.replace(/\.md$/, ""));
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const n of names) {
      const s = sidecar(n);
      expect(s.url, n).toMatch(/^https:\/\/github\.com\//);
      expect(fs.readFileSync(`${dir}/${n}.md`, "utf8").split("\n")[0]).toContain(s.url);
      expect(s.device, n).toBeTruthy();
      if (s.memoryBandwidthGBps) expect(s.memoryBandwidthGBps.source, n).toMatch(/https:\/\//);
      const backends = [s.backend].flat();
      const subs = importPublic(n, !fs.readFileSync(`${dir}/${n}.md`, "utf8").match(/Device 0:|ggml_vulkan: 0 =/));
      expect([...new Set(subs.map((x) => x.device.backend))].sort(), n).toEqual([...backends].sort());
    }
  });
});
