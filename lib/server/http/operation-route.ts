/**
 * An operation served at its route (issue 29 item 4): the caller resolved once (lib/server/access/caller.ts),
 * checked against the one table before a body is read, the input validated by the operation's own
 * schema (path parameters join the body), and the operation's output answered as JSON.
 */
import { z } from "zod";
import { callerOf } from "../access/caller";
import { authorize, mayAtAll } from "../access/policy";
import { BODY_LIMITS } from "../env";
import type { Operation } from "../ops/operation";
import { readBody, readQuery } from "./body";
import type { Handler } from "./deps";

const withParams = (schema: z.ZodType, params: Record<string, string>) =>
  z.preprocess((b) => (b && typeof b === "object" && !Array.isArray(b) ? { ...b, ...params } : b), schema);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any operation: the route table holds them all
export function operationHandler(op: Operation<z.ZodType, any>): Handler {
  return async (req, deps, params) => {
    const caller = await callerOf(req, deps.db);
    // Before any body is read: refuse who could not be allowed whatever the body says.
    if (!mayAtAll(caller, op.permission) && !(op.orPermission && mayAtAll(caller, op.orPermission))) authorize(caller, op.permission);
    const input =
      op.http.method === "POST" ? await readBody(req, withParams(op.input, params), op.http.bodyLimit ?? BODY_LIMITS.adminBytes, true) : readQuery(req, op.input, params);
    const out = await op.run({ db: deps.db, queue: deps.queue, requestUrl: req.url, agentTimeoutS: deps.agentTimeoutS }, caller, input);
    return Response.json(out, { status: op.http.status ?? 200, headers: { "cache-control": "no-store" } });
  };
}
