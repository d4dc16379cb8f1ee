/**
 * Fails the running jobs of agents that fell silent (and jobs past their timeout), every quarter
 * of the agent timeout, in each server process (reapJobs is safe to run concurrently).
 */
import { reapJobs } from "../db/agent-jobs";
import { agentContext } from "./context";

export function startAgentReaper(agentTimeoutS: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { queue } = await agentContext();
      for (const r of await reapJobs(queue, agentTimeoutS)) console.warn(`[tokenwatt] job ${r.id} of agent ${r.agentId} failed: ${r.reason}`);
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
