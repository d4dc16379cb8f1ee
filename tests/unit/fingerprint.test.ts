import { describe, expect, it } from "vitest";
import { compareFingerprints, describeOutputStatus, FINGERPRINT_MIN_AGREEING_PREFIX, fingerprintHash, isReferenceRun, outputStatus } from "../../lib/core/measure/fingerprint";
import { classifyFailure, countFailures } from "../../lib/core/measure/failure-taxonomy";

describe("correctness fingerprints", () => {
  it("hash token ids with FNV-1a 64 (known value, order-sensitive)", () => {
    // FNV-1a 64 of the empty input is its offset basis.
    expect(fingerprintHash([])).toBe("cbf29ce484222325");
    // One id 0 = four zero bytes: basis ^ 0, times the prime, four times.
    let h = 0xcbf29ce484222325n;
    for (let k = 0; k < 4; k++) h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(fingerprintHash([0])).toBe(h.toString(16).padStart(16, "0"));
    expect(fingerprintHash([1, 2])).not.toBe(fingerprintHash([2, 1]));
    expect(fingerprintHash([70000])).toMatch(/^[0-9a-f]{16}$/);
  });

  it("compare by agreement and first disagreement; the verdict rests on the agreeing prefix", () => {
    expect(compareFingerprints([1, 2, 3, 4], [1, 2, 3, 4])).toEqual({ agreement: 1, firstDiff: null });
    expect(compareFingerprints([1, 2, 9, 4], [1, 2, 3, 4])).toEqual({ agreement: 0.75, firstDiff: 2 });
    // A shorter run disagrees where it stops.
    expect(compareFingerprints([1, 2], [1, 2, 3, 4])).toEqual({ agreement: 0.5, firstDiff: 2 });
    expect(outputStatus({ agreement: 1, firstDiff: null })).toBe("match");
    expect(outputStatus({ agreement: 0.3, firstDiff: FINGERPRINT_MIN_AGREEING_PREFIX })).toBe("diverges");
    expect(outputStatus({ agreement: 0.9, firstDiff: FINGERPRINT_MIN_AGREEING_PREFIX - 1 })).toBe("differs");
    expect(describeOutputStatus("differs", { agreement: 0.25, firstDiff: 3 })).toContain("token 3 (25% of tokens agree)");
    expect(describeOutputStatus(null, { agreement: null, firstDiff: null })).toContain("no fingerprint");
  });

  it("take llama.cpp on the CPU as the reference, nothing else", () => {
    expect(isReferenceRun({ engine: { name: "node-llama-cpp" }, device: { backend: "cpu" } })).toBe(true);
    expect(isReferenceRun({ engine: { name: "node-llama-cpp" }, device: { backend: "cuda" } })).toBe(false);
    expect(isReferenceRun({ engine: { name: "wllama" }, device: { backend: "wasm" } })).toBe(false);
  });
});

describe("the browser failure taxonomy", () => {
  it("sorts the engines' error messages into the classes users report", () => {
    expect(classifyFailure("SmolLM2-135M-Instruct-q4f16_1-MLC computes in f16 and needs the WebGPU feature shader-f16, which this adapter lacks")).toBe("f16 missing");
    expect(classifyFailure("Buffer size 1342177280 exceeds the max buffer size limit maxStorageBufferBindingSize (1073741824)")).toBe("buffer limit");
    expect(classifyFailure("RangeError: Array buffer allocation failed")).toBe("out of memory");
    expect(classifyFailure("wllama could not load the model: RuntimeError: memory access out of bounds")).toBe("out of memory");
    expect(classifyFailure("GPUValidationError: Error while parsing WGSL: :12:3 error: unresolved type 'f16'")).toBe("pipeline error");
    expect(classifyFailure("web-llm model artifacts cannot be reached: http://x/y answered HTTP 404")).toBe("download failed");
    expect(classifyFailure("the browser run did not finish within 60 s")).toBe("timeout");
    expect(classifyFailure("something else")).toBe("other");
    expect(countFailures(["Array buffer allocation failed", "out of memory", "answered HTTP 500"])).toEqual({ "out of memory": 2, "download failed": 1 });
  });
});
