/**
 * Which node-llama-cpp backends work on this device: CPU always; each GPU type node-llama-cpp
 * considers supported on this platform is tried for real (its prebuilt binary loaded, no build),
 * since a CUDA binary can be present without a driver.
 */
import type { Backend } from "../../../lib/core/contracts/submission";

export async function workingBackends(): Promise<Backend[]> {
  const { getLlama, getLlamaGpuTypes, LlamaLogLevel } = await import("node-llama-cpp");
  const found: Backend[] = ["cpu"];
  for (const gpu of await getLlamaGpuTypes("supported")) {
    if (!gpu) continue;
    try {
      const llama = await getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.disabled, skipDownload: true });
      if (llama.gpu === gpu) found.push(gpu as Backend);
      await llama.dispose();
    } catch {
      /* binary or driver missing: not a working backend */
    }
  }
  return found;
}
