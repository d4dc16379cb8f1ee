/**
 * The review queue (issue 30 item 2): a contributor's run waits as `pending` (not on any public page)
 * until a reviewer publishes it or rejects it with a reason the contributor sees. What a reviewer
 * needs is on each entry: the plausibility flags (physics, busy, noisy, energy), the output check, and
 * each workload's median beside the median of other devices' published cells for the same model,
 * workload and backend. A trusted contributor's plausible runs publish themselves.
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { setPublished } from "./publish";
import { deviceNameSql } from "../read/device-name";

export interface QueueEntry {
  submissionId: string;
  contributor: string;
  /** Whether the contributor's flag-free runs publish themselves. */
  contributorTrusted: boolean;
  receivedAt: string;
  deviceId: number;
  device: string;
  model: string;
  quantization: string;
  backend: string;
  engine: string;
  plausible: boolean;
  flags: { workloadId: string | null; code: string; message: string }[];
  outputStatus: string | null;
  workloads: { workloadId: string; plausible: boolean; medianTs: number | null; medianMs: number | null; peersMedianTs: number | null; peerDevices: number }[];
}

const json = <T,>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

export async function reviewQueue(db: Db, limit = 100): Promise<QueueEntry[]> {
  const rows = rowsOf<Omit<QueueEntry, "receivedAt" | "flags" | "workloads"> & { receivedAt: string | Date; flags: unknown; workloads: unknown }>(
    await db.execute(sql`
      select s.id as "submissionId", c.name as contributor, coalesce(c.trusted, false) as "contributorTrusted", s.received_at as "receivedAt", d.id as "deviceId",
        ${deviceNameSql("d")} as device, m.name as model, m.quantization, s.backend,
        e.name || ' ' || e.version as engine, s.plausible, s.flags, s.output_status as "outputStatus",
        (select coalesce(jsonb_agg(jsonb_build_object(
            'workloadId', w.workload_id, 'plausible', w.plausible, 'medianTs', w.median_ts,
            'medianMs', case when w.workload_id = 'ttft' then w.median_ns / 1e6 end,
            'peersMedianTs', p.median, 'peerDevices', coalesce(p.devices, 0)) order by w.workload_id), '[]'::jsonb)
          from workload_results w
          left join lateral (
            select percentile_cont(0.5) within group (order by lc.median_ts) as median, count(distinct lc.device_id)::int as devices
            from leaderboard_cells lc
            where lc.model_id = w.model_id and lc.workload_id = w.workload_id and lc.backend = w.backend and lc.device_id <> w.device_id
          ) p on true
          where w.submission_id = s.id) as workloads
      from submissions s
      join devices d on d.id = s.device_id
      join models m on m.id = s.model_id
      join engines e on e.id = s.engine_id
      left join runner_tokens t on t.id = s.token_id
      left join contributors c on c.id = t.contributor_id
      where s.review_status = 'pending'
      order by s.received_at
      limit ${limit}`),
  );
  return rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt).toISOString(), flags: json(r.flags), workloads: json(r.workloads) }));
}

export class ReviewError extends Error {
  constructor(
    readonly code: "not_found" | "not_reviewable",
    message: string,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

/** Publishes or rejects a contributor's run (a decision may be changed later); refreshes the board. */
export async function decide(db: Db, submissionId: string, decision: "publish" | "reject", reason: string | null, by: string): Promise<{ reviewStatus: "published" | "rejected" }> {
  const status = decision === "publish" ? "published" : "rejected";
  const [row] = rowsOf<{ review_status: string | null }>(await db.execute(sql`select review_status from submissions where id = ${submissionId}::uuid`));
  if (!row) throw new ReviewError("not_found", `no run ${submissionId}`);
  if (row.review_status == null) throw new ReviewError("not_reviewable", `run ${submissionId} is not a contributor's run: publish it with tokenwatt publish`);
  await db.execute(sql`update submissions set review_status = ${status}, review_reason = ${reason}, reviewed_at = now(), reviewed_by = ${by} where id = ${submissionId}::uuid`);
  await setPublished(db, { submissionIds: [submissionId] }, decision === "publish");
  return { reviewStatus: status };
}

/** A trusted contributor's run without a single flag, published as it arrives; returns whether it was. */
export async function autoPublish(db: Db, submissionId: string, contributorId: number): Promise<boolean> {
  const r = rowsOf<{ id: string }>(
    await db.execute(sql`
      update submissions s set review_status = 'published', reviewed_at = now(), reviewed_by = 'auto: a trusted contributor''s plausible run'
      from contributors c
      where s.id = ${submissionId}::uuid and c.id = ${contributorId} and c.trusted and s.review_status = 'pending'
        -- plausible through and through: no flag on the run or any workload, no failed workload
        and s.plausible and s.flags = '[]'::jsonb
        and not exists (select 1 from workload_results w where w.submission_id = s.id and not w.plausible)
      returning s.id::text as id`),
  );
  if (!r.length) return false;
  await setPublished(db, { submissionIds: [submissionId] }, true);
  return true;
}

export interface ContributorRun {
  submissionId: string;
  receivedAt: string;
  device: string;
  model: string;
  plausible: boolean;
  reviewStatus: string | null;
  reviewReason: string | null;
  published: boolean;
}

/** A contributor's own runs, newest first, with where each stands in review and why. */
export async function contributorRuns(db: Db, contributorId: number, limit = 200): Promise<ContributorRun[]> {
  const rows = rowsOf<Omit<ContributorRun, "receivedAt"> & { receivedAt: string | Date }>(
    await db.execute(sql`
      select s.id as "submissionId", s.received_at as "receivedAt", ${deviceNameSql("d")} as device,
        m.name || ' ' || m.quantization as model, s.plausible, s.review_status as "reviewStatus", s.review_reason as "reviewReason", s.published
      from submissions s
      join runner_tokens t on t.id = s.token_id
      join devices d on d.id = s.device_id
      join models m on m.id = s.model_id
      where t.contributor_id = ${contributorId}
      order by s.received_at desc
      limit ${limit}`),
  );
  return rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt).toISOString() }));
}

/** Marks a contributor trusted (their plausible runs publish themselves) or not. */
export async function setTrusted(db: Db, name: string, trusted: boolean): Promise<boolean> {
  const r = rowsOf<{ id: number }>(await db.execute(sql`update contributors set trusted = ${trusted} where name = ${name} returning id`));
  return r.length > 0;
}
