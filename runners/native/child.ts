/**
 * Child process: loads the engine, measures one workload, reports over IPC, exits. A crash or an
 * out-of-memory kill here becomes a failed workload in the parent, not a lost session.
 */
import { NodeLlamaCppEngine } from "./engine/node-llama-cpp";
import { NullEngine } from "./engine/null-engine";
import type { InferenceEngine } from "./engine/types";
import { runWorkload } from "./harness";
import type { ChildJob, FromChild, ToChild } from "./protocol";

const send = (m: FromChild) => new Promise<void>((r) => process.send!(m, () => r()));
const waitGo = () =>
  new Promise<void>((resolve) => {
    const on = (m: ToChild) => {
      if (m.type === "go") {
        process.off("message", on);
        resolve();
      }
    };
    process.on("message", on);
  });

async function run(job: ChildJob) {
  // The runtime's own memory (Node.js and this process's modules) before the model is loaded.
  const baselineRssBytes = process.memoryUsage().rss;
  let engine: InferenceEngine;
  try {
    engine =
      job.engine === "null"
        ? new NullEngine(job.nullMsPerToken?.prompt, job.nullMsPerToken?.gen, job.workload.nBatch, job.fakeGpu ?? null, job.nullThrottle ?? null)
        : await NodeLlamaCppEngine.create(job.llama!);
  } catch (e) {
    await send({ type: "error", message: `could not load the model: ${(e as Error).message}` });
    process.exit(0);
  }
  await send({ type: "loaded", engine: engine.info, used: engine.used });
  if (job.failWith === "crash") process.kill(process.pid, "SIGKILL");
  if (job.failWith === "error") {
    await send({ type: "error", message: "engine error (test)" });
    process.exit(0);
  }
  try {
    const { samples, intervals, kvBytes } = await runWorkload(engine, job.workload, job.repetitions, {
      onTimedStart: async () => {
        await send({ type: "timed-start" });
        await waitGo();
      },
      onTimedEnd: async () => {
        await send({ type: "timed-end" });
        await waitGo();
      },
      onRepetition: (done, total) => void send({ type: "rep", done, total }),
    });
    if (engine instanceof NodeLlamaCppEngine) await engine.refreshVram();
    const memory = { ...engine.memory(), kvBytes };
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    // After the timed part, so it costs the measurement nothing.
    const fingerprint = job.fingerprint && engine.fingerprint ? await engine.fingerprint(job.fingerprint.prompt, job.fingerprint.tokens).catch(() => null) : null;
    await send({ type: "result", samples, intervals, memory, peakRssBytes, baselineRssBytes, fingerprint });
    await engine.dispose();
  } catch (e) {
    await send({ type: "error", message: (e as Error).message });
  }
  process.exit(0);
}

process.once("message", (m: ToChild) => {
  if (m.type === "run") void run(m.job);
});
