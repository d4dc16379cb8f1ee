/**
 * Every refusal the API answers, in one table: its HTTP status and, where it does not depend on
 * the request, its message. Operations refuse by code (Refused); lib/server/http/refusals.ts turns a
 * code into the answer, so the same failure is the same answer on every endpoint and every door.
 */
import { AGENT_JOB_ERRORS } from "../fleet/jobs";

export const REFUSALS = {
  // Authentication: who is asking.
  missing_token: [401, "send a token as 'Authorization: Bearer <token>' (create one with `npx tokenwatt token create --name NAME`)"],
  unknown_token: [401, "unknown token"],
  token_revoked: [403, "this token has been revoked"],
  forbidden: [403, "this token's role may not do this"],
  pairing_required: [401, "the model catalog needs a live pairing code (?pair=CODE, from the /run link the owner's dashboard gives) or a token"],
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
  not_reviewable: [409, null],
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

export type RefusalCode = keyof typeof REFUSALS;

// Every job error the fleet can raise has its row (a new code without one fails the type check).
AGENT_JOB_ERRORS satisfies readonly RefusalCode[];
