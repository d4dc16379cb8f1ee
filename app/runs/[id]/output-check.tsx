import Link from "next/link";
import { describeOutputStatus, type OutputStatus, type TieJudgement } from "../../../lib/core/measure/fingerprint";
import { formatBytes, formatLimits } from "../../../lib/core/present/format";
import type { WebGpuInfo } from "../../../lib/core/contracts/submission";

interface Sub {
  fingerprintVersion: string | null;
  fingerprintHash: string | null;
  fingerprintPromptTokens: number | null;
  fingerprintTokens: number[] | null;
  outputStatus: string | null;
  outputReference: string | null;
  outputAgreement: number | null;
  outputFirstDiff: number | null;
  outputExplanation: string | null;
  /** The first disagreement judged by the runs' scores (written by tokenwatt_check_output). */
  outputTie: unknown;
  webgpu: unknown;
  backend: string;
}

/** The run's correctness fingerprint and its verdict against the native CPU reference of its file. */
export function OutputCheck({ sub }: { sub: Sub }) {
  const status = sub.outputStatus as OutputStatus | null;
  const bad = status === "differs";
  const tie = (sub.outputTie ?? null) as TieJudgement | null;
  return (
    <section className="panel" aria-labelledby="output-h" data-testid="output-check">
      <h2 id="output-h">
        Output check{" "}
        {status && (
          <span className={`badge ${bad ? "flagged" : status === "unchecked" ? "" : "reported"}`} data-testid="output-status">
            {bad ? "output differs" : status === "diverges" && tie?.nearTie ? "diverges (near-tie)" : status}
          </span>
        )}
      </h2>
      <p>{describeOutputStatus(status, { agreement: sub.outputAgreement, firstDiff: sub.outputFirstDiff, explanation: sub.outputExplanation, tie })}</p>
      {sub.fingerprintTokens && (
        <dl className="facts">
          <dt>Fingerprint</dt>
          <dd>
            <code data-testid="fingerprint-hash">{sub.fingerprintHash}</code> ({sub.fingerprintVersion}: {sub.fingerprintTokens.length} greedy tokens after a {sub.fingerprintPromptTokens}-token prompt)
          </dd>
          {sub.outputReference && (
            <>
              <dt>Reference</dt>
              <dd>
                <Link href={`/runs/${sub.outputReference}`}>run {sub.outputReference.slice(0, 8)}</Link> (llama.cpp on the CPU, same file)
                {sub.outputAgreement != null && `: ${Math.round(sub.outputAgreement * 100)}% of tokens agree`}
                {sub.outputFirstDiff != null && `, first difference at token ${sub.outputFirstDiff}`}
              </dd>
            </>
          )}
          <dt>Token ids</dt>
          <dd>
            <code className="wrap">{sub.fingerprintTokens.join(" ")}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}

/** A browser run's WebGPU adapter and where llama.cpp put the model. */
export function WebGpuPlacement({ webgpu, backend }: { webgpu: WebGpuInfo | null; backend: string }) {
  if (!webgpu) return null;
  const a = webgpu.adapter;
  const p = webgpu.placement;
  return (
    <section className="panel" aria-labelledby="webgpu-h" data-testid="webgpu-placement">
      <h2 id="webgpu-h">WebGPU</h2>
      {webgpu.fallbackReason && (
        <p className="field-error" data-testid="fallback-reason">
          Stored as {backend}: {webgpu.fallbackReason}.
        </p>
      )}
      <dl className="facts">
        <dt>Adapter</dt>
        <dd>
          {a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(" · ") || "unnamed" : "none"}
          {a?.isFallbackAdapter && " (software fallback adapter: a CPU emulating a GPU)"}
        </dd>
        <dt>Features</dt>
        <dd>{webgpu.features.join(", ") || "none"}</dd>
        <dt>Limits</dt>
        <dd>{formatLimits(webgpu.limits) || "not recorded"}</dd>
        {webgpu.requestedGpuLayers != null && (
          <>
            <dt>Layers asked for the GPU</dt>
            <dd>{webgpu.requestedGpuLayers >= 999 ? "all" : webgpu.requestedGpuLayers}</dd>
          </>
        )}
        {p && (
          <>
            <dt>Where the model went</dt>
            <dd data-testid="placement">
              weights: {formatBytes(p.modelGpuBytes ?? 0)} on the GPU, {formatBytes(p.modelCpuBytes ?? 0)} on the CPU; KV cache: {formatBytes(p.kvGpuBytes ?? 0)} on the GPU, {formatBytes(p.kvCpuBytes ?? 0)} on the CPU
              (llama.cpp&apos;s load log)
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
