/**
 * What each caller may do, in one table (issue 29 item 1). Every operation (lib/server/ops) starts
 * with `authorize(caller, permission)`; the API, the pages' server actions and the CLI reach the
 * operation and so meet the same check and the same refusal.
 */
import type { Caller } from "./caller";
import { Refused } from "./refused";

type Role = "owner" | "admin" | "runner" | "agent" | "pairing";

const TABLE = {
  /** Publish or hide runs and devices on the public leaderboard. */
  publish: { roles: ["owner", "admin"], needs: "an admin token or the owner" },
  /** Let a run whose output differs back onto the ranking, with the reason. */
  "explain-output": { roles: ["owner", "admin"], needs: "an admin token or the owner" },
  /** Rename a device (its display name on every page): also the contributor it belongs to. */
  "rename-device": { roles: ["owner", "admin"], needs: "an admin token, the owner, or the contributor the device belongs to", contributorOwnsIt: true },
  /** Hide runs and devices from the public leaderboard: also the contributor they belong to. */
  hide: { roles: ["owner", "admin"], needs: "an admin token, the owner, or the contributor the device belongs to", contributorOwnsIt: true },
  /** Set or list the layouts of the model catalog. */
  "manage-catalog": { roles: ["owner", "admin"], needs: "an admin token or the owner" },
  /** Queue suites for the fleet's agents, and list the agents. */
  "manage-fleet": { roles: ["owner", "admin"], needs: "an admin token or the owner" },
  /** Store a submission: any token, the owner, or a phone with a pairing code. */
  submit: { roles: ["owner", "admin", "runner", "agent", "pairing"], needs: "a token (tokenwatt token create --name NAME) or a pairing code" },
  /** Register this device's agent: an agent token (bound to the agent it registers). */
  "register-agent": { roles: ["agent"], needs: "an agent token (tokenwatt token create --name NAME --role agent)" },
  /** Make a pairing code for a phone: the owner's dashboard (their browser session) or an admin. */
  pair: { roles: ["owner", "admin"], needs: "the owner's dashboard (its login) or an admin token" },
  /** Review contributors' runs: publish or reject them with a reason; mark contributors trusted. */
  review: { roles: ["owner", "admin"], needs: "an admin token or the owner" },
  /** A contributor's own runs and where they stand in review. */
  "see-own-runs": { roles: [], needs: "a contributor's runner token", contributorOwnsIt: true },
  /** The first measurement's progress (the owner's home page). */
  "see-first-run": { roles: ["owner", "admin"], needs: "the owner's dashboard (its login) or an admin token" },
  /** Create, list and revoke tokens: the owner only (an admin token cannot mint tokens). */
  "manage-tokens": { roles: ["owner"], needs: "the owner (the tokenwatt CLI on the server's machine)" },
} as const satisfies Record<string, { roles: readonly Role[]; needs: string; contributorOwnsIt?: true }>;

export type Permission = keyof typeof TABLE;

const roleOf = (c: Caller): Role | null => (c.kind === "owner" ? "owner" : c.kind === "token" ? c.role : c.kind === "pairing" ? "pairing" : null);

/** Whether `caller` may; never throws. */
export function may(caller: Caller, permission: Permission): boolean {
  const role = roleOf(caller);
  return role != null && (TABLE[permission].roles as readonly Role[]).includes(role);
}

/** A contributor's token, on an action its contributor may take on what is theirs. */
const asContributor = (caller: Caller, permission: Permission): number | null =>
  "contributorOwnsIt" in TABLE[permission] && caller.kind === "token" && caller.role === "runner" && caller.contributorId != null ? caller.contributorId : null;

/**
 * Whether `caller` could be allowed at all, before the things it acts on are known: the early check
 * a route makes before it reads a body (authorize or authorizeOwn decides in the operation).
 */
export function mayAtAll(caller: Caller, permission: Permission): boolean {
  return may(caller, permission) || asContributor(caller, permission) != null;
}

/**
 * Whether authorizeOwn would let `caller` act on devices whose contributors are `owners`; never
 * throws. A page shows a control on a device only where this holds.
 */
export function mayOwn(caller: Caller, permission: Permission, owners: readonly (number | null)[]): boolean {
  if (may(caller, permission)) return true;
  const mine = asContributor(caller, permission);
  return mine != null && owners.length > 0 && owners.every((o) => o === mine);
}

/**
 * For an action on devices: the roles of the table, or the contributor every one of those devices
 * belongs to (`owners`: each device's contributor id, null for one no contributor registered).
 */
export function authorizeOwn(caller: Caller, permission: Permission, owners: readonly (number | null)[]): void {
  if (mayOwn(caller, permission, owners)) return;
  if (asContributor(caller, permission) != null) throw new Refused("forbidden", "this device belongs to another contributor (or to no contributor): only they or an admin may do this");
  authorize(caller, permission);
}

/** Throws the refusal when `caller` may not: 401 missing_token for an anonymous caller, 403 forbidden for another role. */
export function authorize(caller: Caller, permission: Permission): void {
  if (may(caller, permission)) return;
  const needs = TABLE[permission].needs;
  if (caller.kind === "anonymous") throw new Refused("missing_token", `this needs ${needs}: send it as 'Authorization: Bearer <token>'`);
  throw new Refused("forbidden", `this needs ${needs}`);
}

/** Who may, in words ("an admin token or the owner"), for the API reference. */
export function needsOf(permission: Permission): string {
  return TABLE[permission].needs;
}
