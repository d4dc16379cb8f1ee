/**
 * An operation: one function per thing a caller can do (issue 29 item 2). It takes the caller and
 * checks it first (lib/server/access/policy.ts), then does the work; its input is a zod schema and
 * its output is what the API answers. The API, the pages' server actions and the CLI all call it:
 * the route table serves it at its `http` route (lib/server/http/routes.ts), the CLI calls it on the
 * database or through that route (lib/server/admin/client.ts), so no door checks on its own.
 */
import type { z } from "zod";
import type { Caller } from "../access/caller";
import type { Permission } from "../access/policy";
import type { Db } from "../db/client";
import type { JobQueue } from "../fleet/job-queue";

export interface OpContext {
  db: Db;
  /** The fleet's job connection, opened on first use. */
  queue?: () => Promise<JobQueue>;
  /** The request's URL where the operation came over HTTP (a pairing link names the server's origin). */
  requestUrl?: string;
  /** Seconds without a heartbeat after which an agent is offline (the server's setting). */
  agentTimeoutS?: number;
}

export interface Operation<S extends z.ZodType, O> {
  /** What it needs of its caller (the table in policy.ts). */
  permission: Permission;
  /** Another permission that also admits some callers (hide beside publish); the operation decides between them. */
  orPermission?: Permission;
  input: S;
  /** Its route: path parameters (`:name`) come from the input's fields of that name; POST bodies carry the rest. */
  http: { method: "GET" | "POST"; path: string; status?: number; bodyLimit?: number };
  run(ctx: OpContext, caller: Caller, input: z.infer<S>): Promise<O>;
}

/** Declares an operation (types inferred). */
export const operation = <S extends z.ZodType, O>(op: Operation<S, O>): Operation<S, O> => op;
