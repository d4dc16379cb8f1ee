/** Messages between the runner and the child process that measures one workload. */
import type { MeasuredSample } from "../../lib/core/measure/build-submission";
import type { RepInterval } from "../../lib/core/measure/energy";
import type { WorkloadSpec } from "../../lib/core/contracts/workloads";
import type { LlamaEngineOptions } from "./engine/node-llama-cpp";
import type { FakeGpu, FakeThrottle } from "./engine/null-engine";
import type { EngineMemory, EngineUsed, FingerprintDecode } from "./engine/types";
import type { EngineInfo } from "../../lib/core/contracts/submission";

export interface ChildJob {
  engine: "node-llama-cpp" | "null";
  llama?: LlamaEngineOptions;
  /** NullEngine timing, ms per token (tests). */
  nullMsPerToken?: { prompt: number; gen: number };
  /** NullEngine as a GPU (tests of the GPU paths without a GPU). */
  fakeGpu?: FakeGpu;
  /** NullEngine that slows down as a hot device does (tests of the sustained workload). */
  nullThrottle?: FakeThrottle;
  workload: WorkloadSpec;
  repetitions: number;
  /** Also decode the correctness fingerprint after the workload (one child per session does). */
  fingerprint?: { prompt: string; tokens: number };
  /** Test hook: the child crashes (exit 1) or aborts (SIGKILL itself) after loading. */
  failWith?: "crash" | "error";
}

export type ToChild = { type: "run"; job: ChildJob } | { type: "go" };

export type FromChild =
  | { type: "loaded"; engine: EngineInfo; used: EngineUsed | null }
  | { type: "timed-start" }
  | { type: "rep"; done: number; total: number }
  | { type: "timed-end" }
  | { type: "result"; samples: MeasuredSample[]; intervals: RepInterval[]; memory: EngineMemory; peakRssBytes: number; baselineRssBytes: number; fingerprint?: FingerprintDecode | null }
  | { type: "error"; message: string };
