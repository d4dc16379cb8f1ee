/**
 * An engine that evaluates nothing and takes a fixed time per token: proves the harness, the child
 * process protocol, meters and uploads on their own (tests), without a model.
 */
import type { EngineInfo } from "../../../lib/core/contracts/submission";
import type { EngineMemory, InferenceEngine } from "./types";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NullEngine implements InferenceEngine {
  readonly used = null;
  readonly info: EngineInfo = { name: "llama.cpp", version: "null", build: "null-engine" };
  private cached = 0;
  constructor(
    private readonly msPerPromptToken = 0.01,
    private readonly msPerGenToken = 0.5,
  ) {}
  async reset() {
    this.cached = 0;
  }
  async prefill(n: number) {
    await sleep(n * this.msPerPromptToken);
    this.cached += n;
  }
  async generate(n: number) {
    for (let i = 0; i < n; i++) await sleep(this.msPerGenToken);
    this.cached += n;
    return n;
  }
  async firstToken(prompt: string) {
    const n = Math.max(1, Math.ceil(prompt.length / 4));
    await this.prefill(n);
    await this.generate(1);
    return n;
  }
  memory(): EngineMemory {
    return { modelBytes: 0, kvBytes: this.cached * 1024, vramBytes: null };
  }
  async dispose() {}
}
