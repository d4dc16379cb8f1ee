import { describe, expect, it } from "vitest";
import { MODEL_SHAPES, parseSyntheticUri, tensorBytes, tensorSpecs, tensorType, moreBitsLayer } from "../../lib/core/measure/model-shapes";

const typeOf = (key: string, quant: Parameters<typeof tensorSpecs>[1], name: string) => tensorSpecs(MODEL_SHAPES[key]!, quant).find((t) => t.name === name)!.type;
const fileBytes = (key: string, quant: Parameters<typeof tensorSpecs>[1]) => tensorSpecs(MODEL_SHAPES[key]!, quant).reduce((a, t) => a + tensorBytes(t), 0);

describe("synthetic tensor types follow llama-quantize (llama.cpp llama-quant.cpp)", () => {
  it("Q4_0 keeps the output matrix in Q6_K, or Q8_0 where a row is not a whole Q6_K block", () => {
    expect(typeOf("llama-3.1-8b", "Q4_0", "output.weight")).toBe("Q6_K");
    expect(typeOf("llama-3.1-8b", "Q4_0", "token_embd.weight")).toBe("Q4_0"); // untied: an ordinary matrix
    expect(typeOf("llama-3.2-1b", "Q4_0", "token_embd.weight")).toBe("Q6_K"); // tied: it is the output
    expect(typeOf("smollm2-135m", "Q4_0", "token_embd.weight")).toBe("Q8_0"); // 576 % 256 != 0
    expect(typeOf("llama-3.2-1b", "Q4_0", "blk.0.ffn_down.weight")).toBe("Q4_0");
  });

  it("Q8_0 and F16 keep every matrix in their own type", () => {
    expect(typeOf("llama-3.1-8b", "Q8_0", "output.weight")).toBe("Q8_0");
    expect(typeOf("llama-3.1-8b", "F16", "output.weight")).toBe("F16");
  });

  it("Q4_K_M gives attn_v and ffn_down 6 bits in the layers use_more_bits picks", () => {
    // 16 layers: the first 2, the last 2, and every third between (i - 2) % 3 == 2
    const more = Array.from({ length: 16 }, (_, i) => i).filter((i) => moreBitsLayer(i, 16));
    expect(more).toEqual([0, 1, 4, 7, 10, 13, 14, 15]);
    expect(typeOf("llama-3.2-1b", "Q4_K_M", "blk.4.attn_v.weight")).toBe("Q6_K");
    expect(typeOf("llama-3.2-1b", "Q4_K_M", "blk.5.attn_v.weight")).toBe("Q4_K");
    expect(typeOf("llama-3.2-1b", "Q4_K_M", "blk.15.ffn_down.weight")).toBe("Q6_K");
    expect(typeOf("llama-3.2-1b", "Q4_K_M", "blk.5.attn_q.weight")).toBe("Q4_K");
    // 576-wide rows are not whole 256-blocks: Q4_K falls back to Q5_0, Q6_K to Q8_0
    expect(typeOf("smollm2-135m", "Q4_K_M", "blk.5.attn_q.weight")).toBe("Q5_0");
    expect(typeOf("smollm2-135m", "Q4_K_M", "blk.0.attn_v.weight")).toBe("Q8_0");
    expect(tensorType("Q4_K_M", "other", 0, 1, 1536)).toBe("Q4_K");
  });

  it("file sizes: Q4_0 < Q4_K_M < Q8_0 for every shape, and every row a whole number of blocks", () => {
    for (const key of Object.keys(MODEL_SHAPES)) {
      expect(fileBytes(key, "Q4_0")).toBeLessThan(fileBytes(key, "Q4_K_M"));
      expect(fileBytes(key, "Q4_K_M")).toBeLessThan(fileBytes(key, "Q8_0"));
      for (const q of ["Q4_0", "Q4_K_M", "Q8_0", "F16"] as const) expect(parseSyntheticUri(`synthetic:${key}:${q}`)).not.toHaveProperty("error");
    }
    // Llama-3.2-1B Q4_0: 763.1 MB of tensors with the Q6_K output (it was 695 MB with the output in Q4_0)
    expect(fileBytes("llama-3.2-1b", "Q4_0") / 1e6).toBeCloseTo(763.1, 1);
    expect(parseSyntheticUri("synthetic:llama-3.2-1b:q4_k_m")).toMatchObject({ quant: "Q4_K_M" });
    expect(parseSyntheticUri("synthetic:llama-3.2-1b:constructor")).toMatchObject({ error: expect.stringContaining("unsupported quantization") });
  });
});

describe("synthetic files", () => {
  it("are the same bytes wherever they are written (deterministic weights), and differ by quantization", async () => {
    const { createHash } = await import("node:crypto");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { writeSyntheticGguf } = await import("../../runners/models/synthetic-gguf");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenwatt-synth-"));
    try {
      const hash = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
      const shape = MODEL_SHAPES["smollm2-135m"]!;
      writeSyntheticGguf(path.join(dir, "a.gguf"), shape, "Q4_0");
      writeSyntheticGguf(path.join(dir, "b.gguf"), shape, "Q4_0");
      writeSyntheticGguf(path.join(dir, "c.gguf"), shape, "Q8_0");
      expect(hash(path.join(dir, "a.gguf"))).toBe(hash(path.join(dir, "b.gguf")));
      expect(hash(path.join(dir, "a.gguf"))).not.toBe(hash(path.join(dir, "c.gguf")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
