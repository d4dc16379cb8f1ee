/**
 * Physical ceilings a device cannot exceed (pure): the peak bandwidth of the memory holding the
 * weights, the largest cache that could hold them instead, and the peak arithmetic rate, per
 * backend and device class. The plausibility gate bounds every result by these, never by a figure
 * the runner measured (a measured bandwidth is a diagnostic: llama.cpp's kernels can read faster
 * than the runner's own stream benchmark, so an honest decode can sit above it).
 *
 * Each ceiling is the fastest part of its class that ships, with its vendor source, so that an
 * honest result of any device of that class passes; where the device names its part (an Apple SoC,
 * a phone SoC in soc-bandwidth.ts, a GPU in the reported table) that part's own peak is used.
 * Units: GB/s = 1e9 bytes/s, TFLOP/s = 1e12 operations/s (one multiply-add = 2), bytes.
 */
import type { Device } from "../contracts/submission";
import { REPORTED_GPU_BANDWIDTH } from "./gpu-bandwidth";
import { HOST_BACKENDS } from "./roofline";
import { mobileSocBandwidth } from "./soc-bandwidth";

export interface Ceiling {
  value: number;
  /** Where the figure comes from: the part's datasheet, or the class's fastest part. */
  source: string;
}

type DeviceClass = Device["deviceClass"];

/** Host memory: the fastest system memory of each class, GB/s. */
export const HOST_DRAM_PEAK_GBPS: Record<DeviceClass, Ceiling> = {
  // The M5 iPad Pro (153 GB/s) is the fastest memory in a tablet; no phone SoC reaches it (soc-bandwidth.ts).
  phone: { value: 153, source: "Apple M5 (iPad Pro, MacBook Pro), 153 GB/s unified memory: Apple newsroom, 15 Oct 2025 (the-decoder.com/apples-m5-chip-brings-faster-ai-to-macbook-ipad-and-vision-pro)" },
  tablet: { value: 153, source: "Apple M5 (iPad Pro, MacBook Pro), 153 GB/s unified memory: Apple newsroom, 15 Oct 2025 (the-decoder.com/apples-m5-chip-brings-faster-ai-to-macbook-ipad-and-vision-pro)" },
  laptop: { value: 546, source: "Apple M4 Max, 546 GB/s unified memory: apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max" },
  desktop: { value: 819, source: "Apple M3 Ultra, 819 GB/s unified memory: apple.com/newsroom/2025/03/apple-reveals-m3-ultra-taking-apple-silicon-to-a-new-extreme" },
  sbc: { value: 273, source: "NVIDIA Jetson AGX Thor, 273 GB/s LPDDR5X: nvidia.com/en-us/autonomous-machines/embedded-systems/jetson-thor" },
  server: { value: 1_690, source: "two Intel Xeon 6 6900P sockets, 12 channels of MRDIMM-8800 each (12 x 8.8 GT/s x 8 B = 845 GB/s a socket): intel.com Xeon 6 P-core product brief" },
  unknown: { value: 1_690, source: "the fastest host memory of any class (two Xeon 6 6900P sockets with MRDIMM-8800)" },
};

/**
 * Last-level cache: the largest of each class, bytes. Weights beyond it are read from memory on
 * every token whatever the runner says its cache is.
 */
export const MAX_LLC_BYTES: Record<DeviceClass, Ceiling> = {
  phone: { value: 64 * 2 ** 20, source: "conservative: above any phone SoC's published system cache" },
  tablet: { value: 64 * 2 ** 20, source: "conservative: above any tablet SoC's published system cache" },
  laptop: { value: 128 * 2 ** 20, source: "AMD Ryzen 9 7945HX3D, 128 MB L3: amd.com" },
  desktop: { value: 256 * 2 ** 20, source: "conservative: twice the AMD Ryzen 9 9950X3D's 128 MB L3 (amd.com)" },
  sbc: { value: 64 * 2 ** 20, source: "conservative: above any single-board computer's published cache" },
  server: { value: 2 * 1152 * 2 ** 20, source: "two AMD EPYC 9684X sockets, 1,152 MB L3 each: amd.com" },
  unknown: { value: 2 * 1152 * 2 ** 20, source: "the largest cache of any class (two AMD EPYC 9684X sockets)" },
};

