/**
 * Data-center energy per token from the serving batch size (pure). The GPU energy per token falls by
 * two orders of magnitude from batch 1 to 256; the model must say which batch it assumes. Reference
 * points: our own run on one NVIDIA H200 (random bf16 weights of the named shape, prompt 128,
 * generate 128, NVML energy counter, idle included; Hugging Face eager generate, so conservative).
 * Between points: log-log interpolation; beyond them: the nearest point.
 */

export interface CloudModelCurve {
  label: string;
  /** [batch size, GPU J/token] measured. */
  points: [number, number][];
  source: string;
  /** What the J/token covers (a scope as the runners record it): the reference runs read NVML's GPU counter. */
  energyScope: string;
}

export const CLOUD_MODELS = {
  "llama-3.2-1b": {
    label: "Llama-3.2-1B class (small)",
    points: [
      [1, 7.04],
      [256, 0.035],
    ],
    source: "Measured by Tokenwatt on one H200 (700 W limit), HF eager generate, NVML energy counter",
    energyScope: "gpu",
  },
  "phi-3-mini-3.8b": {
    label: "Phi-3-mini 3.8B class",
    points: [
      [1, 9.07],
      [8, 1.08],
      [64, 0.187],
      [256, 0.122],
    ],
    source: "Measured by Tokenwatt on one H200 (700 W limit), HF eager generate, NVML energy counter",
    energyScope: "gpu",
  },
} as const satisfies Record<string, CloudModelCurve>;
export type CloudModelKey = keyof typeof CLOUD_MODELS;

export function gpuJPerToken(model: CloudModelKey, batch: number): number {
  return curveJPerToken(CLOUD_MODELS[model].points, batch);
}

/** J/token at `batch` on a curve of [batch, J/token] points (sorted by batch): log-log between points, the nearest beyond them. */
export function curveJPerToken(points: readonly (readonly [number, number])[], batch: number): number {
  const pts = points;
  if (batch <= pts[0]![0]) return pts[0]![1];
  for (let k = 1; k < pts.length; k++) {
    const [b0, j0] = pts[k - 1]!;
    const [b1, j1] = pts[k]!;
    if (batch <= b1) {
      const t = (Math.log(batch) - Math.log(b0)) / (Math.log(b1) - Math.log(b0));
      return Math.exp(Math.log(j0) + t * (Math.log(j1) - Math.log(j0)));
    }
  }
  return pts[pts.length - 1]![1];
}

/**
 * Server power over GPU power (CPU, memory, network, fans, power supply), derived from NVIDIA's
 * datasheets: a DGX H100 draws at most 10.2 kW for 8 H100 SXM GPUs of 700 W TDP each, 10.2 / 5.6 =
 * 1.82 at nameplate. Both are maxima: the ratio under a real serving load is not sourced.
 */
export const SERVER_OVERHEAD = {
  base: 10.2 / (8 * 0.7),
  source: "Derived at nameplate: DGX H100 10.2 kW for 8 x H100 SXM at 700 W TDP = 1.82 (NVIDIA datasheets); the ratio under a real serving load is not sourced",
} as const;

/**
 * How much of the server around the GPU a measured energy scope already holds, and so whether the
 * server overhead applies (scopes as lib/core/contracts/submission.ts writes them: one of wall,
 * battery, soc, package, dram, gpu, or parts joined by +):
 * - "gpu-only": the GPU alone (our reference runs: NVML's GPU counter): the overhead applies;
 * - "whole": wall or battery, the whole machine: nothing to add, the overhead is 1;
 * - "partial": the SoC or CPU package / DRAM (with or without the GPU): CPU and memory are in, the
 *   network, fans, storage and power-supply losses are not, and no source gives their share: the
 *   overhead starts at 1 (a lower bound) and the user may enter one for the rest.
 */
export type OverheadScope = "gpu-only" | "whole" | "partial";

export function overheadScope(scope: string): OverheadScope {
  const parts = scope.split("+");
  if (parts.includes("wall") || parts.includes("battery")) return "whole";
  if (parts.every((p) => p === "gpu")) return "gpu-only";
  return "partial";
}

/** The overhead the helper starts from for a curve measured in `scope`: the nameplate ratio over the GPU alone, else 1. */
export function defaultServerOverhead(scope: string): number {
  return overheadScope(scope) === "gpu-only" ? SERVER_OVERHEAD.base : 1;
}

/**
 * IT energy per token (GPU + the rest of the server): GPU J/token x server overhead factor (see
 * SERVER_OVERHEAD; 1 for a curve whose scope already holds the server).
 */
export function itJPerToken(model: CloudModelKey, batch: number, serverOverhead: number): number {
  return gpuJPerToken(model, batch) * serverOverhead;
}

/**
 * The smallest batch at which the data center's J/token (GPU x server overhead x PUE: facility
 * energy) falls to the device's (battery side / charging efficiency: wall energy), on the curve's
 * batches and powers of two between them; null when it never does within the curve.
 */
export function batchWhereDcBeatsDevice(points: readonly (readonly [number, number])[], serverOverhead: number, pue: number, deviceWallJPerToken: number): number | null {
  if (points.length === 0) return null;
  const lo = points[0]![0];
  const hi = points[points.length - 1]![0];
  const candidates = new Set<number>(points.map((p) => p[0]));
  for (let b = 1; b <= hi; b *= 2) if (b >= lo) candidates.add(b);
  for (const b of [...candidates].sort((x, y) => x - y)) {
    if (curveJPerToken(points, b) * serverOverhead * pue <= deviceWallJPerToken) return b;
  }
  return null;
}
