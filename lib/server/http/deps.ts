/** What a request handler may use: the database, the rate limiter, the fleet's job queue. */
import type { Db } from "../db/client";
import type { JobQueue } from "../fleet/job-queue";
import type { CpuBudget } from "./cpu-budget";
import type { ParseBudget } from "./parse-budget";
import type { KeyLimiter } from "./rate-limit";

export interface ServerDeps {
  db: Db;
  /** Where public reads go (the read replica on a public server that has one); db when absent. */
  readDb?: Db;
  dbKind: "pglite" | "postgres";
  limiter: KeyLimiter;
  /** What request bodies may cost to read and validate (none: unlimited, as in most tests). */
  parseBudget?: ParseBudget;
  /** CPU time per token and for the whole process (none: unlimited, as in most tests). */
  cpuBudget?: CpuBudget;
  /** The agents' job connection, opened on first use (a server without agents never opens it). */
  queue(): Promise<JobQueue>;
  /** Seconds without a heartbeat after which an agent is offline and its running job fails. */
  agentTimeoutS: number;
}

/** What the transport knows about a request beyond the Request itself. */
export interface RequestInfo {
  /** The client's address (rate limits of tokenless uploads); null when the transport cannot tell. */
  clientIp: string | null;
}

/** A handler: the request, the server's dependencies, the path's parameters and the transport's information. */
export type Handler = (req: Request, deps: ServerDeps, params: Record<string, string>, info: RequestInfo) => Promise<Response>;
