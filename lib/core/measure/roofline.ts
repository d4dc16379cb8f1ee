/**
 * The decode roofline (pure): generating one token reads the weights once plus the KV cache up to
 * that depth, so decode tokens/s cannot exceed the bandwidth of the memory holding them divided by
 * those bytes. The bandwidth must be that memory's: host RAM for CPU and WebAssembly, the GPU's
 * memory for CUDA, Vulkan, Metal and WebGPU. Where no such figure exists there is no roofline.
 */
import type { Device, ModelInfo } from "../contracts/submission";

/** Backends whose weights live in host RAM. */
export const HOST_BACKENDS = new Set(["cpu", "wasm"]);

/** A model this many times smaller than the last-level cache may decode from cache: no roofline. */
export const LLC_FACTOR = 4;
/** Where the LLC size is unknown: weights under this size get no roofline either. */
export const DEFAULT_CACHE_RESIDENT_BYTES = 256 * 2 ** 20;

export interface WeightsBandwidth {
  gbps: number;
  /** What the figure is: `read-native` or `read-stream` (host, measured), `measured` or `reported` (GPU memory). */
  method: string;
}

/** The bandwidth of the memory that holds the weights on this device's backend, or null. */
export function weightsBandwidth(d: Pick<Device, "backend" | "memoryBandwidthGBps" | "memoryBandwidthMethod" | "deviceMemoryBandwidth">): WeightsBandwidth | null {
  if (HOST_BACKENDS.has(d.backend)) {
    // Only the read kernels' figures are read bandwidth; the earlier copy figure was about half of it.
    const m = d.memoryBandwidthMethod;
    return d.memoryBandwidthGBps != null && (m === "read-native" || m === "read-stream") ? { gbps: d.memoryBandwidthGBps, method: m } : null;
  }
  return d.deviceMemoryBandwidth ? { gbps: d.deviceMemoryBandwidth.gbps, method: d.deviceMemoryBandwidth.source } : null;
}

/** Bytes read per generated token of a decode at depth `nDepth` generating `nGen` (KV at the mean depth). */
export function bytesPerDecodedToken(m: Pick<ModelInfo, "weightsReadPerTokenBytes" | "kvBytesPerToken" | "fileBytes">, nDepth: number, nGen: number, nBatch = 1): number {
  const weights = m.weightsReadPerTokenBytes ?? m.fileBytes;
  // A batch reads the weights once per decode step for all its sequences, and each sequence's KV cache.
  return weights / nBatch + (m.kvBytesPerToken ?? 0) * (nDepth + nGen / 2);
}

/**
 * Weights that fit in a few last-level caches decode from cache: a DRAM roofline says nothing there.
 * The CPU's LLC for host backends; GPUs' last-level caches (tens of MB, up to 256 MB) are not
 * recorded, so GPU backends use the default threshold.
 */
export function cacheResident(m: Pick<ModelInfo, "weightsReadPerTokenBytes" | "fileBytes">, backend: string, llcBytes: number | null): boolean {
  const weights = m.weightsReadPerTokenBytes ?? m.fileBytes;
  return weights < (HOST_BACKENDS.has(backend) && llcBytes ? LLC_FACTOR * llcBytes : DEFAULT_CACHE_RESIDENT_BYTES);
}

/** Decode efficiency: bytes/s achieved over the bandwidth (0..1; above 1 is not possible). */
export function rooflineEfficiency(tokensPerSec: number, bytesPerToken: number, gbps: number): number {
  return (tokensPerSec * bytesPerToken) / (gbps * 1e9);
}

/**
 * The roofline of a decode workload on a device: bytes per token, the bandwidth, and the efficiency
 * at `tokensPerSec`; null when the model is cache-resident or the weights' memory has no figure.
 */
export function decodeRoofline(
  s: { device: Pick<Device, "backend" | "memoryBandwidthGBps" | "memoryBandwidthMethod" | "deviceMemoryBandwidth"> & { cpu: Pick<Device["cpu"], "llcBytes"> }; model: Pick<ModelInfo, "weightsReadPerTokenBytes" | "kvBytesPerToken" | "fileBytes"> },
  w: { nDepth: number; nGen: number; nBatch?: number },
  tokensPerSec: number,
): { bytesPerToken: number; bandwidth: WeightsBandwidth; efficiency: number } | null {
  const bandwidth = weightsBandwidth(s.device);
  if (!bandwidth || cacheResident(s.model, s.device.backend, s.device.cpu.llcBytes)) return null;
  const bytesPerToken = bytesPerDecodedToken(s.model, w.nDepth, w.nGen, w.nBatch ?? 1);
  return { bytesPerToken, bandwidth, efficiency: rooflineEfficiency(tokensPerSec, bytesPerToken, bandwidth.gbps) };
}
