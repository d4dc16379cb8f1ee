/**
 * Every refusal the API answers, in one table: its HTTP status and, where it does not depend on
 * the request, its message. Handlers refuse by code; the status follows from the code, so the same
 * failure is the same answer on every endpoint.
 */
import { Refused } from "../access/refused";
import { AgentJobError, AGENT_JOB_ERRORS } from "../fleet/jobs";
import { TokenError } from "../store/tokens";
import { BodyError } from "./body";
import { apiError, HttpError } from "./http";

const TABLE = {
  // Authentication: who is asking.
  missing_token: [401, "send a token as 'Authorization: Bearer <token>' (create one with `npx tokenwatt token create --name NAME`)"],
  unknown_token: [401, "unknown token"],
  token_revoked: [403, "this token has been revoked"],
  forbidden: [403, "this token's role may not do this"],
  pairing_required: [401, "on this public server, the model catalog needs a live pairing code (?pair=CODE) or a token"],
  // Pairing codes (Authorization: Pairing CODE).
  pairing_malformed: [401, "a pairing code has 8 letters and digits, like ABCD-EF23"],
  pairing_unknown: [401, "unknown pairing code; create a new one on the dashboard's Run page"],
  pairing_expired: [401, "this pairing code has expired; create a new one on the dashboard's Run page"],
  pairing_used: [401, "this pairing code has already delivered a submission; codes work once"],
  // Agents and their jobs (lib/server/fleet/jobs.ts rules).
  agent_not_registered: [403, "register this agent first (POST /api/v1/agents/register)"],
  device_mismatch: [403, "an agent token submits results only for the device its agent registered"],
  no_agents: [404, null],
  not_found: [404, null],
  not_your_job: [403, null],
  not_your_submission: [403, null],
  not_running: [409, null],
  already_completed: [409, null],
  submission_missing: [409, null],
  submission_used: [409, null],
  not_flagged: [409, null],
  // Administration.
  name_taken: [409, null],
  invalid_name: [400, null],
  already_revoked: [409, null],
  unknown_name: [404, null],
  // The model catalog.
  layout_exists: [409, null],
  implausible_layout: [422, null],
  layout_needs_sha256: [400, "the model needs its file's sha256: the catalog is keyed by it"],
  // Load.
  rate_limited: [429, null],
  lock_table_full: [503, "PostgreSQL ran out of lock slots (out of shared memory): nothing was queued. Raise max_locks_per_transaction (docs/scale.md) or queue for fewer agents at once"],
} as const satisfies Record<string, readonly [number, string | null]>;

export type RefusalCode = keyof typeof TABLE;

// Every job error the fleet can raise has its row (a new code without one fails the type check).
AGENT_JOB_ERRORS satisfies readonly RefusalCode[];

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
 * the whole submission, or a token hash, there), at most 200 characters.
 */
export function logLine(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  return m.split(/\nparams:|\n/)[0]!.slice(0, 200);
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
