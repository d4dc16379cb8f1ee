/**
 * `npm run bench:runner`: does the runner slow what it measures? Builds llama-bench from the
 * llama.cpp source node-llama-cpp ships (scripts/build-llama-bench.sh), then runs llama-bench and
 * the Tokenwatt runner alternately on the same synthetic Llama-3.2-1B Q4_0 file with the same
 * threads (mmap off, flash attention "auto" in both), and reports runner/llama-bench ratios for pp512 and tg128, and the
 * peak memory of each (the runner's overhead beyond llama.cpp's own).
 *
 * Then batched decoding against llama.cpp's llama-batched-bench (built beside llama-bench): tg128
 * with B parallel sequences (the runner's tg128@bB against llama-batched-bench -npp 0 -ntg 128
 * -npl B, its S_TG), aggregate tokens/s and the ratio at each B.
 *
 * Env: BENCH_THREADS (default: all cores), BENCH_REPS (default 3), BENCH_ROUNDS (default 2),
 * BENCH_MODEL (default synthetic:llama-3.2-1b:Q4_0), BENCH_BUILD (auto | local),
 * BENCH_BATCHES (default 1,8,32), BENCH_BATCH_MODEL (default synthetic:smollm2-135m:Q8_0),
 * BENCH_ONLY (single | batched: one of the two comparisons).
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import { parseWorkloadId, workloadId } from "../lib/core/contracts/workloads";
import { dataDir as runnerDataDir } from "../runners/env";
import { deriveStats, mean } from "../lib/core/measure/stats";
import { probeDevice } from "../runners/native/device/probe";
import { runSession } from "../runners/native/session";
import { resolveModel } from "../runners/models/resolve";
import { llamaBenchToSubmissions, parseLlamaBench } from "../runners/import/llama-bench";
import { parseSubmission } from "../lib/core/contracts/submission";

const threads = Number(process.env.BENCH_THREADS || os.availableParallelism());
const reps = Number(process.env.BENCH_REPS || 3);
const rounds = Number(process.env.BENCH_ROUNDS || 2);
const modelRef = process.env.BENCH_MODEL || "synthetic:llama-3.2-1b:Q4_0";
const build = (process.env.BENCH_BUILD || "auto") as "auto" | "local";
const batches = (process.env.BENCH_BATCHES || "1,8,32").split(",").map(Number);
const batchModelRef = process.env.BENCH_BATCH_MODEL || "synthetic:smollm2-135m:Q8_0";
const only = process.env.BENCH_ONLY ?? "";
if (!["", "single", "batched"].includes(only)) throw new Error("BENCH_ONLY: single or batched");
if (batches.some((b) => !Number.isInteger(b) || b < 1 || b > 1024)) throw new Error("BENCH_BATCHES: batch sizes 1 to 1024, comma-separated");

/** llama-batched-bench's text-generation speed (S_TG: B x 128 / T_TG) at each batch. */
function batchedBench(bin: string, model: string): Map<number, number> {
  const maxB = Math.max(...batches);
  const args = ["-m", model, "-t", String(threads), "-c", String(maxB * (128 + 64)), "-b", "2048", "-ub", "512", "-npp", "0", "-ntg", "128", "-npl", batches.join(","), "-fa", "auto", "--output-format", "jsonl"];
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`llama-batched-bench failed: ${r.stderr.slice(-2000)}`);
  const out = new Map<number, number>();
  for (const line of (r.stdout + r.stderr).split("\n")) {
    if (!line.startsWith("{")) continue;
    // llama-batched-bench writes nan for the prompt speed of -npp 0, which is not JSON
    const row = JSON.parse(line.replace(/-?\bnan\b|-?\binf\b/g, "null")) as { pl: number; speed_tg: number };
    out.set(row.pl, row.speed_tg);
  }
  return out;
}

type Model = Awaited<ReturnType<typeof resolveModel>>;

/** The runner on this CPU, as `tokenwatt bench` runs it: no meters, no idle baseline, no bandwidth test. */
async function measure(model: Model, ids: string[], contextSize: number, repetitions: number) {
  return runSession({
    device: await probeDevice("cpu", null, ["cpu"]),
    model,
    engine: "node-llama-cpp",
    llama: { backend: "cpu", threads, contextSize, build },
    backend: "cpu",
    workloads: ids.map((id) => parseWorkloadId(id)!),
    repetitions,
    meters: [],
    idleSeconds: 0,
    bandwidthGBps: null,
  });
}

async function batchedRunner(model: Model): Promise<Map<number, number>> {
  const s = await measure(model, batches.map((b) => workloadId(0, 128, 0, b)), 192, 1);
  const out = new Map<number, number>();
  for (const w of s.workloads) {
    if (w.status !== "ok") throw new Error(`runner failed at ${w.workloadId}: ${w.error}`);
    out.set(w.nBatch, deriveStats(w.samples)!.avgTokensPerSec);
  }
  return out;
}

function llamaBench(bin: string, model: string): { pp: number; tg: number; peakRssBytes: number; json: string } {
  const args = ["-m", model, "-t", String(threads), "-p", "512", "-n", "128", "-r", String(reps), "-mmp", "0", "-fa", "auto", "-o", "json"];
  const r = spawnSync("/usr/bin/time", ["-f", "MAXRSS_KB=%M", bin, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`llama-bench failed: ${r.stderr.slice(-2000)}`);
  const rows = JSON.parse(r.stdout) as { n_prompt: number; n_gen: number; avg_ts: number }[];
  const rss = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) * 1024;
  return { pp: rows.find((x) => x.n_prompt === 512)!.avg_ts, tg: rows.find((x) => x.n_gen === 128)!.avg_ts, peakRssBytes: rss, json: r.stdout };
}

