/**
 * The agent protocol: what the server and `tokenwatt agent` exchange (register, heartbeat, jobs).
 * Pure zod, shared by the CLI, the API handlers and the dashboard.
 *
 * Times: `...S` seconds. A job request names what to measure; the agent measures it with the same
 * harness as `tokenwatt bench` and uploads one submission per job.
 */
import { z } from "zod";
import "./zod-browser";
import { safeString } from "./text";
import { DEVICE_CLASSES, deviceSchema } from "./submission";
import { parseWorkloadId, SUITE_NAMES } from "./workloads";

/**
 * The model references a job may name, so that nobody who can queue a job makes every agent fetch
 * and parse a file of their choice: a synthetic shape (`synthetic:llama-3.2-1b:Q4_0`), a file of the
 * agent's own models directory by name (`Llama-3.2-1B-Q4_K_M.gguf`), or a Hugging Face file pinned
 * by its sha256 (`hf:user/repo/file.gguf#sha256=<64 hex>`), checked before it is loaded. Never a
 * URL or a path.
 */
export type JobModel = { kind: "synthetic"; ref: string } | { kind: "file"; name: string } | { kind: "hf"; ref: string; sha256: string };

export function parseJobModel(ref: string): JobModel | { error: string } {
  if (ref.startsWith("synthetic:")) return { kind: "synthetic", ref };
  const hf = /^(hf:[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\/[A-Za-z0-9._\/-]+\.gguf)#sha256=([0-9a-f]{64})$/.exec(ref);
  if (hf) return hf[1]!.includes("..") ? { error: "a Hugging Face path may not contain .." } : { kind: "hf", ref: hf[1]!, sha256: hf[2]! };
  if (ref.startsWith("hf:")) return { error: "a Hugging Face model must be pinned by its hash: hf:<user>/<repo>/<file>.gguf#sha256=<64 hex digits>" };
  if (/^[A-Za-z0-9._-]+\.gguf$/.test(ref) && !ref.startsWith(".")) return { kind: "file", name: ref };
  return { error: "a job names synthetic:<shape>:<quant>, a .gguf file name of the agent's models directory, or hf:<user>/<repo>/<file>.gguf#sha256=<hash>; never a URL or a path" };
}

/** What one job measures. */
export const jobRequestSchema = z
  .object({
    /** A model reference of parseJobModel's three kinds. */
    model: safeString(500, { min: 1 }).superRefine((ref, ctx) => {
      const p = parseJobModel(ref);
      if ("error" in p) ctx.addIssue({ code: "custom", message: p.error });
    }),
    suite: z.enum(SUITE_NAMES).default("quick"),
    /** Workload ids instead of the suite, e.g. ["pp512", "tg128"]. */
    workloads: z
      .array(safeString(40).refine((id) => parseWorkloadId(id) !== null, "unknown workload id"))
      .min(1)
      .max(64)
      .nullable()
      .default(null),
    repetitions: z.int().min(1).max(100).default(3),
    /** Null: all cores of the device. */
    threads: z.int().min(1).max(4096).nullable().default(null),
    /** The job fails when it runs longer than this (the agent may be hung): the reaper fails it. */
    timeoutS: z.int().min(10).max(12 * 3600).default(3600),
  })
  .strict();
export type JobRequest = z.infer<typeof jobRequestSchema>;

export const jobTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("agent"), agentId: z.int().min(1).max(2_147_483_647) }).strict(),
  z.object({ kind: z.literal("class"), deviceClass: z.enum(DEVICE_CLASSES) }).strict(),
  z.object({ kind: z.literal("all") }).strict(),
]);
export type JobTarget = z.infer<typeof jobTargetSchema>;

/** POST /api/v1/agents/jobs (admin): queue a suite for one agent, a device class or all agents. */
export const enqueueBodySchema = z.object({ target: jobTargetSchema, request: jobRequestSchema }).strict();

export const registerBodySchema = z
  .object({
    name: safeString(100, { min: 1 }),
    version: safeString(50, { min: 1 }),
    device: deviceSchema,
    /** The job the agent still holds from before a restart (it will complete or abandon it); null: none. */
    currentJobId: z.uuid().nullable().default(null),
  })
  .strict();
export type RegisterBody = z.input<typeof registerBodySchema>;

export const jobProgressSchema = z
  .object({
    workloadId: safeString(40),
    /** 0-based index of the workload in the job, and how many there are. */
    workloadIndex: z.int().min(0).max(64),
    workloads: z.int().min(1).max(64),
    repetitionsDone: z.int().min(0).max(1000),
    repetitions: z.int().min(1).max(1000),
    phase: z.enum(["load", "rep", "done", "failed", "upload"]),
  })
  .strict();
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const heartbeatBodySchema = z
  .object({
    status: z.enum(["idle", "busy", "stopped"]),
    jobId: z.uuid().nullable().default(null),
    progress: jobProgressSchema.nullable().default(null),
  })
  .strict();
export type HeartbeatBody = z.input<typeof heartbeatBodySchema>;

export const completeBodySchema = z.object({ submissionId: z.uuid() }).strict();

export const failBodySchema = z
  .object({
    reason: safeString(2000, { min: 1, multiline: true }),
    /** true: the agent stopped (SIGINT/SIGTERM, restart) rather than the measurement failing. */
    abandoned: z.boolean().default(false),
  })
  .strict();

/** A job as the agent receives it from POST /api/v1/agents/jobs/next. */
export interface AgentJob {
  id: string;
  batchId: string;
  request: JobRequest;
}

/** Answer of POST /api/v1/agents/register. */
export interface RegisterResponse {
  agentId: number;
  /** The server fails a running job of an agent silent for longer than this. */
  agentTimeoutS: number;
}

/** Answer of POST /api/v1/agents/heartbeat: whether the job the agent reported still runs on the server. */
export interface HeartbeatResponse {
  ok: true;
  /** null when no job was reported; false when the server no longer considers it running (failed by timeout). */
  jobRunning: boolean | null;
}
