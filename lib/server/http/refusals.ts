/**
 * Refusals as the API answers them: the table of codes, statuses and messages is
 * lib/server/access/refusal-codes.ts; handlers and operations refuse by code, so the same failure is
 * the same answer on every endpoint.
 */
import { Refused } from "../access/refused";
import { REFUSALS as TABLE, type RefusalCode } from "../access/refusal-codes";
import { AgentJobError } from "../fleet/jobs";
import { TokenError } from "../store/tokens";
import { BodyError } from "./body";
import { apiError, HttpError } from "./http";

export type { RefusalCode };

export function refusalStatus(code: RefusalCode): number {
  return TABLE[code][0];
}

/** The answer for `code`; `message` replaces (or supplies) the table's. */
export function refuse(code: RefusalCode, message?: string, headers?: HeadersInit): Response {
  const text = message ?? TABLE[code][1] ?? code.replaceAll("_", " ");
  const extra: HeadersInit | undefined =
    code === "missing_token" || code === "unknown_token" ? { "www-authenticate": 'Bearer realm="tokenwatt"', ...(headers as Record<string, string>) } : headers;
  return apiError(refusalStatus(code), code, text, undefined, extra);
}

/**
 * The answer for an error a handler threw: the refusal of a known failure, or a 500 that says
 * nothing of the internals (the error is logged without the request body).
 */
/**
 * An error as the log keeps it: its first line, without a failed query's parameters (drizzle puts
 * the whole submission, or a token hash, there), at most 200 characters; and the first line of its
 * cause (drizzle's "Failed query" wraps the database's own error), at most 200 more.
 */
export function logLine(e: unknown): string {
  const first = (x: unknown) => String((x as Error)?.message ?? x).split(/\nparams:|\n/)[0]!.slice(0, 200);
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause == null ? first(e) : `${first(e)} (cause: ${first(cause)})`;
}

export function errorResponse(e: unknown): Response {
  if (e instanceof Refused) return refuse(e.code, e.message);
  if (e instanceof HttpError) return apiError(e.status, e.code, e.message, undefined, e.headers);
  if (e instanceof BodyError) return apiError(400, e.code, e.message, e.issues);
  if (e instanceof AgentJobError) return refuse(e.code, e.message);
  if (e instanceof TokenError) return refuse(e.code === "not_found" ? "unknown_name" : e.code, e.message);
  // PostgreSQL's lock table full (a statement touching very many relations): answered, not a 500.
  if ((e as { code?: string } | null)?.code === "53200") return refuse("lock_table_full", undefined, { "retry-after": "60" });
  console.error("[tokenwatt] unhandled error in a request handler:", logLine(e));
  return apiError(500, "internal", "internal server error; the request was not applied");
}
