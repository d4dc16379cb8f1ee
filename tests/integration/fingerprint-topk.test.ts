import fs from "node:fs";
import path from "node:path";
import { getLlama, LlamaLogLevel, TokenBias, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintSchema } from "../../lib/core/contracts/submission";
import { FINGERPRINT, FINGERPRINT_TOP_K } from "../../lib/core/measure/fingerprint";
import { NodeLlamaCppEngine } from "../../runners/native/engine/node-llama-cpp";
import type { FingerprintDecode } from "../../runners/native/engine/types";

const STORIES = path.resolve("../shared/models/stories260K.gguf");
const FIXTURE = path.resolve("tests/fixtures/fingerprint/stories260K-fp1-cpu.json");

/** The fingerprint as the runner decoded it before it recorded scores: plain `evaluate`, greedy, end-of-generation banned. */
async function plainGreedy(): Promise<number[]> {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: STORIES, useMmap: false });
  const context = await model.createContext({ contextSize: 256, threads: 1 });
  try {
    const bias = new TokenBias(model.tokenizer);
    for (const t of [model.tokens.eos, model.tokens.eot].filter((x): x is Token => x != null)) bias.set(t, "never");
    const prompt = model.tokenize(FINGERPRINT.prompt, false);
    const withBos = model.tokens.bos != null && model.tokens.shouldPrependBosToken ? [model.tokens.bos, ...prompt] : prompt;
    const ids: number[] = [];
    for await (const t of context.getSequence().evaluate(withBos, { temperature: 0, tokenBias: bias })) {
      ids.push(t);
      if (ids.length >= FINGERPRINT.tokens) break;
    }
    return ids;
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

describe("the native runner's fingerprint scores (stories260K, llama.cpp CPU)", () => {
  let engine: NodeLlamaCppEngine;
  let f: FingerprintDecode;
  beforeAll(async () => {
    engine = await NodeLlamaCppEngine.create({ modelPath: STORIES, backend: "cpu", threads: 1, contextSize: 256, flashAttention: false });
    f = await engine.fingerprint(FINGERPRINT.prompt, FINGERPRINT.tokens);
  });
  afterAll(() => engine?.dispose());

  it("records the top candidates of every position, the emitted token first", () => {
    expect(f.tokenIds).toHaveLength(FINGERPRINT.tokens);
    expect(f.topK).toHaveLength(FINGERPRINT.tokens);
    f.topK!.forEach((e, i) => {
      expect(e.ids).toHaveLength(FINGERPRINT_TOP_K);
      expect(e.ids[0]).toBe(f.tokenIds[i]);
      expect(Math.max(...e.logprobs)).toBe(e.logprobs[0]);
      // Log-probabilities of a distribution: the top 5 together hold at most all of it.
      expect(e.logprobs.reduce((s, lp) => s + Math.exp(lp), 0)).toBeLessThanOrEqual(1 + 1e-6);
    });
    expect(fingerprintSchema.safeParse({ version: FINGERPRINT.version, ...f }).success).toBe(true);
  });

  // The end-of-generation ban is the same TokenBias as before; stories260K cannot show it (its end of
  // generation never reaches the top 5 within 240 greedy tokens, banned or not).
  it("decodes the same tokens as plain greedy decoding", async () => {
    expect(f.tokenIds).toEqual(await plainGreedy());
  });

  it("matches the stored reference fixture the unit tests judge with", () => {
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as FingerprintDecode;
    expect(f.tokenIds).toEqual(fixture.tokenIds);
    f.topK!.forEach((e, i) => {
      expect(e.ids).toEqual(fixture.topK![i]!.ids);
      e.logprobs.forEach((lp, k) => expect(lp).toBeCloseTo(fixture.topK![i]!.logprobs[k]!, 4));
    });
  });
});
