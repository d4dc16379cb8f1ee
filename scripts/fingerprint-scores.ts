/**
 * How far apart are the fingerprint scores of correct configurations? Decodes FINGERPRINT with its
 * top-5 scores under each configuration and prints, against the first, where the tokens first
 * differ, the largest change of a top-5 log-probability and of the top-1/top-2 gap (nats). The
 * output check's NEAR_TIE_MARGIN_NATS (lib/core/measure/fingerprint.ts) must stay well above what
 * correct configurations show. Run on a GPU machine to add a backend: `cuda:0:auto`.
 *
 *   npx tsx scripts/fingerprint-scores.ts [model.gguf] [backend:threads:flashAttention,...]
 */
import { NodeLlamaCppEngine } from "../runners/native/engine/node-llama-cpp";
import { FINGERPRINT } from "../lib/core/measure/fingerprint";
import type { Backend } from "../lib/core/contracts/submission";
import type { FingerprintDecode } from "../runners/native/engine/types";

const model = process.argv[2] ?? "../shared/models/stories260K.gguf";
const configs = (process.argv[3] ?? "cpu:1:false,cpu:2:false,cpu:1:true").split(",");
const runs: { config: string; f: FingerprintDecode }[] = [];
for (const config of configs) {
  const [backend, threads, fa] = config.split(":");
  const e = await NodeLlamaCppEngine.create({
    modelPath: model,
    backend: backend as Backend | "auto",
    threads: Number(threads) || undefined,
    contextSize: 256,
    flashAttention: fa === "auto" ? "auto" : fa === "true",
  });
  runs.push({ config: `${config} (${JSON.stringify(e.used)})`, f: await e.fingerprint(FINGERPRINT.prompt, FINGERPRINT.tokens) });
  await e.dispose();
}
const base = runs[0]!;
for (const r of runs.slice(1)) {
  let firstDiff: number | null = null;
  let maxLogprob = 0;
  let maxGap = 0;
  for (let i = 0; i < base.f.tokenIds.length; i++) {
    if (r.f.tokenIds[i] !== base.f.tokenIds[i]) {
      firstDiff = i;
      break;
    }
    const a = base.f.topK![i]!;
    const b = r.f.topK![i]!;
    a.ids.forEach((id, j) => {
      const k = b.ids.indexOf(id);
      if (k < 0) return;
      maxLogprob = Math.max(maxLogprob, Math.abs(a.logprobs[j]! - b.logprobs[k]!));
      if (j === 1) maxGap = Math.max(maxGap, Math.abs(a.logprobs[0]! - a.logprobs[1]! - (b.logprobs[0]! - b.logprobs[k]!)));
    });
  }
  console.log(`${base.config}\n  vs ${r.config}\n  first difference: ${firstDiff ?? "none"}; max |d logprob| (top 5): ${maxLogprob.toExponential(2)} nats; max |d top1-top2 gap|: ${maxGap.toExponential(2)} nats`);
}
