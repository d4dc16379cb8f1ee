/**
 * The Content-Security-Policy of every response (pure but for the nonce's randomness). Pages get a
 * strict, nonce-based policy (Next.js puts the nonce of the request's own CSP header on its inline and
 * framework scripts: lib/server/http/gate-node.ts sets that header before Next renders); everything
 * else gets a policy that lets it do nothing but what it is for. docs/security.md says why each
 * source is there.
 *
 * Per path, the pages differ only where their code does: /run compiles WebAssembly (wllama, web-llm's
 * model libraries) in the page and in blob: workers and may fetch web-llm artifacts from the
 * configured base; /tco runs its Monte Carlo in a same-origin Web Worker. A document keeps the
 * policy it was loaded with through client-side navigation, so links into /run and /tco are plain
 * <a> (a document load), never next/link.
 */
import { randomBytes } from "node:crypto";

/** A fresh nonce: 128 random bits, base64url (no character that HTML or JSON escapes). */
export const newNonce = (): string => randomBytes(16).toString("base64url");

/** The nonce of a policy's script-src, as Next reads it; null when there is none. */
export function nonceOf(policy: string | string[] | undefined): string | null {
  if (typeof policy !== "string") return null;
  const scriptSrc = policy.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src "));
  return /'nonce-([A-Za-z0-9_-]{16,})'/.exec(scriptSrc ?? "")?.[1] ?? null;
}

/** Directives every policy shares: no framing, no plugins, no <base>, forms post only here. */
const COMMON = ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"];

/**
 * A page's policy. `webllmOrigin`: the origin of TOKENWATT_WEBLLM_BASE_URL when it names another
 * host (/run fetches web-llm's artifacts from it); null otherwise.
 */
export function pagePolicy(pathname: string, nonce: string, o: { webllmOrigin: string | null } = { webllmOrigin: null }): string {
  const run = pathname === "/run";
  const tco = pathname === "/tco" || pathname.startsWith("/tco/");
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (webpack's chunks) run; a parser-inserted script
    // without the nonce does not, even same-origin. 'self' only for browsers without CSP level 3.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${run ? " 'wasm-unsafe-eval'" : ""}`,
    // style="" attributes (React's, recharts' SVG) need 'unsafe-inline'; style-src-elem keeps
    // <style> elements and stylesheets to files of this origin (no page has a <style> element).
    // A browser without style-src-elem (before CSP level 3) allows inline <style> too.
    "style-src 'self' 'unsafe-inline'",
    "style-src-elem 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${run && o.webllmOrigin ? ` ${o.webllmOrigin}` : ""}`,
    `worker-src ${run ? "'self' blob:" : tco ? "'self'" : "'none'"}`,
    "frame-src 'none'",
    "form-action 'self'",
    ...COMMON,
  ].join("; ");
}

/** JSON, files and plain-text answers: nothing may run, load or be framed. */
export const API_POLICY = ["default-src 'none'", "form-action 'none'", ...COMMON].join("; ");

/**
 * The build's static files (/_next/static/...). A script served there is a Web Worker's own policy
 * when a page starts it as one (/tco's Monte Carlo): its chunks are files of this origin.
 */
export const ASSET_POLICY = ["default-src 'self'", "form-action 'none'", ...COMMON].join("; ");

/** The gate's own answers (401 login page, 403, 421): text, and one HTML page styled by attributes. */
export const REFUSAL_POLICY = ["default-src 'none'", "style-src 'unsafe-inline'", "form-action 'none'", ...COMMON].join("; ");
