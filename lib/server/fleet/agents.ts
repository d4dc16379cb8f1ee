/**
 * The agent registry: registration (one agent per agent token, bound to its device), heartbeats,
 * and what the dashboard lists. Job operations are in ./agent-jobs.ts.
 */
import { desc, eq, sql } from "drizzle-orm";
import type { Device } from "../../core/contracts/submission";
import type { JobProgress } from "../../core/contracts/agents";
import { rowsOf, type Db } from "../db/client";
import { deviceFingerprint } from "../store/ingest";
import type { JobQueue } from "./job-queue";
import { agents } from "../db/schema";
import { vendorAndModel } from "../../core/present/device-name";

export interface AgentIdentity {
  id: number;
  tokenId: number;
  deviceFingerprint: string;
}

/** The agent an agent token registered, or null before its first registration. */
export async function agentForToken(db: Db, tokenId: number): Promise<AgentIdentity | null> {
  const [row] = await db
    .select({ id: agents.id, tokenId: agents.tokenId, deviceFingerprint: agents.deviceFingerprint })
    .from(agents)
    .where(eq(agents.tokenId, tokenId));
  return row ?? null;
}

export interface RegisterInput {
  name: string;
  version: string;
  device: Device;
  currentJobId: string | null;
}

/**
 * Registers (or re-registers, at every agent start) the agent of an agent token. Re-registering
 * updates the device: the token follows its machine through OS or RAM upgrades, and ingest then
 * accepts submissions for the device as it is now. Returns the job the agent no longer holds, if
 * the server thought it was running one (the caller fails it).
 */
export async function registerAgent(q: JobQueue, tokenId: number, input: RegisterInput) {
  const fp = deviceFingerprint(input.device);
  const r = await q.exec.executeSql(
    `insert into agents (token_id, name, device_fingerprint, device_class, device, version, status, last_seen_at)
     values ($1, $2, $3, $4, $5::jsonb, $6, 'idle', now())
     on conflict (token_id) do update set name = excluded.name, device_fingerprint = excluded.device_fingerprint,
       device_class = excluded.device_class, device = excluded.device, version = excluded.version,
       status = 'idle', last_seen_at = now()
     returning id, current_job_id, device_fingerprint`,
    [tokenId, input.name, fp, input.device.deviceClass, JSON.stringify(input.device), input.version],
  );
  const row = r.rows[0] as { id: number; current_job_id: string | null; device_fingerprint: string };
  const agent: AgentIdentity = { id: row.id, tokenId, deviceFingerprint: row.device_fingerprint };
  const orphanJobId = row.current_job_id && row.current_job_id !== input.currentJobId ? row.current_job_id : null;
  return { agent, orphanJobId };
}

/**
 * One heartbeat: last seen, status, and the progress of the job the agent runs. One statement,
 * since thousands of agents send these. `jobRunning` false tells the agent the server no longer
 * runs its job (failed by timeout while the agent was unreachable).
 */
export async function recordHeartbeat(
  q: JobQueue,
  agentId: number,
  status: "idle" | "busy" | "stopped",
  jobId: string | null,
  progress: JobProgress | null,
): Promise<{ jobRunning: boolean | null }> {
  const r = await q.exec.executeSql(
    `with a as (update agents set last_seen_at = now(), status = $2 where id = $1 returning id),
     j as (update agent_jobs set progress = coalesce($4::jsonb, progress)
           where $3::uuid is not null and id = $3::uuid and agent_id = $1 and state = 'running' returning id)
     select (select count(*) from j)::int as jobs`,
    [agentId, status, jobId, progress ? JSON.stringify(progress) : null],
  );
  return { jobRunning: jobId ? (r.rows[0] as { jobs: number }).jobs > 0 : null };
}

export interface AgentRow {
  id: number;
  name: string;
  deviceClass: string;
  deviceModel: string;
  cpuModel: string;
  version: string;
  status: string;
  online: boolean;
  lastSeenAt: Date;
  registeredAt: Date;
  currentJobId: string | null;
  progress: JobProgress | null;
  completedJobs: number;
  failedJobs: number;
}

/** Fleet totals, counted in full (the list below is capped). */
export async function countAgents(db: Db, timeoutS: number): Promise<{ total: number; online: number }> {
  const r = rowsOf<{ total: number; online: number }>(
    await db.execute(sql`
      select count(*)::int as total,
        count(*) filter (where status <> 'stopped' and last_seen_at > now() - make_interval(secs => ${timeoutS}::int))::int as online
      from agents`),
  );
  return r[0] ?? { total: 0, online: 0 };
}

/** Agents for the dashboard: online = not stopped and seen within `timeoutS`. */
export async function listAgents(db: Db, timeoutS: number, limit = 500): Promise<AgentRow[]> {
  const rows = await db.execute(sql`
    select a.id, a.name, a.device_class, a.device->>'vendor' as vendor, a.device->>'model' as device_model,
      a.device->'cpu'->>'model' as cpu_model, a.version, a.status, a.last_seen_at, a.registered_at, a.current_job_id,
      (a.status <> 'stopped' and a.last_seen_at > now() - make_interval(secs => ${timeoutS}::int)) as online,
      j.progress,
      (select count(*) from agent_jobs c where c.agent_id = a.id and c.state = 'completed')::int as completed_jobs,
      (select count(*) from agent_jobs f where f.agent_id = a.id and f.state in ('failed', 'abandoned'))::int as failed_jobs
    from agents a left join agent_jobs j on j.id = a.current_job_id
    order by a.last_seen_at desc limit ${limit}`);
  return rowsOf<Record<string, unknown>>(rows).map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    deviceClass: String(r.device_class),
    deviceModel: vendorAndModel(r.vendor == null ? null : String(r.vendor), String(r.device_model)),
    cpuModel: String(r.cpu_model ?? ""),
    version: String(r.version),
    status: String(r.status),
    online: r.online === true,
    lastSeenAt: new Date(r.last_seen_at as string),
    registeredAt: new Date(r.registered_at as string),
    currentJobId: (r.current_job_id as string | null) ?? null,
    progress: (typeof r.progress === "string" ? JSON.parse(r.progress) : r.progress) as JobProgress | null,
    completedJobs: Number(r.completed_jobs),
    failedJobs: Number(r.failed_jobs),
  }));
}

/** Device classes that have agents, for the dashboard's queue form. */
export async function agentDeviceClasses(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ c: agents.deviceClass }).from(agents).orderBy(desc(agents.deviceClass));
  return rows.map((r) => r.c).sort();
}
