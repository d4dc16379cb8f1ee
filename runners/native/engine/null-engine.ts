/**
 * An engine that evaluates nothing and takes a fixed time per token: proves the harness, the child
 * process protocol, meters and uploads on their own (tests), without a model. With `sequences` > 1
 * it behaves as a batch would: a decode step yields one token per sequence and costs a little more
 * than one (STEP_COST_PER_SEQUENCE each), so aggregate tokens/s rises with the batch. `fakeGpu` makes it
 * report a GPU backend and VRAM, and fail to create its context at `oomAtBatch` sequences or more, as
 * llama.cpp does when the KV cache does not fit (tests of the GPU paths where no GPU exists).
 */
import type { EngineInfo } from "../../../lib/core/contracts/submission";
import type { EngineMemory, EngineUsed, InferenceEngine } from "./types";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Extra time of a decode step per additional sequence, as a share of one sequence's step. */
export const STEP_COST_PER_SEQUENCE = 0.02;

export interface FakeGpu {
  backend: "cuda" | "vulkan" | "metal";
  deviceName: string;
  /** VRAM the model takes; the KV cache adds `kvBytesPerSequence` per sequence. */
  modelVramBytes: number;
  kvBytesPerSequence: number;
  /** Context creation fails from this many sequences on (out of memory). */
  oomAtBatch: number | null;
  /** Layers it reports offloaded (default 999: all); 0 as a GPU backend that found no usable GPU memory. */
  gpuLayers?: number;
}

/** A device that heats up (tests of the sustained workload): from `afterMs` after its first decode on, each token takes `factor` times as long. */
export interface FakeThrottle {
  afterMs: number;
  factor: number;
}

export class OutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutOfMemoryError";
  }
}

export class NullEngine implements InferenceEngine {
  readonly used: EngineUsed | null;
  readonly info: EngineInfo = { name: "llama.cpp", version: "null", build: "null-engine" };
  private cached = 0;
  constructor(
    private readonly msPerPromptToken = 0.01,
    private readonly msPerGenToken = 0.5,
    readonly sequences = 1,
    private readonly fakeGpu: FakeGpu | null = null,
    private readonly throttle: FakeThrottle | null = null,
  ) {
    if (fakeGpu?.oomAtBatch != null && sequences >= fakeGpu.oomAtBatch) {
      const need = fakeGpu.modelVramBytes + fakeGpu.kvBytesPerSequence * sequences;
      throw new OutOfMemoryError(`out of memory: a context of ${sequences} sequences needs ${(need / 2 ** 30).toFixed(1)} GiB of VRAM on ${fakeGpu.deviceName}`);
    }
    this.used = fakeGpu
      ? { backend: fakeGpu.backend, threads: 1, gpuLayers: fakeGpu.gpuLayers ?? 999, batchSize: 512, flashAttention: "auto", useMmap: false }
      : null;
  }
  async reset() {
    this.cached = 0;
  }
  async prefill(n: number) {
    await sleep(n * this.sequences * this.msPerPromptToken);
    this.cached += n;
  }
  private firstDecodeAt: number | null = null;
  async generate(n: number, onFirstToken?: (sequence: number) => void, onToken?: () => boolean) {
    const step = this.msPerGenToken * (1 + STEP_COST_PER_SEQUENCE * (this.sequences - 1));
    this.firstDecodeAt ??= performance.now();
    let done = 0;
    while (done < n) {
      const hot = this.throttle && performance.now() - this.firstDecodeAt >= this.throttle.afterMs;
      await sleep(hot ? step * this.throttle!.factor : step);
      if (done === 0) for (let k = 0; k < this.sequences; k++) onFirstToken?.(k);
      done++;
      if (onToken?.() === false) break;
    }
    this.cached += done;
    return done * this.sequences;
  }
  async firstToken(prompt: string) {
    const n = Math.max(1, Math.ceil(prompt.length / 4));
    await this.prefill(n);
    await this.generate(1);
    return n;
  }
  memory(): EngineMemory {
    const vram = this.fakeGpu ? this.fakeGpu.modelVramBytes + this.fakeGpu.kvBytesPerSequence * this.sequences : null;
    return { modelBytes: 0, kvBytes: this.cached * 1024 * this.sequences, vramBytes: vram };
  }
  async dispose() {}
}
