/**
 * The host's read bandwidth (runners/native/device/bandwidth.ts), measured for real on this machine
 * with both kernels side by side: the native one (memcmp over two equal buffers) must read every
 * byte, so it lands within a small factor of the WebAssembly stream and under the physical peak of
 * any device class; a kernel that stopped early (memcmp of differing buffers returns at the first
 * byte) would read "thousands of GB/s" and fail here.
 */
import { describe, expect, it } from "vitest";
import { measureReadBandwidth } from "../../runners/native/device/bandwidth";
import { HOST_DRAM_PEAK_GBPS } from "../../lib/core/measure/physics";

describe("the host's read bandwidth", () => {
  it("is measured natively, within a small factor of the WebAssembly stream and under the physical peak", async () => {
    const bytes = 64 * 2 ** 20;
    const native = await measureReadBandwidth(2, 3, bytes, "read-native");
    const wasm = await measureReadBandwidth(2, 3, bytes, "read-stream");
    console.log(`read bandwidth: native ${native.trials.map((x) => x.toFixed(1)).join(", ")} GB/s; WebAssembly ${wasm.trials.map((x) => x.toFixed(1)).join(", ")} GB/s`);
    expect(native.method).toBe("read-native");
    expect(native.trials).toHaveLength(3);
    expect(native.gbps).toBe(Math.max(...native.trials));
    const ratio = native.gbps / wasm.gbps;
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
    expect(native.gbps).toBeLessThan(HOST_DRAM_PEAK_GBPS.server.value);
  }, 60_000);
});
