/**
 * The fleet agent's loop: register, heartbeat, pull a job, measure it, upload the submission
 * through the outbox, complete the job; again, until stopped.
 *
 * - Network loss and server restarts: every call retries with exponential backoff and jitter;
 *   the measurement goes on meanwhile, and its submission waits in the outbox (and the job in the
 *   state file) until the server takes them, across agent restarts too.
 * - stop(): during a measurement the job is abandoned (the measuring process is killed and the
 *   server told); once measured, the job is finished (upload and complete) if the server answers
 *   within `stopGraceMs`, else left in the outbox for the next start. The log says which.
 *
 * Measurement and device probe are injected: the CLI passes the native runner, the fleet
 * simulation (scripts/bench-agents.ts) a null engine.
 */
import type { AgentJob, JobProgress, JobRequest } from "../../lib/core/contracts/agents";
import type { Device, Submission } from "../../lib/core/contracts/submission";
import { AbortedError } from "../native/session";
import { uploadOnce, type Outbox } from "../upload/outbox";
import { backoffDelayMs, jitteredMs, sleep, type BackoffOptions } from "./backoff";
import { AgentApiError, type AgentClient } from "./client";
import type { AgentStateFile } from "./state";

/** Measures one job on `device`, the device this agent registered (its results are refused for any other). */
export type Measure = (request: JobRequest, ctx: { device: Device; signal: AbortSignal; onProgress(p: JobProgress): void }) => Promise<Submission>;

export interface AgentOptions {
  client: AgentClient;
  token: string;
  name: string;
  version: string;
  probe(): Promise<Device>;
  measure: Measure;
  outbox: Outbox;
  state: AgentStateFile;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  backoff: BackoffOptions;
  /** Run at most one job (none if the queue is empty), then exit. */
  once: boolean;
  /** How long a stop waits for the server to take a finished job. */
  stopGraceMs?: number;
  log(message: string): void;
  /** Called with each job's outcome (the simulation counts them). */
  onJobDone?(jobId: string, outcome: "completed" | "failed" | "abandoned" | "left-in-outbox"): void;
}

export class Agent {
  private registeredDevice: Device | null = null;
  private readonly stopController = new AbortController();
  private stopReason = "";
  private current: { job: AgentJob; progress: JobProgress | null; measuring: AbortController; measured: boolean } | null = null;
  private unreachableSince: number | null = null;
  /** Set by stop(): how long delivery and telling the server may still take. */
  private grace: AbortSignal | null = null;
  private lastBeatMs = 0;

  constructor(private readonly o: AgentOptions) {}

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** First SIGINT/SIGTERM: abandon a measurement in progress or finish delivering a measured job, then exit. */
  stop(reason: string): void {
    if (this.stopping) return;
    this.stopReason = reason;
    this.grace = AbortSignal.timeout(this.o.stopGraceMs ?? 10_000);
    this.o.log(`${reason}: stopping${this.current ? ` (job ${this.current.job.id} in progress)` : ""}`);
    this.current?.measuring.abort();
    this.stopController.abort();
  }

  /** Runs until stopped (or one job with `once`). Returns the exit code. */
  async run(): Promise<number> {
    const device = await this.o.probe();
    this.registeredDevice = device;
    const held = this.o.state.read().job;
    const reg = await this.retry("register", () =>
      this.o.client.register({ name: this.o.name, version: this.o.version, device, currentJobId: held?.id ?? null }),
    );
    if (!reg) return 0; // stopped before the server answered
    this.o.log(`registered as agent ${reg.agentId} (${device.deviceClass}: ${device.vendor} ${device.model}); the server fails jobs of agents silent for ${reg.agentTimeoutS} s`);
    const beats = this.heartbeatLoop();
    try {
      if (held) await this.resume(held);
      while (!this.stopping) {
        const job = await this.retry("poll", () => this.o.client.next());
        if (job === undefined) break;
        if (job === null) {
          if (this.o.once) break;
          await sleep(jitteredMs(this.o.pollIntervalMs), this.stopController.signal);
          continue;
        }
        await this.runJob(job);
        if (this.o.once) break;
      }
    } finally {
      this.stopController.abort();
      await beats;
      // Goodbye, best effort: a stop must not wait on a server that is away.
      await Promise.race([this.o.client.heartbeat({ status: "stopped", jobId: null, progress: null }).catch(() => {}), sleep(2000)]);
    }
    return 0;
  }

