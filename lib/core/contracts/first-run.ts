/**
 * The first measurement of this machine (`npm start` on an empty database): which workloads it
 * runs, and its progress as the runner writes it to `first-run.json` in the data directory and the
 * owner's home page reads it (GET /api/v1/owner/first-run). Pure: the writer is bin/first-run.ts,
 * the reader lib/server/read/first-run.ts.
 *
 * The workloads are the default leaderboard's (pp512 and tg128, lib/server/read/leaderboard.ts) so
 * the run's row is on the default board, and ttft for its TTFT column; 3 repetitions, the fewest
 * from which the noise check judges a run (lib/core/measure/plausibility.ts NOISY_CV).
 */
import { z } from "zod";

export const FIRST_RUN_WORKLOADS = ["pp512", "tg128", "ttft"] as const;
export const FIRST_RUN_REPETITIONS = 3;
export const FIRST_RUN_FILE = "first-run.json";

export const FIRST_RUN_STATES = ["measuring", "storing", "done", "failed"] as const;
export type FirstRunState = (typeof FIRST_RUN_STATES)[number];

export const firstRunStatusSchema = z.object({
  state: z.enum(FIRST_RUN_STATES),
  model: z.string().max(300),
  workloads: z.array(z.string().max(40)).min(1).max(16),
  repetitions: z.number().int().min(1).max(1000),
  /** 1-based: the workload being measured (0: before the first, while the idle baseline and bandwidth are measured). */
  step: z.number().int().min(0).max(16),
  /** Its id, null before the first. */
  current: z.string().max(40).nullable(),
  /** Workloads that failed so far. */
  failed: z.array(z.string().max(40)).max(16),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  /** The stored run (done), or the one waiting in the outbox (failed to store). */
  submissionId: z.uuid().nullable(),
  /** What failed, in words (failed only). */
  error: z.string().max(2000).nullable(),
});
export type FirstRunStatus = z.infer<typeof firstRunStatusSchema>;

/** The file's content, or null when it is missing or not a status (a file from another version). */
export function parseFirstRunStatus(text: string | null): FirstRunStatus | null {
  if (text == null) return null;
  try {
    const r = firstRunStatusSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The command that measures the same thing again (what the home page says after a failure). */
export function rerunCommand(s: Pick<FirstRunStatus, "model" | "workloads" | "repetitions">): string {
  return `npx tokenwatt bench -m ${s.model} -w ${s.workloads.join(",")} -r ${s.repetitions}`;
}

export function startedStatus(model: string, now: Date): FirstRunStatus {
  const t = now.toISOString();
  return { state: "measuring", model, workloads: [...FIRST_RUN_WORKLOADS], repetitions: FIRST_RUN_REPETITIONS, step: 0, current: null, failed: [], startedAt: t, updatedAt: t, finishedAt: null, submissionId: null, error: null };
}

/** What the runner reports (runners/native/session.ts onProgress), folded into the status. */
export function onWorkloadEvent(s: FirstRunStatus, e: { workloadId: string; phase: string }, now: Date): FirstRunStatus {
  const updatedAt = now.toISOString();
  if (e.phase === "load") {
    const i = s.workloads.indexOf(e.workloadId);
    return { ...s, step: i >= 0 ? i + 1 : Math.min(s.step + 1, s.workloads.length), current: e.workloadId, updatedAt };
  }
  if (e.phase === "failed" && !s.failed.includes(e.workloadId)) return { ...s, failed: [...s.failed, e.workloadId], updatedAt };
  return s;
}

/** "measuring this machine: workload 2 of 3, tg128" (and the steps around the workloads). */
export function progressLine(s: FirstRunStatus): string {
  if (s.state === "storing") return "measuring this machine: storing the result";
  if (s.state === "done") return "this machine is measured";
  if (s.state === "failed") return "the first measurement of this machine failed";
  if (s.step === 0 || !s.current) return "measuring this machine: idle power and memory bandwidth first";
  return `measuring this machine: workload ${s.step} of ${s.workloads.length}, ${s.current}`;
}

/** Whether a page showing this status should ask again. */
export const inProgress = (s: FirstRunStatus | null): boolean => s != null && (s.state === "measuring" || s.state === "storing");
