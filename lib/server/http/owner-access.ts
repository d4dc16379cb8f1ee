/**
 * Who may drive this server from a browser, and from which address (pure but for the owner
 * credential it derives from). Three deployments:
 * - the owner on a laptop: `npm start` listens on loopback only; pages need the owner's session
 *   cookie, set by the login URL the server prints at start (derived from the owner credential, so
 *   it survives restarts and works in every worker);
 * - LAN phones (`npm start -- --lan`): the same, listening on every interface; a phone runs the
 *   browser benchmark through /run?pair=CODE, which needs a pairing code, not the owner's cookie;
 * - a public server (TOKENWATT_PUBLIC=1): pages are public (published results only), writes need tokens.
 * In every mode a Host allow-list refuses foreign host names (DNS rebinding) with 421, and every
 * response forbids framing and sniffing.
 */
import os from "node:os";

// The owner's session cookie (its value, the login code, how a request shows it): lib/server/access/owner-session.ts.
import { cookieValue, expiredSessionCookie, hasOwnerSession, loginCode, mac, same, sessionCookie, SESSION_COOKIE } from "../access/owner-session";
import { createSession, endSession, sessionEpoch } from "../store/owner-sessions";
export { cookieValue, currentLoginCode, hasOwnerSession, loginCode, ownerHost, ownerLoginUrls, sessionCookie, SESSION_COOKIE } from "../access/owner-session";

/**
 * Headers on every response: no framing (clickjacking), no MIME sniffing, no referrer leaks. The
 * Content-Security-Policy depends on what answers (a page, the API, a static file): ./csp.ts.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** Host names this server answers to: loopback, this machine's names and addresses (on the LAN), and TOKENWATT_HOSTS. */
export function allowedHosts(o: { lan: boolean; extra: readonly string[] }, ifaces = os.networkInterfaces(), hostname = os.hostname()): Set<string> {
  const hosts = new Set(["localhost", "127.0.0.1", "::1", ...o.extra.map((h) => h.toLowerCase())]);
  if (o.lan) {
    hosts.add(hostname.toLowerCase());
    hosts.add(`${hostname.toLowerCase()}.local`);
    for (const list of Object.values(ifaces)) for (const a of list ?? []) hosts.add(a.address.toLowerCase());
  }
  return hosts;
}

/** The host name of a Host header ("[::1]:3000" → "::1", "Example.com:80" → "example.com"); null when malformed. */
export function hostName(header: string | null | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h) ?? /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1]! : null;
}

/** Paths a browser may load without the owner's session: the login, static assets, the paired /run page. */
export function openPath(pathname: string, search: URLSearchParams): boolean {
  if (pathname === "/login" || pathname === "/favicon.ico" || pathname === "/robots.txt") return true;
  if (pathname.startsWith("/_next/static/")) return true;
  if (pathname === "/run" && /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(search.get("pair") ?? "")) return true;
  return false;
}

/** The signature of a read-only share link to a saved TCO scenario (keyed by the owner credential, so only this server signs). */
export const shareSignature = (credential: string, scenarioId: string) => mac(credential, `tco-share-${scenarioId}`);

/** A signed read-only link: /tco/shared/<scenario id>?sig=<signature>; anyone the owner sends it to may open it. */
export function validShareLink(pathname: string, search: URLSearchParams, credential: string): boolean {
  const m = /^\/tco\/shared\/([0-9a-f-]{36})$/.exec(pathname);
  return m != null && same(search.get("sig") ?? "", shareSignature(credential, m[1]!));
}

export type GateDecision =
  | { kind: "pass" }
  | { kind: "refuse"; status: number; body: string; contentType: string; headers?: Record<string, string> };

/**
 * The decision for one request before any handler runs. `credential`: the owner credential;
 * `publicMode`: TOKENWATT_PUBLIC=1; API paths authenticate themselves (tokens, pairing codes, the
 * owner's session for owner-only actions), so only the Host check applies to them.
 */
export function gate(
  req: { url: string; host: string | null | undefined; cookie: string | null | undefined; secure: boolean },
  o: {
    credential: string;
    publicMode: boolean;
    hosts: Set<string> | null;
    isApi: boolean;
    /** Where the owner's sessions are kept. */
    dataDir: string;
    /** The owner's own host name (owner-session.ts ownerHost), asked only for a name not in `hosts`. */
    ownerHost?: () => string | null;
  },
): GateDecision | { kind: "login"; status: 303; headers: Record<string, string> } {
  const name = hostName(req.host);
  if (o.hosts && (!name || !(o.hosts.has(name) || (name.endsWith(".localhost") && name === o.ownerHost?.())))) {
    return {
      kind: "refuse",
      status: 421,
      contentType: "text/plain; charset=utf-8",
      body: `421 Misdirected Request: this server does not answer to the host "${(req.host ?? "").slice(0, 100)}". Use localhost or the login URL \`npx tokenwatt login-url\` prints, or add the name to TOKENWATT_HOSTS.\n`,
    };
  }
  if (o.publicMode || o.isApi) return { kind: "pass" };
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/login") {
    const code = url.searchParams.get("code") ?? "";
    if (!same(code, loginCode(o.credential, sessionEpoch(o.dataDir)))) {
      return { kind: "refuse", status: 403, contentType: "text/plain; charset=utf-8", body: "403: this login code is not this server's (or was rotated). Use the login URL `npm start` printed, or `npx tokenwatt login-url`.\n" };
    }
    return { kind: "login", status: 303, headers: { "Set-Cookie": sessionCookie(createSession(o.dataDir), req.secure), Location: "/" } };
  }
  if (url.pathname === "/logout") {
    endSession(o.dataDir, cookieValue(req.cookie, SESSION_COOKIE));
    return { kind: "refuse", status: 200, contentType: "text/plain; charset=utf-8", body: "Logged out: this browser's session has ended. Open the login URL again to come back.\n", headers: { "Set-Cookie": expiredSessionCookie } };
  }
  if (openPath(url.pathname, url.searchParams) || validShareLink(url.pathname, url.searchParams, o.credential) || hasOwnerSession(req.cookie, o.dataDir)) return { kind: "pass" };
  return {
    kind: "refuse",
    status: 401,
    contentType: "text/html; charset=utf-8",
    body:
      '<!doctype html><meta charset="utf-8"><title>Tokenwatt: owner login</title><main style="font-family:system-ui;max-width:40rem;margin:4rem auto">' +
      "<h1>This dashboard belongs to its owner</h1><p>Open the login URL that <code>npm start</code> printed on the owner's machine, or print it again there with <code>npx tokenwatt login-url</code>.</p>" +
      "<p>A phone runs the browser benchmark from the <code>/run?pair=CODE</code> link the owner's Run page gives.</p></main>",
  };
}
