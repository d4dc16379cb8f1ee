/** `tokenwatt bench`: measure the suite on this device with node-llama-cpp and store or upload it. */
import { SingleBar, Presets } from "cli-progress";
import { Option, type Command } from "commander";
import { NATIVE_BACKENDS, parseSubmission, type Backend, type Submission } from "../../lib/core/contracts/submission";
import { contextSizeFor, resolveWorkloads, SUITE_NAMES, timedSamples, WorkloadListError, type SuiteName, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import { dataDir as runnerDataDir } from "../env";
import { AbortedError, runSession } from "../native/session";
import { ModelError, resolveModel } from "../models/resolve";
import { render, OUTPUT_FORMATS, type OutputFormat } from "../output/printers";
import { prepareNativeSession } from "../native/plan";
import { probeThisDevice } from "../native/device/probe";
import { checkDestination, deliver, type CliDeps } from "./deliver";
import { CliError } from "./cli-error";
import { deviceName } from "./device-name";


export interface BenchOptions {
  model: string;
  suite: SuiteName;
  workloads?: string;
  repetitions: string;
  threads?: string;
  gpuLayers?: string;
  deviceName?: string;
  batchSize?: string;
  ctxSize?: string;
  backend: Backend | "auto";
  build: "auto" | "local";
  flashAttention?: "auto" | "on" | "off";
  output: OutputFormat;
  server?: string;
  token?: string;
  idleSeconds: string;
  power: boolean;
  meterUrl?: string;
  meterCommand?: string;
  /** A command printing the CPU/SoC temperature (°C, or millidegrees); `thermal` false: none read. */
  tempCommand?: string;
  thermal?: boolean;
  bandwidth: boolean;
  /** The GPU memory's bandwidth, GB/s, as its vendor reports it (the roofline of GPU backends). */
  gpuBandwidth?: string;
  gpuBandwidthSource?: string;
  progress: boolean;
}

const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max} (got "${v}")`);
  return n;
};

/** The suite's workloads, or the -w list; a bad id is a CliError. */
export function cliWorkloads(suite: SuiteName, list?: string): WorkloadSpec[] {
  try {
    return resolveWorkloads(suite, list);
  } catch (e) {
    if (e instanceof WorkloadListError) throw new CliError(e.message);
    throw e;
  }
}

/** Validates options, runs the session, prints, then stores or uploads. Returns the exit code. */
export async function bench(
  o: BenchOptions,
  deps: CliDeps,
  log: (m: string) => void = (m) => void process.stderr.write(`${m}\n`),
  print: (m: string) => void = (m) => console.log(m),
  /** Each workload's progress as the session reports it (the first run's progress file). */
  observe?: (e: { workloadId: string; phase: "load" | "rep" | "done" | "failed" }) => void,
): Promise<{ code: number; submission?: Submission; delivered?: boolean }> {
  const workloads = cliWorkloads(o.suite, o.workloads);
  const repetitions = int("repetitions", o.repetitions, 1, 1000)!;
  // Default: llama.cpp's math cores (physical performance cores), as llama-bench; the submission
  // records the count the engine used.
  const threads = int("threads", o.threads, 1, 4096) ?? undefined;
  const ctx = contextSizeFor(workloads);
  const needCtx = ctx.need;
  const contextSize = int("ctx-size", o.ctxSize, 64, 1 << 20) ?? ctx.default;
  if (contextSize < needCtx) throw new CliError(`--ctx-size ${contextSize} is too small for the workloads (need ${needCtx})`);
  const idleSeconds = Number(o.idleSeconds);
  if (!Number.isFinite(idleSeconds) || idleSeconds < 0 || idleSeconds > 600) throw new CliError("--idle-seconds must be from 0 to 600");
  checkDestination(o);
  const gpuGBps = o.gpuBandwidth == null ? null : Number(o.gpuBandwidth);
  if (gpuGBps != null && !(Number.isFinite(gpuGBps) && gpuGBps > 0 && gpuGBps <= 100_000)) throw new CliError("--gpu-bandwidth must be GB/s, from 0 to 100000");
  if (gpuGBps != null && !o.gpuBandwidthSource?.trim()) throw new CliError("--gpu-bandwidth needs --gpu-bandwidth-source (the datasheet it comes from)");
  const gpuBandwidth = gpuGBps == null ? null : { gbps: gpuGBps, note: o.gpuBandwidthSource!.trim().slice(0, 300) };
  const dataDir = runnerDataDir();
  let model;
  try {
    model = await resolveModel(o.model, dataDir);
  } catch (e) {
    if (e instanceof ModelError) throw new CliError(e.message);
    throw e;
  }
  const plan = await prepareNativeSession({ power: o.power, meterUrl: o.meterUrl, meterCommand: o.meterCommand, thermal: o.thermal !== false, tempCommand: o.tempCommand, bandwidth: o.bandwidth, idleSeconds, log });
  if (o.thermal !== false && workloads.some((w) => w.kind === "sustained")) {
    log(plan.thermal.sources.length ? `note: temperatures from ${plan.thermal.sources.join(", ")}` : "note: no temperature sensor found (thermal zones, hwmon, nvidia-smi, battery): the sustained run records tokens/s and power only; --temp-command reads another");
  }
  const what = workloads.map((w) => (w.kind === "sustained" ? `${w.id} (${w.durationS} s of decoding in ${w.intervalS} s intervals)` : w.id)).join(", ");
  const reps = workloads.some((w) => w.kind !== "sustained") ? `, ${repetitions} repetitions` : "";
  log(`measuring ${model.info.name} ${model.info.quantization} (${model.info.weights} weights) with ${threads ?? "llama.cpp's default (math cores)"} threads: ${what}${reps}`);

  const controller = new AbortController();
  const onSigint = () => {
    log("\ninterrupted: stopping the measurement; nothing will be stored or uploaded");
    controller.abort();
  };
  process.once("SIGINT", onSigint);
  const bar = o.progress && process.stderr.isTTY ? new SingleBar({ format: " {bar} {value}/{total} repetitions and intervals | {workload}", stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(workloads.reduce((a, w) => a + timedSamples(w, repetitions), 0), 0, { workload: "" });
  let doneReps = 0;
  let submission: Submission;
  try {
    submission = await runSession({
      ...plan,
      device: { ...(await probeThisDevice()), name: deviceName(o.deviceName) },
      model,
      llama: { backend: o.backend, threads, contextSize, gpuLayers: int("gpu-layers", o.gpuLayers, 0, 10_000), batchSize: int("batch-size", o.batchSize, 1, 1 << 20), build: o.build, flashAttention: o.flashAttention === "on" ? true : o.flashAttention === "off" ? false : "auto" },
      backend: o.backend,
      workloads,
      repetitions,
      gpuBandwidth,
      signal: controller.signal,
      onNote: (m) => log(`note: ${m}`),
      onProgress: (e) => {
        observe?.(e);
        if (e.phase === "rep") bar?.update(++doneReps, { workload: e.workloadId });
        else if (e.phase === "load") {
          if (bar) bar.update(doneReps, { workload: `${e.workloadId} (loading)` });
          else log(`${e.workloadId}...`);
        }
        else if (e.phase === "failed") log(`${e.workloadId}: failed`);
      },
    });
  } catch (e) {
    if (e instanceof AbortedError) return { code: 130 };
    throw e;
  } finally {
    bar?.stop();
    process.off("SIGINT", onSigint);
  }

  const checked = parseSubmission(submission);
  if (!checked.ok) throw new CliError(`internal error: the runner produced an invalid submission: ${JSON.stringify(checked.issues)}`);
  print(render(submission, o.output));
  if (!(await deliver(checked.submission, o, deps, log))) return { code: 1, submission, delivered: false };
  const failed = submission.workloads.filter((w) => w.status !== "ok").length;
  if (failed) log(`${failed} workload(s) failed`);
  return { code: failed ? 1 : 0, submission, delivered: true };
}

export function registerBenchCommand(program: Command, deps: CliDeps): void {
  program
    .command("bench")
    .description("measure the standard workload suite on this device with node-llama-cpp")
    .requiredOption("-m, --model <ref>", "a GGUF path, hf:<user>/<repo>/<file>, or synthetic:<shape>:<quant> (e.g. synthetic:llama-3.2-1b:Q4_0)")
    .addOption(new Option("--suite <name>", "workload suite").choices(SUITE_NAMES).default("v1"))
    .option("-w, --workloads <ids>", "comma-separated workload ids instead of the suite, e.g. pp512,tg128")
    .option("-r, --repetitions <n>", "timed repetitions per workload (after one warm-up)", "5")
    .option("-t, --threads <n>", "threads (default: all cores)")
    .option("--gpu-layers <n>", "layers offloaded to the GPU (default: all on a GPU backend)")
    .option("--batch-size <n>", "logical batch size for prompt processing (default 512)")
    .option("--ctx-size <n>", "context size (default: the smallest power of two the workloads need)")
    .addOption(new Option("--backend <name>", "compute backend").choices([...NATIVE_BACKENDS, "auto"]).default("cpu"))
    .addOption(new Option("--build <kind>", "llama.cpp binary: auto (prebuilt) or local (built on this device: npx node-llama-cpp source download)").choices(["auto", "local"]).default("auto"))
    .addOption(new Option("--flash-attention <mode>", "flash attention (llama.cpp's default: auto)").choices(["auto", "on", "off"]).default("auto"))
    .addOption(new Option("-o, --output <format>", "what to print").choices([...OUTPUT_FORMATS]).default("md"))
    .addOption(new Option("--server <url>", "upload to this Tokenwatt server instead of the local database").env("TOKENWATT_SERVER"))
    .addOption(new Option("--token <token>", "runner token for --server").env("TOKENWATT_TOKEN"))
    .option("--idle-seconds <s>", "idle power baseline measured before the run", "3")
    .option("--no-power", "do not measure power")
    .option("--meter-url <url>", "external power meter: HTTP endpoint answering JSON watts")
    .option("--meter-command <cmd>", "external power meter: a command that prints watts")
    .option("--temp-command <cmd>", "a command that prints the CPU/SoC temperature in °C or millidegrees (e.g. \"adb shell cat /sys/class/thermal/thermal_zone0/temp\")")
    .option("--no-thermal", "do not read temperatures")
    .option("--no-bandwidth", "skip the memory bandwidth benchmark (no roofline)")
    .option("--gpu-bandwidth <GBps>", "the GPU memory's bandwidth as its vendor reports it, for the roofline of GPU backends (default: the vendor's figure for known GPUs)")
    .option("--gpu-bandwidth-source <text>", "where --gpu-bandwidth comes from (a datasheet), shown beside it")
    .option("--no-progress", "no progress bar")
    .option("--device-name <name>", "your name for this device, shown instead of vendor and model (e.g. \"Ana's laptop\")")
    .action(async (o: BenchOptions) => {
      const { code } = await bench(o, deps);
      if (code !== 0) throw new CliError(code === 130 ? "interrupted" : "some workloads failed or the upload did not complete", code);
    });
}
