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

/** A public server shows published results only and needs admin tokens for what the owner's dashboard does freely. */
export function isPublic(): boolean {
  return serverMode() === "public";
}

/** The interface the server listens on: every one for a public server or --lan, else loopback. */
export function listenHost(): string {
  return isPublic() || serverEnv().TOKENWATT_LAN === "1" ? "0.0.0.0" : "127.0.0.1";
}
