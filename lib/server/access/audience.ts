/**
 * What a read may show, decided once per request from the caller and the server's mode (issue 29
 * item 3): `owner` (the owner's own runs, published or not) only on an owner-mode server for the
 * owner or an admin; `public` (published, plausible runs) for everyone else and on every public
 * server. Reads take the audience as a parameter and never ask the mode themselves.
 */
import type { Caller } from "./caller";
import { serverMode, type ServerMode } from "./mode";

export type Audience = "owner" | "public";

export function audienceOf(caller: Caller, mode: ServerMode = serverMode()): Audience {
  if (mode === "public") return "public";
  return caller.kind === "owner" || (caller.kind === "token" && caller.role === "admin") ? "owner" : "public";
}

/**
 * A page's audience. In owner mode every page sits behind the owner's login (the gate in
 * lib/server/http/owner-access.ts answers anything else with the login page), so a page's caller is
 * the owner; on a public server it is the public.
 */
export function pageAudience(mode: ServerMode = serverMode()): Audience {
  return mode === "public" ? "public" : "owner";
}
