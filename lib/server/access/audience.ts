/**
 * What a read may show, decided once per request from the caller and the server's mode (issue 29
 * item 3): `owner` (runs published or not) for the owner and admins, on any server (an admin of a
 * public server reviews what is not published yet); `public` (published runs) for everyone else.
 * Reads take the audience as a parameter and never ask the mode themselves.
 */
import type { Audience } from "../read/audience";
import type { Caller } from "./caller";
import { serverMode, type ServerMode } from "./mode";

export type { Audience } from "../read/audience";

export function audienceOf(caller: Caller): Audience {
  return caller.kind === "owner" || (caller.kind === "token" && caller.role === "admin") ? "owner" : "public";
}

/**
 * A page's audience. In owner mode every page sits behind the owner's login (the gate in
 * lib/server/http/owner-access.ts answers anything else with the login page), so a page's caller is
 * the owner; on a public server pages are anonymous: the public. The owner-mode API's catalog of
 * browser models reads with it too (its gate admits the owner and paired phones only).
 */
export function pageAudience(mode: ServerMode = serverMode()): Audience {
  return mode === "public" ? "public" : "owner";
}
