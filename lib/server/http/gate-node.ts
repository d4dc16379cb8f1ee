/**
 * The owner-access gate on Node's HTTP server (bin/server.ts, and the test server): security
 * headers on every response, the Host allow-list, and the owner's login for pages in owner mode
 * (lib/server/http/owner-access.ts decides; this applies the decision).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ownerCredential } from "../store/owner-credential";
import { serverDataDir, serverEnv } from "../env";
import { isPublic } from "../access/mode";
import { allowedHosts, gate, SECURITY_HEADERS } from "./owner-access";

let hosts: Set<string> | null | undefined;

/** Host names to allow: always in owner mode; on a public server only where TOKENWATT_HOSTS names them. */
function hostAllowList(): Set<string> | null {
  if (hosts !== undefined) return hosts;
  const e = serverEnv();
  return (hosts = isPublic() && e.TOKENWATT_HOSTS.length === 0 ? null : allowedHosts({ lan: e.TOKENWATT_LAN === "1" || isPublic(), extra: e.TOKENWATT_HOSTS }));
}

/** Applies the gate; returns true when the request may go on to its handler. */
export function applyGate(req: IncomingMessage, res: ServerResponse, isApi: boolean): boolean {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  const d = gate(
    { url: req.url ?? "/", host: req.headers.host, cookie: req.headers.cookie, secure: req.headers["x-forwarded-proto"] === "https" },
    { credential: ownerCredential(serverDataDir()), publicMode: isPublic(), hosts: hostAllowList(), isApi, dataDir: serverDataDir() },
  );
  if (d.kind === "pass") return true;
  res.writeHead(d.status, d.kind === "login" ? d.headers : { "Content-Type": d.contentType, "Cache-Control": "no-store", ...d.headers });
  res.end(d.kind === "login" ? undefined : d.body);
  return false;
}

