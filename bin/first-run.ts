/**
 * First start on a fresh machine (`npm start`): when the database holds no results yet, measure
 * this machine once, with the default leaderboard's workloads (lib/core/contracts/first-run.ts) on a
 * small model, so a new user sees a real measured row. The model is SmolLM2-135M's exact shape with
 * random weights (no download needed; labelled synthetic), or TOKENWATT_FIRST_RUN_MODEL.
 * TOKENWATT_FIRST_RUN=0 turns it off.
 *
 * bin/start.mjs runs this in its own process (bin/first-run.mjs) once the server answers: the
 * embedded database is the server's, so the result is stored through the server's API with the
 * owner credential (openOwnerAdmin). Progress goes to first-run.json in the data directory, which
 * the owner's home page shows. A result the server did not take stays in the outbox (deliver) and
 * is stored at the next start, before anything is measured again.
 */
import fs from "node:fs";
import path from "node:path";
import {
  FIRST_RUN_FILE,
  FIRST_RUN_REPETITIONS,
  FIRST_RUN_WORKLOADS,
  inProgress,
  onWorkloadEvent,
  parseFirstRunStatus,
  rerunCommand,
  startedStatus,
  type FirstRunStatus,
} from "../lib/core/contracts/first-run";
import { bench } from "../runners/cli/bench";
import { outbox, storeLocally } from "../runners/cli/deliver";
import { dataDir, runnerEnv } from "../runners/env";
import { cliDeps, openOwnerAdmin } from "./cli";

const log = (m: string) => void process.stderr.write(`[tokenwatt] first run: ${m}\n`);
/** Tries to store a measured result the server did not take, and the waits between them (ms). */
const STORE_RETRY_MS = [2000, 5000, 10_000];

function statusFile(): string {
  return path.join(dataDir(), FIRST_RUN_FILE);
}

export function readStatus(): FirstRunStatus | null {
  try {
    return parseFirstRunStatus(fs.readFileSync(statusFile(), "utf8"));
  } catch {
    return null;
  }
}

/** Written whole (a reader never sees half a file), private to the owner like the rest of the data directory. */
function writeStatus(s: FirstRunStatus): void {
  const file = statusFile();
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const finish = (s: FirstRunStatus, patch: Partial<FirstRunStatus>): FirstRunStatus => {
  const t = new Date().toISOString();
  const out = { ...s, current: null, updatedAt: t, finishedAt: t, ...patch };
  writeStatus(out);
  return out;
};

/** Stores the outbox's copy of `id` through the owner's store; true once stored. */
async function storeWaiting(id: string, waits: readonly number[]): Promise<boolean> {
  for (let i = 0; ; i++) {
    const waiting = outbox().pending().find((p) => p.submission.submissionId === id);
    if (!waiting) return false;
    const [r] = await storeLocally([waiting.submission], cliDeps, log).catch((e: Error) => [{ ok: false as const, retryable: true, message: e.message }]);
    if (r?.ok) return true;
    if (i >= waits.length) return false;
    await new Promise((res) => setTimeout(res, waits[i]));
  }
}

/** Measures this machine when the database is empty. Never throws: a failure is written to the status file. */
export async function firstRun(): Promise<FirstRunStatus | null> {
  const env = runnerEnv();
  if (env.TOKENWATT_FIRST_RUN === "0") return null;
  // A first run measured before but never stored (the server was away): store it, measure nothing.
  const before = readStatus();
  if (before?.state === "failed" && before.submissionId && (await storeWaiting(before.submissionId, []))) {
    log(`stored the first run ${before.submissionId} that waited in the outbox`);
    return finish(before, { state: "done", error: null });
  }
  let measured: boolean;
  try {
    const ops = await openOwnerAdmin();
    try {
      measured = await ops.hasResults();
    } finally {
      await ops.close();
    }
  } catch (e) {
    log(`could not ask the server whether this machine is measured: ${(e as Error).message}`);
    const s = before ?? startedStatus(env.TOKENWATT_FIRST_RUN_MODEL, new Date());
    return finish(s, { state: "failed", error: `could not reach the server to store a measurement: ${(e as Error).message}`.slice(0, 2000) });
  }
  if (measured) {
    // npm start announced a measurement (or one was cut short): there is none to make.
    if (inProgress(before)) fs.rmSync(statusFile(), { force: true });
    return null;
  }
  const model = env.TOKENWATT_FIRST_RUN_MODEL;
  let status = startedStatus(model, new Date());
  writeStatus(status);
  log(`no results yet: measuring this machine once in the background (${model}: ${FIRST_RUN_WORKLOADS.join(", ")}, ${FIRST_RUN_REPETITIONS} repetitions; TOKENWATT_FIRST_RUN=0 skips this); progress on the home page`);
  try {
    const r = await bench(
      { model, suite: "v1", workloads: FIRST_RUN_WORKLOADS.join(","), repetitions: String(FIRST_RUN_REPETITIONS), backend: "cpu", build: "auto", output: "md", idleSeconds: "2", power: true, bandwidth: true, progress: false },
      cliDeps,
      log,
      (m) => console.log(m),
      (e) => {
        const next = onWorkloadEvent(status, e, new Date());
        if (next !== status) writeStatus((status = next));
      },
    );
    if (r.code === 130) return finish(status, { state: "failed", error: "interrupted" });
    const id = r.submission!.submissionId;
    if (!r.delivered) {
      writeStatus((status = { ...status, state: "storing", current: null, submissionId: id, updatedAt: new Date().toISOString() }));
      if (!(await storeWaiting(id, STORE_RETRY_MS))) {
        return finish(status, { state: "failed", submissionId: id, error: `measured, but the server did not store the result: it waits in ${outbox().dir} and is stored at the next npm start` });
      }
    }
    log(`done: ${id}${status.failed.length ? `; failed: ${status.failed.join(", ")}` : ""}`);
    return finish(status, { state: "done", submissionId: id });
  } catch (e) {
    log(`failed: ${(e as Error).message}; the server keeps running. Measure again with: ${rerunCommand(status)}`);
    return finish(status, { state: "failed", error: (e as Error).message.slice(0, 2000) });
  }
}
