/**
 * The owner-access gate on Node's HTTP server (bin/server.ts, and the test server): security
 * headers on every response (the Content-Security-Policy with a fresh nonce for pages), the Host
 * allow-list, and the owner's login for pages in owner mode (lib/server/http/owner-access.ts
 * decides; this applies the decision).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ownerCredential } from "../store/owner-credential";
import { serverDataDir, serverEnv } from "../env";
import { isPublic } from "../access/mode";
import { allowedHosts, gate, ownerHost, SECURITY_HEADERS } from "./owner-access";
import { sessionEpoch } from "../store/owner-sessions";
import { API_POLICY, ASSET_POLICY, newNonce, pagePolicy, REFUSAL_POLICY } from "./csp";

let hosts: Set<string> | null | undefined;

/** Host names to allow: always in owner mode; on a public server only where TOKENWATT_HOSTS names them. */
function hostAllowList(): Set<string> | null {
  if (hosts !== undefined) return hosts;
  const e = serverEnv();
  return (hosts = isPublic() && e.TOKENWATT_HOSTS.length === 0 ? null : allowedHosts({ lan: e.TOKENWATT_LAN === "1" || isPublic(), extra: e.TOKENWATT_HOSTS }));
}

let webllmOrigin: string | null | undefined;

/** The origin /run may fetch web-llm's artifacts from besides this one (TOKENWATT_WEBLLM_BASE_URL). */
function webllmBaseOrigin(): string | null {
  if (webllmOrigin !== undefined) return webllmOrigin;
  const base = serverEnv().TOKENWATT_WEBLLM_BASE_URL;
  return (webllmOrigin = base ? new URL(base).origin : null);
}

/**
 * The response's Content-Security-Policy. A page (anything Next renders but its static files) gets
 * a fresh nonce, given to Next in the request's own CSP header: Next reads the nonce there
 * (next/dist/server/app-render/get-script-nonce-from-header.js) and puts it on its scripts. A
 * client's own CSP headers never reach Next.
 */
function setPolicy(req: IncomingMessage, res: ServerResponse, pathname: string, isApi: boolean): void {
  delete req.headers["content-security-policy"];
  delete req.headers["content-security-policy-report-only"];
  if (isApi) return void res.setHeader("Content-Security-Policy", API_POLICY);
  if (pathname.startsWith("/_next/static/")) return void res.setHeader("Content-Security-Policy", ASSET_POLICY);
  const policy = pagePolicy(pathname, newNonce(), { webllmOrigin: webllmBaseOrigin() });
  req.headers["content-security-policy"] = policy;
  res.setHeader("Content-Security-Policy", policy);
}

/** Applies the gate; returns true when the request may go on to its handler. */
export function applyGate(req: IncomingMessage, res: ServerResponse, isApi: boolean): boolean {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  setPolicy(req, res, (req.url ?? "/").split("?")[0]!, isApi);
  const d = gate(
    { url: req.url ?? "/", host: req.headers.host, cookie: req.headers.cookie, secure: req.headers["x-forwarded-proto"] === "https" },
    {
      credential: ownerCredential(serverDataDir()),
      publicMode: isPublic(),
      hosts: hostAllowList(),
      isApi,
      dataDir: serverDataDir(),
      ownerHost: () => (isPublic() ? null : ownerHost(ownerCredential(serverDataDir()), serverEnv().PORT, sessionEpoch(serverDataDir()))),
    },
  );
  if (d.kind === "pass") return true;
  res.setHeader("Content-Security-Policy", REFUSAL_POLICY);
  res.writeHead(d.status, d.kind === "login" ? d.headers : { "Content-Type": d.contentType, "Cache-Control": "no-store", ...d.headers });
  res.end(d.kind === "login" ? undefined : d.body);
  return false;
}

