/**
 * llama.cpp's backend names → the contract's backends. llama-bench writes the registered backends
 * other than CPU, joined by commas ("CUDA", "MTL" (Metal, formerly "Metal"), "BLAS,MTL", "ROCm",
 * "Vulkan", "SYCL", "OpenCL", "MUSA", "CANN", "CUDA,RPC"; "CPU" when there are none); earlier
 * versions wrote one boolean per backend. Every name is mapped or refused: an unknown backend is an
 * error, never "cpu", so a GPU result cannot slip into CPU rankings.
 */
import type { Backend } from "../../lib/core/contracts/submission";

/** null: a CPU-side library (BLAS, ZenDNN) or the CPU itself: the weights are computed on the CPU. */
const NAMES: Record<string, Backend | null> = {
  cpu: null,
  blas: null,
  accelerate: null,
  zendnn: null,
  cuda: "cuda",
  rocm: "rocm",
  hip: "rocm",
  hipblas: "rocm",
  metal: "metal",
  mtl: "metal",
  vulkan: "vulkan",
  sycl: "sycl",
  opencl: "opencl",
  clblast: "opencl",
  musa: "musa",
  cann: "cann",
  kompute: "kompute",
  webgpu: "webgpu",
  hexagon: "hexagon",
  htp: "hexagon",
  openvino: "openvino",
  zdnn: "zdnn",
  rpc: "rpc",
};

export class BackendError extends Error {}

/** The backend of one run from llama-bench's backend string (or the old booleans joined the same way). */
export function backendFromLlamaCpp(names: string): Backend {
  const parts = names
    .split(",")
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  const unknown = parts.filter((p) => !(p in NAMES));
  if (unknown.length) throw new BackendError(`unknown llama.cpp backend ${unknown.map((u) => JSON.stringify(u)).join(", ")} in "${names}"`);
  const mapped = parts.map((p) => NAMES[p]);
  // RPC spreads layers over other machines: the result is not this device's alone.
  if (mapped.includes("rpc")) return "rpc";
  const gpu = [...new Set(mapped.filter((b): b is Backend => b != null))];
  if (gpu.length > 1) throw new BackendError(`"${names}" names several GPU backends (llama-bench lists every backend it was built with): which one ran cannot be told`);
  return gpu[0] ?? "cpu";
}

/** Earlier llama-bench rows: one boolean per backend instead of `backends`. */
export function backendNamesFromFlags(r: Record<string, unknown>): string {
  const flags: [string, string][] = [["cuda", "CUDA"], ["vulkan", "Vulkan"], ["metal", "Metal"], ["sycl", "SYCL"], ["opencl", "OpenCL"], ["kompute", "Kompute"], ["rpc", "RPC"]];
  const on = flags.filter(([k]) => r[k] === true).map(([, n]) => n);
  return on.length ? on.join(",") : "CPU";
}
