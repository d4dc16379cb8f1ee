/** Job views for the agents dashboard: recent batches with counts per state, recent failures. */
import { sql } from "drizzle-orm";
import type { JobRequest, JobTarget } from "../../core/contracts/agents";
import { rowsOf, type Db } from "../db/client";

export interface BatchRow {
  id: string;
  target: JobTarget;
  request: JobRequest;
  createdAt: Date;
  jobCount: number;
  counts: Record<string, number>;
}

const json = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

export async function listBatches(db: Db, limit = 20): Promise<BatchRow[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select b.id, b.target, b.request, b.created_at, b.job_count,
        (select jsonb_object_agg(state, n) from (select state, count(*)::int as n from agent_jobs j where j.batch_id = b.id group by state) s) as counts
      from agent_batches b order by b.created_at desc limit ${limit}`),
  );
  return rows.map((r) => ({
    id: String(r.id),
    target: json<JobTarget>(r.target),
    request: json<JobRequest>(r.request),
    createdAt: new Date(r.created_at as string),
    jobCount: Number(r.job_count),
    counts: json<Record<string, number> | null>(r.counts) ?? {},
  }));
}

export interface FailureRow {
  jobId: string;
  agentId: number;
  agentName: string;
  state: string;
  error: string | null;
  finishedAt: Date | null;
}

export async function listJobFailures(db: Db, limit = 20): Promise<FailureRow[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select j.id, j.agent_id, a.name, j.state, j.error, j.finished_at from agent_jobs j join agents a on a.id = j.agent_id
      where j.state in ('failed', 'abandoned') order by j.finished_at desc nulls last limit ${limit}`),
  );
  return rows.map((r) => ({
    jobId: String(r.id),
    agentId: Number(r.agent_id),
    agentName: String(r.name),
    state: String(r.state),
    error: (r.error as string | null) ?? null,
    finishedAt: r.finished_at ? new Date(r.finished_at as string) : null,
  }));
}
