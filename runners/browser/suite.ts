/**
 * The browser harness: the suite's workloads (same ids as native) through a BrowserEngine, with a
 * warm-up and raw samples per repetition. Each workload maps to one completion request:
 *   ppN        prefill time of an N-token prompt (engine's prefill timing)
 *   tgN        time of N decode steps after a one-character prompt (engine's decode timing; the
 *              request asks for N + 1 tokens because the first comes out of the prefill)
 *   ppN+tgM    prefill + M decode steps of one request
 *   tgN@dD     time of N decode steps after a D-token prompt (the prefill is not timed)
 *   ttft       wall clock of the canonical chat prompt and one token, as the page sees it
 * Prompts of N tokens are calibrated against the engine's own count (prompt-text.ts); samples keep
 * the count the engine reports. Failures are data: a workload the engine refuses is `error`; one
 * during which the engine died is `crash` (the caller loads a fresh engine for the next workload).
 */
import type { WorkloadResult } from "../../lib/core/contracts/submission";
import type { MeasuredSample as Sample } from "../../lib/core/measure/build-submission";
import { TTFT_PROMPT, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import { workloadResult } from "../../lib/core/measure/build-submission";
import { isEngineCrash, type BrowserEngine } from "./engine";
import { calibratePrompt } from "./prompt-text";

export interface SuiteProgress {
  workloadId: string;
  phase: "calibrate" | "warmup" | "rep" | "failed" | "done";
  done: number;
  total: number;
}

const ms2ns = (ms: number) => Math.max(1, Math.round(ms * 1e6));

export class BrowserSuite {
  private readonly prompts = new Map<number, Promise<{ text: string; tokens: number }>>();

  constructor(
    readonly engine: BrowserEngine,
    private readonly modelBytes: number | null,
  ) {}

  /** A text of `tokens` tokens, calibrated once per length. */
  private prompt(tokens: number) {
    let p = this.prompts.get(tokens);
    if (!p) {
      p = calibratePrompt(tokens, async (text) => (await this.engine.complete(text, 1)).promptTokens);
      this.prompts.set(tokens, p);
    }
    return p;
  }

  /** Why the browser runner cannot measure `w`, or null. */
  unsupported(w: WorkloadSpec): string | null {
    if (w.nDepth > 0 && w.nPrompt > 0) return "prompt processing at depth is not measurable through a completion API";
    const need = w.nDepth + w.nPrompt + w.nGen + 9;
    if (need > this.engine.contextSize) return `needs a context of ${need} tokens; the engine was loaded with ${this.engine.contextSize}`;
    return null;
  }

  private async once(w: WorkloadSpec): Promise<Sample> {
    const e = this.engine;
    if (w.kind === "ttft") {
      const t = await e.complete(TTFT_PROMPT, 1);
      return { durationNs: ms2ns(t.wallMs), promptTokens: t.promptTokens, genTokens: 1 };
    }
    if (w.nPrompt > 0) {
      const { text } = await this.prompt(w.nPrompt);
      const t = await e.complete(text, w.nGen + 1);
      if (w.nGen === 0) return { durationNs: ms2ns(t.promptMs), promptTokens: t.promptTokens, genTokens: 0 };
      return { durationNs: ms2ns(t.promptMs + t.genMs), promptTokens: t.promptTokens, genTokens: t.decodes };
    }
    const text = w.nDepth > 0 ? (await this.prompt(w.nDepth)).text : "a";
    const t = await e.complete(text, w.nGen + 1);
    return { durationNs: ms2ns(t.genMs), promptTokens: 0, genTokens: t.decodes };
  }

  async run(w: WorkloadSpec, repetitions: number, onProgress?: (p: SuiteProgress) => void): Promise<WorkloadResult> {
    const measured = { memory: { modelBytes: this.modelBytes } };
    const why = this.unsupported(w);
    if (why) {
      onProgress?.({ workloadId: w.id, phase: "failed", done: 0, total: repetitions });
      return workloadResult(w, { status: "error", error: why }, measured);
    }
    try {
      onProgress?.({ workloadId: w.id, phase: "warmup", done: 0, total: repetitions });
      await this.once(w); // warm-up (and prompt calibration), not recorded
      const samples: Sample[] = [];
      for (let i = 0; i < repetitions; i++) {
        samples.push(await this.once(w));
        onProgress?.({ workloadId: w.id, phase: "rep", done: i + 1, total: repetitions });
      }
      return workloadResult(w, { status: "ok", samples }, measured);
    } catch (e) {
      onProgress?.({ workloadId: w.id, phase: "failed", done: 0, total: repetitions });
      const message = (e as Error).message.slice(0, 2000) || "the engine failed";
      return workloadResult(w, { status: isEngineCrash(message) ? "crash" : "error", error: message }, measured);
    }
  }
}
