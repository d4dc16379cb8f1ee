/**
 * Letting a run whose output differs from the native CPU reference back onto the ranking, with the
 * reason (a known precision mode, a different but correct kernel, a tokenizer quirk...). Its
 * plausibility becomes what its other flags say, as at ingest: the run is implausible while a run-wide
 * flag remains, and each workload while one of its own flags remains (a flag that only withholds the
 * above-idle energy, ABOVE_IDLE_ONLY_FLAGS, keeps no workload off the ranking: as at ingest).
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { derivePending } from "./derived";
import { ABOVE_IDLE_ONLY_FLAGS } from "../../core/measure/plausibility";

/** The flag codes that keep a workload on the ranking, as a SQL array literal's elements. */
const KEEPS_RANKING = sql.join(ABOVE_IDLE_ONLY_FLAGS.map((c) => sql`${c}`), sql`, `);

export class ExplainError extends Error {
  constructor(
    readonly code: "not_found" | "not_flagged",
    message: string,
  ) {
    super(message);
    this.name = "ExplainError";
  }
}

export async function explainOutput(db: Db, submissionId: string, reason: string): Promise<{ plausible: boolean }> {
  const r = await db.transaction(async (tx) => {
    const found = rowsOf<{ status: string | null }>(
      await tx.execute(sql`select output_status as status from submissions where id = ${submissionId} for update`),
    )[0];
    if (!found) throw new ExplainError("not_found", `no run ${submissionId}`);
    if (found.status !== "differs") throw new ExplainError("not_flagged", `run ${submissionId} is not flagged "output differs" (its output check: ${found.status ?? "none"})`);
    const updated = rowsOf<{ plausible: boolean }>(
      await tx.execute(sql`
        update submissions set output_status = 'explained', output_explanation = ${reason},
          flags = coalesce((select jsonb_agg(f) from jsonb_array_elements(flags) f where f->>'code' <> 'output_differs'), '[]'::jsonb),
          plausible = not exists (select 1 from jsonb_array_elements(flags) f where f->>'code' <> 'output_differs' and f->'workloadId' = 'null'::jsonb)
        where id = ${submissionId}
        returning plausible`),
    )[0]!;
    await tx.execute(sql`
      update workload_results w set plausible = w.status = 'ok' and not exists (
        select 1 from submissions s, jsonb_array_elements(s.flags) f where s.id = w.submission_id and f->>'workloadId' = w.workload_id
          and f->>'code' <> all (array[${KEEPS_RANKING}]::text[]))
      where w.submission_id = ${submissionId}`);
    // The run's group again on the boards (queued by the submissions trigger: its output status changed).
    await derivePending(tx as unknown as Db);
    return { plausible: updated.plausible };
  });
  return { plausible: r.plausible };
}
