/**
 * The system under test, as MLPerf LoadGen separates it from the harness: an engine loads a model
 * and evaluates tokens; the harness (runners/native/harness.ts) decides what to run and times it.
 */
import type { Backend, EngineInfo, TopKEntry } from "../../../lib/core/contracts/submission";

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

/** A decoded fingerprint: prompt length, the greedy ids, and each position's top candidates where the engine reports them. */
export interface FingerprintDecode {
  promptTokens: number;
  tokenIds: number[];
  /** Null (or absent): the engine cannot report probabilities. */
  topK?: TopKEntry[] | null;
}

export interface InferenceEngine {
  readonly info: EngineInfo;
  /** What it runs with; null where the engine cannot say (the test engine). */
  readonly used: EngineUsed | null;
  /** Empties the KV cache (between repetitions). */
  reset(): Promise<void>;
  /** Parallel sequences it evaluates together (1: a single stream). */
  readonly sequences: number;
  /** Evaluates `n` prompt tokens into the cache of every sequence, producing no new token. */
  prefill(n: number): Promise<void>;
  /**
   * Generates `n` tokens in every sequence, one decode step at a time for all of them together
   * (each token sampled from the logits); returns the total count. `onFirstToken(k)` is called when
   * sequence k has its first token; `onToken` after every decode step, and stops the generation
   * early by returning false (the sustained workload decodes until its time is up).
   */
  generate(n: number, onFirstToken?: (sequence: number) => void, onToken?: () => boolean): Promise<number>;
  /** Evaluates `prompt` and samples its first token; returns the prompt's token count. */
  firstToken(prompt: string): Promise<number>;
  memory(): EngineMemory;
  /**
   * The correctness fingerprint (lib/core/measure/fingerprint.ts): greedy token ids of `prompt`
   * (BOS added as the model asks, end-of-generation banned), with each position's top candidates
   * where the engine can score them. Absent where the engine has no tokens.
   */
  fingerprint?(prompt: string, tokens: number): Promise<FingerprintDecode>;
  dispose(): Promise<void>;
}
