/**
 * The agent API (lib/server/api/agents.ts) through the wire's one client (lib/core/wire/client.ts):
 * network errors, 5xx and 429 are `retryable`; other refusals are not (a revoked token, another
 * agent's job).
 */
import type { AgentJob, HeartbeatBody, HeartbeatResponse, RegisterBody, RegisterResponse } from "../../lib/core/contracts/agents";
import { WireError, wireRequest } from "../../lib/core/wire/client";

/** A refusal or failure of the agent API: the wire's error (status, code, retryable). */
export { WireError as AgentApiError };

export class AgentClient {
  constructor(
    readonly server: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  private call<T>(path: string, body: unknown): Promise<{ status: number; data: T | null }> {
    return wireRequest<T>(this.server, { method: "POST", path, credential: this.token, body: body ?? {}, timeoutMs: this.timeoutMs });
  }

  async register(b: RegisterBody): Promise<RegisterResponse> {
    return (await this.call<RegisterResponse>("/api/v1/agents/register", b)).data!;
  }
  async heartbeat(b: HeartbeatBody): Promise<HeartbeatResponse> {
    return (await this.call<HeartbeatResponse>("/api/v1/agents/heartbeat", b)).data!;
  }
  async next(): Promise<AgentJob | null> {
    const r = await this.call<{ job: AgentJob }>("/api/v1/agents/jobs/next", {});
    return r.data?.job ?? null;
  }
  async complete(jobId: string, submissionId: string): Promise<{ status: "completed" | "duplicate" }> {
    return (await this.call<{ status: "completed" | "duplicate" }>(`/api/v1/agents/jobs/${jobId}/complete`, { submissionId })).data!;
  }
  async fail(jobId: string, reason: string, abandoned: boolean): Promise<{ state: string }> {
    return (await this.call<{ state: string }>(`/api/v1/agents/jobs/${jobId}/fail`, { reason, abandoned })).data!;
  }
}
