/**
 * Fails the running jobs of agents that fell silent (and jobs past their timeout), every quarter
 * of the agent timeout. Every server process ticks; one reaps at a time (reapJobs takes an advisory
 * lock, the others skip that tick).
 */
import { sql } from "drizzle-orm";
import { reapJobs } from "./jobs";
import { rowsOf } from "../db/client";
import type { Db } from "../db/client";
import type { JobQueue } from "./job-queue";

/** `deps` gives the database and, on first use, the job connection (the server's context; tests their own). */
export function startAgentReaper(agentTimeoutS: number, deps: () => Promise<{ db: Db; queue: () => Promise<JobQueue> }>): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // A server without agents never opens the job connection.
      const { db, queue: openQueue } = await deps();
      if (rowsOf(await db.execute(sql`select 1 from agents limit 1`)).length === 0) return;
      const queue = await openQueue();
      for (const r of (await reapJobs(queue, agentTimeoutS)) ?? []) console.warn(`[tokenwatt] job ${r.id} of agent ${r.agentId} failed: ${r.reason}`);
    } catch (e) {
      console.error("[tokenwatt] agent reaper:", (e as Error).message);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, Math.max(1, agentTimeoutS / 4) * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
