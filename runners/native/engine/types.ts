/**
 * The system under test, as MLPerf LoadGen separates it from the harness: an engine loads a model
 * and evaluates tokens; the harness (runners/native/harness.ts) decides what to run and times it.
 */
import type { Backend, EngineInfo } from "../../../lib/core/contracts/submission";

/** The configuration the engine actually runs with, as it reports it after loading (recorded, not the request). */
export interface EngineUsed {
  backend: Backend;
  threads: number;
  gpuLayers: number;
  batchSize: number;
  flashAttention: boolean | "auto";
  useMmap: boolean;
}

export interface EngineMemory {
  /** Bytes of model weights the engine holds. */
  modelBytes: number | null;
  /** Bytes of the KV cache/state in use now (llama.cpp state size). */
  kvBytes: number | null;
  /** GPU memory in use, where there is a GPU. */
  vramBytes: number | null;
}

export interface InferenceEngine {
  readonly info: EngineInfo;
  /** What it runs with; null where the engine cannot say (the test engine). */
  readonly used: EngineUsed | null;
  /** Empties the KV cache (between repetitions). */
  reset(): Promise<void>;
  /** Evaluates `n` prompt tokens into the cache, producing no new token. */
  prefill(n: number): Promise<void>;
  /** Generates `n` tokens one decode at a time (each sampled from the logits); returns the count. */
  generate(n: number): Promise<number>;
  /** Evaluates `prompt` and samples its first token; returns the prompt's token count. */
  firstToken(prompt: string): Promise<number>;
  memory(): EngineMemory;
  dispose(): Promise<void>;
}