/** On-chip cache bandwidth no part of a kind delivers to one process, GB/s. */
export const CACHE_PEAK_GBPS = { host: { value: 10_000, source: "conservative: several times the L3 bandwidth of a 2-socket EPYC 9684X" }, gpu: { value: 40_000, source: "conservative: above the AMD MI300X's 17.2 TB/s Infinity Cache peak (amd.com)" } } as const;

/** GPU memory of an unlisted GPU: the fastest shipping. */
export const GPU_MEMORY_PEAK_GBPS: Ceiling = { value: 8_000, source: "NVIDIA B200, 8 TB/s HBM3e (DGX B200: 64 TB/s for 8 GPUs): nvidia.com/en-us/data-center/dgx-b200" };
/** GPU caches: the largest (AMD MI300X's 256 MB Infinity Cache). */
export const GPU_MAX_LLC_BYTES: Ceiling = { value: 256 * 2 ** 20, source: "AMD Instinct MI300X, 256 MB Infinity Cache: amd.com" };

/** Apple silicon's unified memory, the largest variant of each chip, GB/s (Apple's newsroom). */
export const APPLE_SOC_GBPS: { match: RegExp; gbps: number; source: string }[] = [
  { match: /\bM1 Ultra\b/i, gbps: 800, source: "apple.com/newsroom/2022/03/apple-unveils-m1-ultra-the-worlds-most-powerful-chip-for-a-personal-computer" },
  { match: /\bM1 Max\b/i, gbps: 400, source: "apple.com/newsroom/2021/10/introducing-m1-pro-and-m1-max-the-most-powerful-chips-apple-has-ever-built" },
  { match: /\bM1 Pro\b/i, gbps: 200, source: "apple.com/newsroom/2021/10/introducing-m1-pro-and-m1-max-the-most-powerful-chips-apple-has-ever-built" },
  { match: /\bM2 Ultra\b/i, gbps: 800, source: "apple.com/newsroom/2023/06/apple-introduces-m2-ultra" },
  { match: /\bM2 Max\b/i, gbps: 400, source: "apple.com/newsroom/2023/01/apple-unveils-m2-pro-and-m2-max-next-generation-chips-for-next-level-workflows" },
  { match: /\bM2 Pro\b/i, gbps: 200, source: "apple.com/newsroom/2023/01/apple-unveils-m2-pro-and-m2-max-next-generation-chips-for-next-level-workflows" },
  { match: /\bM2\b/i, gbps: 100, source: "apple.com/newsroom/2022/06/apple-unveils-m2-with-breakthrough-performance-and-capabilities" },
  { match: /\bM3 Ultra\b/i, gbps: 819, source: "apple.com/newsroom/2025/03/apple-reveals-m3-ultra-taking-apple-silicon-to-a-new-extreme" },
  { match: /\bM3 Max\b/i, gbps: 400, source: "apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer" },
  { match: /\bM3 Pro\b/i, gbps: 150, source: "apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer" },
  { match: /\bM3\b/i, gbps: 100, source: "apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer" },
  { match: /\bM4 Max\b/i, gbps: 546, source: "apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max" },
  { match: /\bM4 Pro\b/i, gbps: 273, source: "apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max" },
  { match: /\bM4\b/i, gbps: 120, source: "apple.com/newsroom/2024/05/apple-introduces-m4-chip" },
  // The plain M5 only: an M5 Pro, Max or Ultra (not in this table) takes the fastest Apple silicon's bound.
  { match: /\bM5\b(?!\s*(?:Pro|Max|Ultra)\b)/i, gbps: 153, source: "Apple M5 (iPad Pro, MacBook Pro), 153 GB/s unified memory: Apple newsroom, 15 Oct 2025 (the-decoder.com/apples-m5-chip-brings-faster-ai-to-macbook-ipad-and-vision-pro)" },
  // The plain M1 last: "M1 Pro" etc. match above first.
  { match: /\bM1\b/i, gbps: 68.25, source: "Apple M1: 8 x 16-bit LPDDR4X-4266 (68.25 GB/s)" },
];
const APPLE_MAX: Ceiling = { value: 819, source: "the fastest Apple silicon (M3 Ultra, 819 GB/s): apple.com/newsroom/2025/03" };

