/**
 * Fails the running jobs of agents that fell silent (and jobs past their timeout), every quarter
 * of the agent timeout. Every server process ticks; one reaps at a time (reapJobs takes an advisory
 * lock, the others skip that tick).
 */
import { sql } from "drizzle-orm";
import { reapJobs } from "./jobs";
import { rowsOf } from "../db/client";
import { serverContext, serverDeps } from "../context";

export function startAgentReaper(agentTimeoutS: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // A server without agents never opens the job connection.
      const { db } = await serverContext();
      if (rowsOf(await db.execute(sql`select 1 from agents limit 1`)).length === 0) return;
      const queue = await (await serverDeps()).queue();
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