  /**
   * Calls `fn` until it succeeds, backing off on retryable errors; undefined when stopped first.
   * Non-retryable errors (a revoked token, a refusal) are thrown.
   */
  private async retry<T>(what: string, fn: () => Promise<T>, signalOf = () => this.stopController.signal): Promise<T | undefined> {
    for (let failures = 0; !signalOf().aborted; failures++) {
      try {
        const r = await fn();
        this.reachable();
        return r;
      } catch (e) {
        if (!(e instanceof AgentApiError) || !e.retryable) throw e;
        this.unreachable(what, e);
        await sleep(backoffDelayMs(failures, this.o.backoff), signalOf());
      }
    }
    return undefined;
  }

  private unreachable(what: string, e: Error) {
    if (this.unreachableSince !== null) return;
    this.unreachableSince = Date.now();
    this.o.log(`${what}: ${e.message}; retrying with backoff (the measurement goes on, results wait in the outbox)`);
  }

  private reachable() {
    if (this.unreachableSince === null) return;
    this.o.log(`server reachable again after ${((Date.now() - this.unreachableSince) / 1000).toFixed(1)} s`);
    this.unreachableSince = null;
  }

  private async heartbeatLoop(): Promise<void> {
    while (!this.stopping) {
      await this.beat();
      await sleep(this.o.heartbeatIntervalMs, this.stopController.signal);
    }
  }

  private async beat(): Promise<void> {
    this.lastBeatMs = Date.now();
    const cur = this.current;
    try {
      const r = await this.o.client.heartbeat({ status: cur ? "busy" : "idle", jobId: cur?.job.id ?? null, progress: cur?.progress ?? null });
      this.reachable();
      if (cur && r.jobRunning === false && this.current === cur && !cur.measured && !cur.measuring.signal.aborted) {
        this.o.log(`the server no longer runs job ${cur.job.id} (failed while this agent was unreachable?): stopping its measurement`);
        cur.measuring.abort();
      }
    } catch (e) {
      if (e instanceof AgentApiError && e.retryable) this.unreachable("heartbeat", e);
      else this.o.log(`heartbeat refused: ${(e as Error).message}`);
    }
  }

  private async runJob(job: AgentJob): Promise<void> {
    const r = job.request;
    this.o.log(`job ${job.id}: ${r.model}, ${r.workloads?.join(",") ?? `suite ${r.suite}`}, ${r.repetitions} repetitions`);
    this.o.state.write({ job: { id: job.id, submissionId: null } });
    if (this.stopping) return this.abandon(job); // stopped while the server was handing it out
    const cur = { job, progress: null as JobProgress | null, measuring: new AbortController(), measured: false };
    this.current = cur;
    let submission: Submission;
    try {
      submission = await this.o.measure(r, {
        device: this.registeredDevice!,
        signal: cur.measuring.signal,
        onProgress: (p) => {
          cur.progress = p;
          // Report workload changes at once (at most once a second); repetitions ride the heartbeat.
          if (p.phase !== "rep" && Date.now() - this.lastBeatMs > 1000) void this.beat();
        },
      });
    } catch (e) {
      this.current = null;
      if (e instanceof AbortedError || cur.measuring.signal.aborted) return this.abandon(job);
      return this.failJob(job.id, `measurement failed: ${(e as Error).message}`);
    }
    cur.measured = true;
    this.o.outbox.put(submission);
    this.o.state.write({ job: { id: job.id, submissionId: submission.submissionId } });
    cur.progress = cur.progress ? { ...cur.progress, phase: "upload" } : null;
    try {
      await this.deliver(job.id, submission.submissionId);
    } finally {
      this.current = null;
    }
  }

  /** After a restart: finish delivering a measured job, or tell the server the measurement was lost. */
  private async resume(held: { id: string; submissionId: string | null }) {
    if (held.submissionId) {
      this.o.log(`resuming job ${held.id}: delivering submission ${held.submissionId} from the outbox`);
      return this.deliver(held.id, held.submissionId);
    }
    this.o.log(`job ${held.id} was interrupted by an agent restart; telling the server it is abandoned`);
    await this.tellFailed(held.id, "the agent restarted mid-job; the measurement was lost", true);
  }