/** Peak arithmetic for prefill (one multiply-add = 2 ops, int8 or narrower where the part has it), TFLOP/s. */
export const HOST_COMPUTE_PEAK_TFLOPS: Record<DeviceClass, Ceiling> = {
  phone: { value: 20, source: "conservative: ~5x an 8-core Armv9 CPU's int8 dot-product peak" },
  tablet: { value: 20, source: "conservative: ~5x an 8-core Armv9 CPU's int8 dot-product peak" },
  laptop: { value: 60, source: "conservative: ~3x a 16-core AVX-512 VNNI laptop CPU at 5 GHz (16 x 5e9 x 256 = 20 TOPS)" },
  desktop: { value: 150, source: "a 96-core AVX-512 VNNI Threadripper at 5 GHz (96 x 5e9 x 256 = 123 TOPS)" },
  sbc: { value: 20, source: "conservative: the phone class's cap" },
  server: { value: 1_100, source: "two 128-core Xeon 6980P sockets with AMX int8 (2 x 128 x 2 GHz x 2,048 ops = 1,049 TOPS)" },
  unknown: { value: 1_100, source: "the server class's cap" },
};
export const GPU_COMPUTE_PEAK_TFLOPS: Ceiling = { value: 20_000, source: "NVIDIA B200, 18 PFLOPS sparse FP4 (nvidia.com/en-us/data-center/dgx-b200), rounded up" };

type DeviceLike = Pick<Device, "backend" | "deviceClass" | "gpus"> & Partial<Pick<Device, "memoryModules" | "model">> & { cpu: Pick<Device["cpu"], "model" | "vendor"> };

const isApple = (d: DeviceLike) => /apple/i.test(d.cpu.vendor ?? "") || /\bapple\b|\bM[1-9]\b/i.test(d.cpu.model);

/** Backends that run on a phone SoC's CPU, GPU or NPU: all read the one LPDDR memory the SoC has. */
const SOC_BACKENDS = new Set(["cpu", "wasm", "webgpu", "vulkan", "opencl", "hexagon"]);

/**
 * The named phone/tablet SoC's own peak (lib/core/measure/soc-bandwidth.ts) where the backend runs
 * on it, only where it is tighter than the class's host cap (like the memory modules: a name can
 * tighten the bound, never loosen it).
 */
function socPeak(d: DeviceLike): Ceiling | null {
  if (!SOC_BACKENDS.has(d.backend)) return null;
  const soc = mobileSocBandwidth([d.cpu.model, d.model]);
  return soc && soc.gbps < HOST_DRAM_PEAK_GBPS[d.deviceClass].value ? { value: soc.gbps, source: soc.source } : null;
}

