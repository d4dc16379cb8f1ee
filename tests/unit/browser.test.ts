import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { parseWorkloadId, TTFT_PROMPT } from "../../lib/core/contracts/workloads";
import type { BrowserEngine, CompletionTiming } from "../../runners/browser/engine";
import { calibratePrompt, promptText } from "../../runners/browser/prompt-text";
import { BrowserSuite } from "../../runners/browser/suite";
import { buildBrowserSubmission, browserDevice } from "../../runners/browser/submission";
import { needsShaderF16, webLlmUrls } from "../../runners/browser/webllm-engine";
import type { WebGpuProbe } from "../../runners/browser/webgpu-bench";
import { fallbackReason, placementFromLog } from "../../runners/browser/wllama-engine";
import { formatPairingCode, normalizePairingCode } from "../../lib/server/store/pairing";
import { phoneOrigin } from "../../lib/server/store/phone-origin";

/** Tokenizes like a BPE would, roughly: BOS + one token per 3 characters and per space. */
const tokensOf = (text: string) => 1 + Math.ceil(text.replace(/ /g, "").length / 3) + (text.match(/ /g)?.length ?? 0);

class FakeEngine implements BrowserEngine {
  readonly info = { name: "wllama" as const, version: "test", build: null };
  readonly backend = "wasm" as const;
  readonly threads = 2;
  calls: { prompt: string; maxTokens: number }[] = [];
  constructor(
    readonly contextSize = 2048,
    private readonly fail: string | null = null,
  ) {}
  async complete(prompt: string, maxTokens: number): Promise<CompletionTiming> {
    this.calls.push({ prompt, maxTokens });
    if (this.fail) throw new Error(this.fail);
    const promptTokens = tokensOf(prompt);
    // 1 ms per prompt token, 10 ms per generated token, 5 ms of overhead in the wall clock
    // the first token comes out of the prefill; each further token is one 10 ms decode step
    const decodes = maxTokens - 1;
    return { promptTokens, promptMs: promptTokens, genTokens: maxTokens, decodes, genMs: 10 * decodes, wallMs: promptTokens + 10 * decodes + 5 };
  }
  async dispose() {}
}