async function runner(model: Model) {
  const s = await measure(model, ["pp512", "tg128"], 1024, reps);
  const [pp, tg] = s.workloads;
  if (pp!.status !== "ok" || tg!.status !== "ok") throw new Error(`runner failed: ${pp!.error ?? tg!.error}`);
  return {
    pp: deriveStats(pp!.samples)!.avgTokensPerSec,
    tg: deriveStats(tg!.samples)!.avgTokensPerSec,
    peakRssBytes: Math.max(pp!.memory.peakRssBytes ?? 0, tg!.memory.peakRssBytes ?? 0),
    engine: s.engine.build,
  };
}

async function main() {
  console.error("building llama-bench from node-llama-cpp's bundled llama.cpp source (first time: several minutes)...");
  const bin = execFileSync("bash", ["scripts/build-llama-bench.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;
  const m = (xs: number[]) => mean(xs);
  if (only !== "batched") await single(bin, m);
  if (only !== "single") await batched(bin, m);
}

async function single(bin: string, m: (xs: number[]) => number) {
  const model = await resolveModel(modelRef, runnerDataDir());
  console.error(`model ${model.path} (${(model.info.fileBytes / 2 ** 20).toFixed(0)} MiB), ${threads} threads, ${reps} repetitions, ${rounds} rounds`);
  const lb: ReturnType<typeof llamaBench>[] = [];
  const rn: Awaited<ReturnType<typeof runner>>[] = [];
  for (let i = 0; i < rounds; i++) {
    lb.push(llamaBench(bin, model.path));
    rn.push(await runner(model));
    console.error(`round ${i + 1}: llama-bench pp512 ${lb[i]!.pp.toFixed(1)} tg128 ${lb[i]!.tg.toFixed(1)} | runner pp512 ${rn[i]!.pp.toFixed(1)} tg128 ${rn[i]!.tg.toFixed(1)}`);
  }
  const row = (name: string, l: number, r: number) => `| ${name} | ${l.toFixed(1)} | ${r.toFixed(1)} | ${(r / l).toFixed(2)} |`;
  console.log(`\nRunner vs llama-bench, ${model.info.name} ${model.info.quantization} (synthetic), ${threads} threads, mean of ${rounds} alternating rounds x ${reps} repetitions`);
  console.log(`engine: ${rn[0]!.engine}\n`);
  console.log("| test | llama-bench t/s | runner t/s | ratio |\n|---|---:|---:|---:|");
  console.log(row("pp512", m(lb.map((x) => x.pp)), m(rn.map((x) => x.pp))));
  console.log(row("tg128", m(lb.map((x) => x.tg)), m(rn.map((x) => x.tg))));
  // The importer on this very output: what `tokenwatt import llama-bench` would store.
  const probe = await probeDevice("cpu", null, ["cpu"]);
  const imported = llamaBenchToSubmissions(parseLlamaBench(lb[0]!.json), {
    device: ({ backend }) => ({ ...probe, backend }),
    source: { tool: "llama-bench", url: null, machine: "this", note: null },
    format: "json",
    importedAt: new Date().toISOString(),
  });
  const valid = imported.filter((x) => parseSubmission(JSON.parse(JSON.stringify(x))).ok).length;
  console.log(`\nllama-bench import of round 1's JSON: ${imported.length} submission(s), ${valid} valid (${imported.flatMap((x) => x.workloads.map((w) => w.workloadId)).join(", ")}; options ${JSON.stringify(imported[0]?.options)})`);
  if (valid !== imported.length) process.exitCode = 1;
  const lbRss = Math.max(...lb.map((x) => x.peakRssBytes));
  const rnRss = Math.max(...rn.map((x) => x.peakRssBytes));
  console.log(`\npeak RSS: llama-bench ${(lbRss / 2 ** 20).toFixed(0)} MiB, runner's measuring process ${(rnRss / 2 ** 20).toFixed(0)} MiB (overhead ${((rnRss - lbRss) / 2 ** 20).toFixed(0)} MiB)`);

}

async function batched(bin: string, m: (xs: number[]) => number) {
  // Batched decoding: the runner's tg128@bB against llama-batched-bench, alternating rounds.
  const batchedBin = bin.replace(/llama-bench$/, "llama-batched-bench");
  const batchModel = await resolveModel(batchModelRef, runnerDataDir());
  const bb: Map<number, number>[] = [];
  const br: Map<number, number>[] = [];
  for (let i = 0; i < rounds; i++) {
    bb.push(batchedBench(batchedBin, batchModel.path));
    br.push(await batchedRunner(batchModel));
    console.error(`batched round ${i + 1}: ${batches.map((b) => `B=${b} llama-batched-bench ${bb[i]!.get(b)?.toFixed(1)} runner ${br[i]!.get(b)?.toFixed(1)}`).join("; ")}`);
  }
  console.log(`\nBatched decoding (tg128, B parallel sequences), ${batchModel.info.name} ${batchModel.info.quantization} (synthetic), ${threads} threads, mean of ${rounds} alternating rounds`);
  console.log("| B | llama-batched-bench S_TG t/s | runner t/s (aggregate) | ratio |\n|---|---:|---:|---:|");
  for (const b of batches) {
    const l = m(bb.map((x) => x.get(b) ?? NaN));
    const r = m(br.map((x) => x.get(b) ?? NaN));
    console.log(`| ${b} | ${l.toFixed(1)} | ${r.toFixed(1)} | ${(r / l).toFixed(2)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
