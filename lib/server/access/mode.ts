/**
 * The server's mode, read here and nowhere else: `public` (TOKENWATT_PUBLIC=1: pages show published
 * results to anyone, writes need tokens) or `owner` (the owner's dashboard behind the login URL).
 * A read never asks the mode: it takes the audience its caller was given (audience.ts).
 */
import { serverEnv } from "../env";

export type ServerMode = "owner" | "public";

export function serverMode(): ServerMode {
  return serverEnv().TOKENWATT_PUBLIC === "1" ? "public" : "owner";
}