describe("prompt calibration", () => {
  it("promptText is deterministic and exactly as long as asked", () => {
    expect(promptText(100)).toBe(promptText(100));
    expect(promptText(100)).toHaveLength(100);
    expect(promptText(5000).startsWith(promptText(100))).toBe(true);
  });

  it("finds a text of the target token count within one token, for any target", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 8, max: 4096 }), async (target) => {
        const r = await calibratePrompt(target, async (t) => tokensOf(t));
        expect(r.tokens).toBe(tokensOf(r.text));
        expect(Math.abs(r.tokens - target)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it("works for a byte-level vocabulary (one token per character) in one step", async () => {
    let asked = 0;
    const r = await calibratePrompt(512, async (t) => (asked++, t.length + 1));
    expect(r.tokens).toBe(512);
    expect(asked).toBeLessThanOrEqual(2);
  });
});

describe("browser suite harness", () => {
  const w = (id: string) => parseWorkloadId(id)!;

  it("times pp by the engine's prefill, tg by its decode, ttft by the wall clock", async () => {
    const e = new FakeEngine();
    const suite = new BrowserSuite(e, 1234);
    const pp = await suite.run(w("pp128"), 2);
    expect(pp.status).toBe("ok");
    expect(pp.samples).toHaveLength(2);
    expect(Math.abs(pp.samples[0]!.promptTokens - 128)).toBeLessThanOrEqual(1);
    expect(pp.samples[0]!.durationNs).toBe(pp.samples[0]!.promptTokens * 1e6);
    expect(pp.memory.modelBytes).toBe(1234);
    const tg = await suite.run(w("tg32"), 2);
    expect(tg.samples[0]).toEqual({ durationNs: 320e6, promptTokens: 0, genTokens: 32, energyJ: null, firstTokenNs: null });
    const both = await suite.run(w("pp128+tg32"), 1);
    expect(both.samples[0]!.durationNs).toBe((both.samples[0]!.promptTokens + 320) * 1e6);
    // tgN asks for N + 1 tokens: N timed decode steps
    expect(e.calls.filter((c) => c.prompt === "a").every((c) => c.maxTokens === 33)).toBe(true);
    const ttft = await suite.run(w("ttft"), 1);
    const n = tokensOf(TTFT_PROMPT);
    expect(ttft.samples[0]).toEqual({ durationNs: (n + 5) * 1e6, promptTokens: n, genTokens: 1, energyJ: null, firstTokenNs: null });
    expect(ttft.nPrompt).toBe(n);
  });

  it("prefills the depth untimed for tgN@dD", async () => {
    const e = new FakeEngine(8192);
    const r = await new BrowserSuite(e, null).run(w("tg16@d1024"), 1);
    expect(r.status).toBe("ok");
    expect(r.samples[0]).toEqual({ durationNs: 160e6, promptTokens: 0, genTokens: 16, energyJ: null, firstTokenNs: null });
    expect(Math.abs(tokensOf(e.calls.at(-1)!.prompt) - 1024)).toBeLessThanOrEqual(1);
  });

  it("reports what it cannot measure, and engine failures, as error workloads", async () => {
    const small = await new BrowserSuite(new FakeEngine(256), null).run(w("pp512"), 1);
    expect(small).toMatchObject({ status: "error", samples: [] });
    expect(small.error).toMatch(/context of 521 tokens/);
    const depthPp = await new BrowserSuite(new FakeEngine(), null).run(w("pp64@d512"), 1);
    expect(depthPp.error).toMatch(/depth/);
    const broken = await new BrowserSuite(new FakeEngine(2048, "the engine refused"), null).run(w("tg8"), 1);
    expect(broken).toMatchObject({ status: "error", error: "the engine refused" });
  });

  it("builds a submission the ingest contract accepts", async () => {
    const suite = new BrowserSuite(new FakeEngine(), 1_000_000);
    const workloads = [await suite.run(w("pp64"), 2), await suite.run(w("tg8"), 2), await suite.run(w("ttft"), 1)];
    const probe: WebGpuProbe = {
      available: true,
      reason: null,
      adapter: { vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true },
      features: [],
      limits: {},
      hints: { userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile", hardwareConcurrency: 8, deviceMemoryGiB: 8 },
    };
    const device = browserDevice(probe, { platform: "Android", platformVersion: "14.0.0", architecture: "", model: "Pixel 8", mobile: true, browser: "Chrome 156" }, "wasm", ["wasm", "webgpu"]);
    expect(device).toMatchObject({ model: "Pixel 8", deviceClass: "phone", ramBytes: null, backend: "wasm" });
    const s = buildBrowserSubmission({
      submissionId: "7f1d2c1e-1111-4222-8333-444455556666",
      startedAt: "2026-11-28T10:00:00.000Z",
      finishedAt: "2026-11-28T10:01:00.000Z",
      device,
      engine: { name: "wllama", version: "3.13.0", build: "llama.cpp b1; wasm threads" },
      model: { name: "stories260K", family: "llama", parameterCount: 292800, quantization: "F32", fileBytes: 1185376, sha256: null, weights: "real", source: "stories260K.gguf", weightsReadPerTokenBytes: null, kvBytesPerToken: null },
      threads: 2,
      contextSize: 1024,
      repetitions: 2,
      workloads,
    });
    const parsed = parseSubmission(JSON.parse(JSON.stringify(s)));
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });
});

describe("web-llm artifacts", () => {
  it("knows which models need shader-f16", () => {
    expect(needsShaderF16("SmolLM2-135M-Instruct-q0f16-MLC")).toBe(true);
    expect(needsShaderF16("Llama-3.2-1B-Instruct-q4f16_1-MLC")).toBe(true);
    expect(needsShaderF16("SmolLM2-135M-Instruct-q0f32-MLC")).toBe(false);
    expect(needsShaderF16("X-q4f32_1-MLC", ["shader-f16"])).toBe(true);
  });
  it("lays artifacts out under the base URL as Hugging Face does", () => {
    const u = webLlmUrls({ modelId: "M-q0f32-MLC", baseUrl: "http://lan:3000/api/v1/browser/webllm" }, "M-q0f32_cs1k-webgpu.wasm");
    expect(u.config).toBe("http://lan:3000/api/v1/browser/webllm/M-q0f32-MLC/resolve/main/mlc-chat-config.json");
    expect(u.modelLib).toBe("http://lan:3000/api/v1/browser/webllm/libs/M-q0f32_cs1k-webgpu.wasm");
  });
});

describe("pairing codes", () => {
  it("normalizes what a person types and rejects what cannot be a code", () => {
    expect(normalizePairingCode("abcd-ef23")).toBe("ABCDEF23");
    expect(normalizePairingCode(" ABCD EF23 ")).toBe("ABCDEF23");
    expect(normalizePairingCode("ABCD-EF2")).toBeNull();
    expect(normalizePairingCode("ABCD-EF20")).toBeNull(); // 0 is not in the alphabet
    expect(formatPairingCode("ABCDEF23")).toBe("ABCD-EF23");
  });
  it("points a phone at a LAN address when the dashboard was opened as localhost", () => {
    expect(phoneOrigin("http://localhost:3000/api/v1/pairing-codes", ["192.168.1.20"])).toEqual({ origin: "http://192.168.1.20:3000", loopbackOnly: false });
    expect(phoneOrigin("http://10.0.0.5:3000/x", ["192.168.1.20"])).toEqual({ origin: "http://10.0.0.5:3000", loopbackOnly: false });
    expect(phoneOrigin("http://127.0.0.1:3000/x", [])).toEqual({ origin: "http://127.0.0.1:3000", loopbackOnly: true });
  });
});

describe("submission ids", () => {
  it("are v4 UUIDs without crypto.randomUUID", async () => {
    const { newSubmissionId } = await import("../../runners/browser/submission");
    const ids = new Set(Array.from({ length: 1000 }, () => newSubmissionId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("engine crashes", () => {
  it("a workload during which the wasm module died is a crash, a refusal an error", async () => {
    const w = parseWorkloadId("tg8")!;
    const crashed = await new BrowserSuite(new FakeEngine(2048, "RuntimeError: Aborted(OOM)"), null).run(w, 1);
    expect(crashed.status).toBe("crash");
    const refused = await new BrowserSuite(new FakeEngine(2048, "the prompt is too long"), null).run(w, 1);
    expect(refused.status).toBe("error");
  });
});

describe("llama.cpp's WebGPU placement (wllama)", () => {
  const probe = (features: string[]): WebGpuProbe => ({
    available: true,
    reason: null,
    adapter: { vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true },
    features,
    limits: { maxBufferSize: 2 ** 30 },
    hints: { userAgent: "test", hardwareConcurrency: 2, deviceMemoryGiB: null },
  });

  it("reads where the weights and the KV cache went from llama.cpp's load log", () => {
    // As wllama 3.13 logs them on SwiftShader (everything on the CPU)...
    const cpu = ["load_tensors:          CPU model buffer size =   136.40 MiB", "llama_kv_cache:        CPU KV buffer size =     5.62 MiB", "llama_context:        CPU  output buffer size =     0.75 MiB"];
    expect(placementFromLog(cpu)).toEqual({ modelGpuBytes: 0, modelCpuBytes: Math.round(136.4 * 2 ** 20), kvGpuBytes: 0, kvCpuBytes: Math.round(5.62 * 2 ** 20) });
    // ...and as llama.cpp logs a split model on a GPU device (the mapped CPU part holds the embeddings).
    const split = ["load_tensors:       WebGPU model buffer size =   120.00 MiB", "load_tensors:   CPU_Mapped model buffer size =    16.40 MiB", "llama_kv_cache:     WebGPU KV buffer size =     5.62 MiB"];
    const p = placementFromLog(split);
    expect(p.modelGpuBytes).toBe(120 * 2 ** 20);
    expect(p.modelCpuBytes).toBe(Math.round(16.4 * 2 ** 20));
    expect(p.kvGpuBytes).toBeGreaterThan(0);
    expect(p.kvCpuBytes).toBe(0);
  });

  it("says why a GPU run fell back to the CPU", () => {
    expect(fallbackReason(probe(["subgroups"]))).toBe("the WebGPU adapter (google swiftshader) lacks shader-f16, which llama.cpp's WebGPU backend requires: every layer ran on the CPU (wasm)");
    expect(fallbackReason(probe(["shader-f16"]))).toContain("put no weights on the adapter");
    expect(fallbackReason({ ...probe([]), available: false, reason: "navigator.gpu is missing" })).toContain("no WebGPU adapter (navigator.gpu is missing)");
  });
});