/** The peak bandwidth of the memory holding the weights on this device's backend. */
export function memoryPeak(d: DeviceLike): Ceiling {
  // Apple silicon's CPU and GPU share one memory: Metal and the CPU backends read the same.
  if (isApple(d) && (d.backend === "metal" || HOST_BACKENDS.has(d.backend) || d.backend === "webgpu")) {
    const hit = APPLE_SOC_GBPS.find((r) => r.match.test(d.cpu.model));
    if (hit) return { value: hit.gbps, source: `${d.cpu.model}: ${hit.source}` };
    // An Apple chip this table does not list (an iPhone's A-series: Apple publishes no bandwidth for
    // them) is still a phone or tablet: its class's bound, not the fastest Mac's.
    return d.deviceClass === "phone" || d.deviceClass === "tablet" ? HOST_DRAM_PEAK_GBPS[d.deviceClass] : APPLE_MAX;
  }
  const soc = socPeak(d);
  if (HOST_BACKENDS.has(d.backend)) {
    const cap = soc ?? HOST_DRAM_PEAK_GBPS[d.deviceClass];
    // The modules the device reports bound it more tightly (never more loosely than its class).
    const m = d.memoryModules;
    const declared = m ? (m.count * m.mtps * 8) / 1000 : null;
    return declared != null && declared < cap.value ? { value: declared, source: `${m!.count} memory module(s) x ${m!.mtps} MT/s x 8 B, as the device reports them` } : cap;
  }
  if (soc) return soc;
  for (const g of d.gpus) {
    const hit = REPORTED_GPU_BANDWIDTH.find((r) => r.match.test(g.model));
    if (hit) return { value: hit.gbps, source: `${g.model}: ${hit.source}` };
  }
  return d.backend === "metal" ? APPLE_MAX : GPU_MEMORY_PEAK_GBPS;
}

/** The largest cache that could hold the weights instead of that memory. */
export function cachePeak(d: DeviceLike): { llcBytes: number; gbps: number } {
  if (HOST_BACKENDS.has(d.backend) || (isApple(d) && d.backend === "metal") || socPeak(d)) return { llcBytes: MAX_LLC_BYTES[d.deviceClass].value, gbps: CACHE_PEAK_GBPS.host.value };
  return { llcBytes: GPU_MAX_LLC_BYTES.value, gbps: CACHE_PEAK_GBPS.gpu.value };
}

export function computePeak(d: DeviceLike): Ceiling {
  return HOST_BACKENDS.has(d.backend) ? HOST_COMPUTE_PEAK_TFLOPS[d.deviceClass] : d.backend === "metal" ? { value: 200, source: "conservative: above any Apple GPU (M3 Ultra, 80 cores)" } : GPU_COMPUTE_PEAK_TFLOPS;
}

/**
 * The least time one decode step can take, seconds: the bytes it reads, of which at most the
 * largest cache's worth come from cache and the rest from memory, each at its peak.
 */
export function minDecodeStepSeconds(d: DeviceLike, bytesPerStep: number): number {
  const mem = memoryPeak(d);
  const cache = cachePeak(d);
  const fromCache = Math.min(bytesPerStep, cache.llcBytes);
  return (bytesPerStep - fromCache) / (mem.value * 1e9) + fromCache / (cache.gbps * 1e9);
}

/** The least time a prompt of `tokens` takes on a model of `params` parameters, seconds. */
export function minPrefillSeconds(d: DeviceLike, params: number, tokens: number): number {
  return (2 * params * tokens) / (computePeak(d).value * 1e12);
}

/**
 * Power one sensor of a scope reads from a device of a class while it computes, watts: below the
 * floor it is not running a model (an idle phone SoC draws ~0.1 W), above the ceiling no device of
 * that class draws it.
 */
export function powerRange(scope: "package" | "dram" | "gpu" | "soc" | "battery" | "wall", cls: DeviceClass): { min: number; max: number } {
  const mobile = cls === "phone" || cls === "tablet" || cls === "sbc";
  const big = cls === "desktop" || cls === "server";
  switch (scope) {
    case "wall":
      return { min: mobile ? 0.3 : cls === "laptop" ? 2 : big ? 5 : 0.3, max: mobile ? 150 : cls === "laptop" ? 400 : cls === "desktop" ? 3_000 : 20_000 };
    case "battery":
      return { min: mobile ? 0.1 : 1, max: mobile ? 60 : 400 };
    case "package":
      return { min: 0.05, max: mobile ? 60 : 1_500 };
    case "soc":
      return { min: 0.05, max: mobile ? 60 : 500 };
    case "dram":
      return { min: 0.01, max: 500 };
    case "gpu":
      return { min: 0.5, max: mobile ? 60 : 3_000 };
  }
}
