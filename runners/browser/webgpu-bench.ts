/// <reference types="@webgpu/types" />
/**
 * WebGPU probe and micro-benchmarks, run in the browser: the device's roofline from inside a page.
 * - copy bandwidth: copyBufferToBuffer of a 64 MiB buffer, repeated; GB/s counts bytes read plus
 *   bytes written (1 GB = 1e9 B), timed from submit to onSubmittedWorkDone;
 * - matrix throughput: a register-blocked WGSL matmul of N x N, 2 N^3 FLOP per product, f32 and, where the
 *   adapter has shader-f16, f16.
 * Browser-only code: no Node imports.
 */

import type { WebGpuInfo } from "../../lib/core/contracts/submission";

export interface WebGpuProbe {
  available: boolean;
  /** Why WebGPU cannot be used, in words for the user. */
  reason: string | null;
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null;
  features: string[];
  limits: Record<string, number>;
  hints: { userAgent: string; hardwareConcurrency: number | null; deviceMemoryGiB: number | null };
}

/** The adapter as the probe saw it, in the contract's shape. */
export function webgpuOfProbe(p: WebGpuProbe | undefined): WebGpuInfo {
  const a = p?.adapter;
  return {
    adapter: a ? { vendor: a.vendor || null, architecture: a.architecture || null, device: a.device || null, description: a.description || null, isFallbackAdapter: a.isFallbackAdapter } : null,
    features: (p?.features ?? []).slice(0, 64),
    limits: p?.limits ?? {},
    requestedGpuLayers: null,
    placement: null,
    fallbackReason: null,
  };
}

export interface WebGpuBench {
  copyBandwidthGBps: number;
  matmulF32GFlops: number;
  matmulF16GFlops: number | null;
  f16Note: string | null;
}

const LIMIT_KEYS = ["maxBufferSize", "maxStorageBufferBindingSize", "maxComputeWorkgroupSizeX", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupStorageSize"] as const;

export async function probeWebGpu(): Promise<{ probe: WebGpuProbe; adapter: GPUAdapter | null }> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  const hints = { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency ?? null, deviceMemoryGiB: nav.deviceMemory ?? null };
  const none = (reason: string) => ({ probe: { available: false, reason, adapter: null, features: [], limits: {}, hints }, adapter: null });
  if (!("gpu" in navigator) || !navigator.gpu) return none("This browser does not offer WebGPU (navigator.gpu is missing). Use a recent Chrome/Edge, or Safari 26+, or the WASM runner.");
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return none("WebGPU is present but no GPU adapter is available (blocked or unsupported GPU). The WASM runner still works.");
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) limits[k] = Number(adapter.limits[k]);
  return {
    probe: {
      available: true,
      reason: null,
      adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: Boolean((info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter) },
      features: [...adapter.features].sort(),
      limits,
      hints,
    },
    adapter,
  };
}

async function timeSubmit(device: GPUDevice, encode: (enc: GPUCommandEncoder) => void): Promise<number> {
  const enc = device.createCommandEncoder();
  encode(enc);
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / 1000;
}

export async function copyBandwidthGBps(device: GPUDevice, bytes = 64 * 2 ** 20, copies = 8): Promise<number> {
  const size = Math.min(bytes, Number(device.limits.maxBufferSize));
  const a = device.createBuffer({ size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const b = device.createBuffer({ size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  await timeSubmit(device, (e) => e.copyBufferToBuffer(a, 0, b, 0, size)); // warm-up
  const s = await timeSubmit(device, (e) => {
    for (let k = 0; k < copies; k++) e.copyBufferToBuffer(k % 2 ? b : a, 0, k % 2 ? a : b, 0, size);
  });
  a.destroy();
  b.destroy();
  return (2 * size * copies) / s / 1e9;
}

/**
 * Register-blocked matmul: each invocation accumulates a 4x4 block of C in registers (four vec4
 * rows), reading four scalars of A and one vec4 of B per k: 16 multiply-adds per 5 loads, which is
 * what both GPUs and CPU emulations (SwiftShader) need to approach their arithmetic peak.
 */
function matmulShader(type: "f32" | "f16"): string {
  const v = `vec4<${type}>`;
  return `${type === "f16" ? "enable f16;" : ""}
@group(0) @binding(0) var<storage, read> A: array<${type}>;
@group(0) @binding(1) var<storage, read> B: array<${v}>;
@group(0) @binding(2) var<storage, read_write> C: array<${v}>;
@group(0) @binding(3) var<uniform> n: u32;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let row = g.y * 4u;
  let n4 = n / 4u;
  var c0 = ${v}(0); var c1 = ${v}(0); var c2 = ${v}(0); var c3 = ${v}(0);
  for (var k = 0u; k < n; k++) {
    let b = B[k * n4 + g.x];
    c0 += A[row * n + k] * b;
    c1 += A[(row + 1u) * n + k] * b;
    c2 += A[(row + 2u) * n + k] * b;
    c3 += A[(row + 3u) * n + k] * b;
  }
  C[row * n4 + g.x] = c0;
  C[(row + 1u) * n4 + g.x] = c1;
  C[(row + 2u) * n4 + g.x] = c2;
  C[(row + 3u) * n4 + g.x] = c3;
}`;
}

export async function matmulGFlops(device: GPUDevice, type: "f32" | "f16", n = 512, reps = 2): Promise<number> {
  const bytesPer = type === "f16" ? 2 : 4;
  const size = n * n * bytesPer;
  const mk = (usage: number) => device.createBuffer({ size, usage });
  const A = mk(GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  const B = mk(GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  const C = mk(GPUBufferUsage.STORAGE);
  const N = device.createBuffer({ size: 4, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(N, 0, new Uint32Array([n]));
  const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module: device.createShaderModule({ code: matmulShader(type) }), entryPoint: "main" } });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [A, B, C, N].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const pass = (e: GPUCommandEncoder, times: number) => {
    const p = e.beginComputePass();
    p.setPipeline(pipeline);
    p.setBindGroup(0, bind);
    // 8x8 invocations per workgroup, 4x4 outputs per invocation: 32x32 of C per workgroup.
    for (let k = 0; k < times; k++) p.dispatchWorkgroups(n / 32, n / 32);
    p.end();
  };
  await timeSubmit(device, (e) => pass(e, 1)); // warm-up (compiles)
  const s = await timeSubmit(device, (e) => pass(e, reps));
  [A, B, C, N].forEach((b) => b.destroy());
  return (2 * n ** 3 * reps) / s / 1e9;
}

export async function runWebGpuBench(adapter: GPUAdapter): Promise<WebGpuBench> {
  const f16 = adapter.features.has("shader-f16");
  const device = await adapter.requestDevice({ requiredFeatures: f16 ? ["shader-f16"] : [] });
  try {
    return {
      copyBandwidthGBps: await copyBandwidthGBps(device),
      matmulF32GFlops: await matmulGFlops(device, "f32"),
      matmulF16GFlops: f16 ? await matmulGFlops(device, "f16") : null,
      f16Note: f16 ? null : "This adapter lacks shader-f16: f16 throughput is not measured, and q4f16 web-llm models cannot run here (choose q4f32 models).",
    };
  } finally {
    device.destroy();
  }
}
