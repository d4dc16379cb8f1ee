/**
 * The API as tests call it: requests go through the one route table (lib/server/http/routes.ts),
 * auth gate and refusal table, on a test database, without a server process.
 */
import type { Db } from "../lib/server/db/client";
import type { JobQueue } from "../lib/server/fleet/job-queue";
import type { ServerDeps } from "../lib/server/http/deps";
import { startApiServer } from "../lib/server/http/node";
import type { CpuBudget } from "../lib/server/http/cpu-budget";
import type { ParseBudget } from "../lib/server/http/parse-budget";
import { createRateLimiter, type RateLimiter } from "../lib/server/http/rate-limit";
import { dispatch } from "../lib/server/http/routes";

export interface ApiOptions {
  limiter?: RateLimiter;
  queue?: JobQueue;
  agentTimeoutS?: number;
  clientIp?: string;
  parseBudget?: ParseBudget;
  cpuBudget?: CpuBudget;
  /** Which kind the database is (default pglite): what a handler that differs by kind sees. */
  dbKind?: ServerDeps["dbKind"];
}

export function apiDeps(db: Db, o: ApiOptions = {}): ServerDeps {
  return {
    db,
    dbKind: o.dbKind ?? "pglite",
    limiter: o.limiter ?? createRateLimiter(1e9, 1e9),
    parseBudget: o.parseBudget,
    cpuBudget: o.cpuBudget,
    queue: async () => {
      if (!o.queue) throw new Error("this test gave no job queue");
      return o.queue;
    },
    agentTimeoutS: o.agentTimeoutS ?? 60,
  };
}

export function callApi(req: Request, db: Db, o: ApiOptions = {}): Promise<Response> {
  return dispatch(req, apiDeps(db, o), { clientIp: o.clientIp ?? null });
}

/** The API over real HTTP (node:http, as bin/server.ts serves it) on a test database. */
export function startTestApiServer(db: Db, queue: JobQueue, agentTimeoutS = 60, port = 0) {
  return startApiServer(apiDeps(db, { queue, agentTimeoutS }), port);
}