  private async abandon(job: AgentJob) {
    if (!this.stopping) {
      // The server failed the job (heartbeat said so): nothing to tell it.
      this.o.state.write({ job: null });
      this.o.onJobDone?.(job.id, "failed");
      return;
    }
    const told = await this.tellFailed(job.id, `the agent was stopped (${this.stopReason}) during the measurement`, true);
    this.o.log(
      told
        ? `abandoned job ${job.id}: the measurement was stopped, and the server was told`
        : `abandoned job ${job.id}: the measurement was stopped; the server was unreachable, it is told at the next start (or fails the job after the agent timeout)`,
    );
    this.o.onJobDone?.(job.id, "abandoned");
  }

  private async failJob(jobId: string, reason: string) {
    this.o.log(`job ${jobId} failed: ${reason}`);
    await this.tellFailed(jobId, reason, false);
    this.o.onJobDone?.(jobId, "failed");
  }

  /** Tells the server; keeps the job in the state file when it could not (next start retries). */
  private async tellFailed(jobId: string, reason: string, abandoned: boolean): Promise<boolean> {
    try {
      const r = await this.retry("fail job", () => this.o.client.fail(jobId, reason, abandoned), this.deliverySignal);
      if (r === undefined) return false;
    } catch (e) {
      this.o.log(`the server refused to fail job ${jobId}: ${(e as Error).message}`);
    }
    this.o.state.write({ job: null });
    return true;
  }

  /** Delivery keeps trying while the agent runs (hours of network loss included), and for stopGraceMs once it stops. */
  private readonly deliverySignal = (): AbortSignal => this.grace ?? this.stopController.signal;

  /** Uploads the job's submission (outbox) and completes the job; idempotent on both ends. */
  private async deliver(jobId: string, submissionId: string): Promise<void> {
    const pending = this.o.outbox.pending().find((p) => p.submission.submissionId === submissionId);
    if (pending) {
      for (let failures = 0; ; failures++) {
        if (this.deliverySignal().aborted) return this.leftInOutbox(jobId, submissionId);
        const up = await uploadOnce(this.o.client.server, this.o.token, pending.submission);
        if (up.ok) {
          this.reachable();
          this.o.outbox.done(submissionId);
          break;
        }
        if (!up.retryable) {
          this.o.outbox.reject(submissionId, up.message);
          return this.failJob(jobId, `the server refused the result: ${up.message}`);
        }
        this.unreachable("upload", new Error(up.message));
        await sleep(up.retryAfterS ? up.retryAfterS * 1000 : backoffDelayMs(failures, this.o.backoff), this.deliverySignal());
      }
    }
    try {
      const r = await this.retry("complete job", () => this.o.client.complete(jobId, submissionId), this.deliverySignal);
      if (r === undefined) return this.leftInOutbox(jobId, submissionId);
      this.o.log(`job ${jobId} completed with submission ${submissionId}${r.status === "duplicate" ? " (already recorded)" : ""}`);
      this.o.onJobDone?.(jobId, "completed");
    } catch (e) {
      const code = e instanceof AgentApiError ? e.code : "";
      // not_running / already_completed: the server failed the job meanwhile (agent timeout) after
      // the upload, so the result itself is stored. Other refusals mean it is not linked to the job.
      const stored = code === "not_running" || code === "already_completed";
      this.o.log(
        stored
          ? `job ${jobId}: ${(e as Error).message}; submission ${submissionId} is stored on the server`
          : `job ${jobId}: the server refused to complete it (${(e as Error).message}); submission ${submissionId} is not linked to the job`,
      );
      this.o.onJobDone?.(jobId, "failed");
    }
    this.o.state.write({ job: null });
  }

  private leftInOutbox(jobId: string, submissionId: string) {
    this.o.log(`stopping before the server took job ${jobId}: submission ${submissionId} stays in ${this.o.outbox.dir}; the next start delivers it and completes the job`);
    this.o.onJobDone?.(jobId, "left-in-outbox");
  }
}
