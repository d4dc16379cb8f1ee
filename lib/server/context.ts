/** Process-wide server dependencies (database, rate limiter), created once. */
import { getDb, getReadDb, type Db } from "./db/client";
import { getJobQueue } from "./fleet/job-queue";
import { serverEnv } from "./env";
import { isPublic } from "./access/mode";
import type { ServerDeps } from "./http/deps";
import { createCpuBudget, type CpuBudget } from "./http/cpu-budget";
import { createParseBudget, type ParseBudget } from "./http/parse-budget";
import { createRateLimiter, createSharedRateLimiter, type KeyLimiter } from "./http/rate-limit";

const g = globalThis as unknown as { __tokenwattLimiter?: KeyLimiter; __tokenwattParseBudget?: ParseBudget; __tokenwattCpuBudget?: CpuBudget };

/** Per token and per process (a worker's CPU is its own): TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN, TOKENWATT_CPU_MS_PER_MIN. */
function cpuBudget(): CpuBudget {
  if (!g.__tokenwattCpuBudget) {
    const env = serverEnv();
    const perToken = createCpuBudget(env.TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN, env.TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN / 6);
    const whole = createCpuBudget(env.TOKENWATT_CPU_MS_PER_MIN, env.TOKENWATT_CPU_MS_PER_MIN / 6);
    const pick = (k: string) => (k === "cpu:process" ? whole : perToken);
    g.__tokenwattCpuBudget = { wait: (k, now) => pick(k).wait(k, now), charge: (k, ms, now) => pick(k).charge(k, ms, now) };
  }
  return g.__tokenwattCpuBudget;
}

function parseBudget(): ParseBudget {
  if (!g.__tokenwattParseBudget) {
    const env = serverEnv();
    const client = env.TOKENWATT_PARSE_BUDGET_MB_PER_MIN;
    const global = env.TOKENWATT_PARSE_BUDGET_GLOBAL_MB_PER_MIN;
    g.__tokenwattParseBudget = createParseBudget({ clientMbPerMin: client, clientBurstMb: client / 8, globalMbPerMin: global, globalBurstMb: global / 16 });
  }
  return g.__tokenwattParseBudget;
}

export async function serverContext() {
  const handle = await getDb();
  if (!g.__tokenwattLimiter) {
    const env = serverEnv();
    // On PostgreSQL every server process (cluster workers, hosts) shares the buckets; the embedded
    // database belongs to one process, whose memory is enough.
    g.__tokenwattLimiter =
      handle.kind === "postgres"
        ? createSharedRateLimiter(handle.db, env.TOKENWATT_RATE_LIMIT_PER_MIN, env.TOKENWATT_RATE_LIMIT_BURST)
        : createRateLimiter(env.TOKENWATT_RATE_LIMIT_PER_MIN, env.TOKENWATT_RATE_LIMIT_BURST);
  }
  return { db: handle.db, handle, limiter: g.__tokenwattLimiter };
}

/**
 * The database anonymous pages and the public API read: on a public server the read replica when
 * one is configured (published results may lag the primary by a moment), else the primary. The
 * owner's dashboard reads the primary: it must see its own writes at once.
 */
export async function publicReadDb(): Promise<Db> {
  return isPublic() ? (await getReadDb()).db : (await serverContext()).db;
}

/** The route table's dependencies in this process: the job connection opens with the first request that needs it. */
export async function serverDeps(): Promise<ServerDeps> {
  const { db, handle, limiter } = await serverContext();
  return { db, readDb: await publicReadDb(), dbKind: handle.kind, limiter, parseBudget: parseBudget(), cpuBudget: cpuBudget(), queue: () => getJobQueue(Promise.resolve(handle)), agentTimeoutS: serverEnv().TOKENWATT_AGENT_TIMEOUT_S };
}
