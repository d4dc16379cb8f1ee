/** Process-wide server dependencies (database, rate limiter), created once. */
import { getDb } from "./db/client";
import { getJobQueue } from "./fleet/job-queue";
import { loadEnv } from "./env";
import { createRateLimiter, type RateLimiter } from "./http/rate-limit";

const g = globalThis as unknown as { __tokenwattLimiter?: RateLimiter };

export async function serverContext() {
  const handle = await getDb();
  if (!g.__tokenwattLimiter) {
    const env = loadEnv();
    g.__tokenwattLimiter = createRateLimiter(env.TOKENWATT_RATE_LIMIT_PER_MIN, env.TOKENWATT_RATE_LIMIT_BURST);
  }
  return { db: handle.db, handle, limiter: g.__tokenwattLimiter };
}

/** The agent API's dependencies: the database, the pg-boss job queue (started on first use) and the agent timeout. */
export async function agentContext() {
  const { db, handle } = await serverContext();
  const queue = await getJobQueue(Promise.resolve(handle));
  return { db, queue, agentTimeoutS: loadEnv().TOKENWATT_AGENT_TIMEOUT_S };
}
