/**
 * HTTP client of the agent API (lib/server/agents.ts). Network errors, 5xx and 429 are
 * `retryable`; other refusals are not (a revoked token, another agent's job).
 */
import type { AgentJob, HeartbeatBody, HeartbeatResponse, RegisterBody, RegisterResponse } from "../../lib/core/contracts/agents";

export class AgentApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "AgentApiError";
  }
}

export class AgentClient {
  constructor(
    readonly server: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  private async call<T>(path: string, body: unknown): Promise<{ status: number; data: T | null }> {
    let r: Response;
    try {
      r = await fetch(new URL(path, this.server), {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as Error).cause as { code?: string } | undefined;
      throw new AgentApiError(`server unreachable: ${cause?.code ?? (e as Error).message}`, null, "unreachable", true);
    }
    if (r.status === 204) return { status: 204, data: null };
    const data = (await r.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
    if (r.ok) return { status: r.status, data };
    const retryable = r.status >= 500 || r.status === 429;
    throw new AgentApiError(`${r.status} ${data?.error?.message ?? r.statusText}`, r.status, data?.error?.code ?? "http_error", retryable);
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
