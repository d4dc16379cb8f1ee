/** The Content-Security-Policy of pages, the API and static files (lib/server/http/csp.ts). */
import { describe, expect, it } from "vitest";
import { API_POLICY, ASSET_POLICY, newNonce, nonceOf, pagePolicy, REFUSAL_POLICY } from "../../lib/server/http/csp";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("content security policy", () => {
  it("gives pages default-src 'self' and scripts by nonce only: no 'unsafe-inline' or 'unsafe-eval' for scripts", () => {
    const nonce = newNonce();
    for (const path of ["/", "/leaderboard", "/run", "/tco", "/tco/shared/x", "/docs/security"]) {
      const d = directives(pagePolicy(path, nonce));
      expect(d.get("default-src")).toEqual(["'self'"]);
      expect(d.get("script-src")).toEqual(expect.arrayContaining([`'nonce-${nonce}'`, "'strict-dynamic'"]));
      expect(d.get("script-src")).not.toContain("'unsafe-inline'");
      expect(d.get("script-src")).not.toContain("'unsafe-eval'");
      expect(d.get("style-src-elem")).toEqual(["'self'"]);
      expect(d.get("object-src")).toEqual(["'none'"]);
      expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    }
  });

  it("allows WebAssembly and blob: workers on /run only, a same-origin worker on /tco, no worker elsewhere", () => {
    const n = newNonce();
    expect(directives(pagePolicy("/run", n)).get("script-src")).toContain("'wasm-unsafe-eval'");
    expect(directives(pagePolicy("/run", n)).get("worker-src")).toEqual(["'self'", "blob:"]);
    for (const p of ["/tco", "/tco/shared/1"]) expect(directives(pagePolicy(p, n)).get("worker-src")).toEqual(["'self'"]);
    for (const p of ["/", "/leaderboard", "/runs/x", "/tcox"]) {
      expect(directives(pagePolicy(p, n)).get("script-src")).not.toContain("'wasm-unsafe-eval'");
      expect(directives(pagePolicy(p, n)).get("worker-src")).toEqual(["'none'"]);
    }
  });

  it("lets /run fetch from the configured web-llm base, and no other page", () => {
    const n = newNonce();
    expect(directives(pagePolicy("/run", n, { webllmOrigin: "https://models.example" })).get("connect-src")).toEqual(["'self'", "https://models.example"]);
    expect(directives(pagePolicy("/", n, { webllmOrigin: "https://models.example" })).get("connect-src")).toEqual(["'self'"]);
    expect(directives(pagePolicy("/run", n)).get("connect-src")).toEqual(["'self'"]);
  });

  it("reads back the nonce of a policy as Next does, and makes a new one every time", () => {
    const n = newNonce();
    expect(n).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nonceOf(pagePolicy("/", n))).toBe(n);
    expect(newNonce()).not.toBe(n);
    expect(nonceOf(API_POLICY)).toBeNull();
    expect(nonceOf(undefined)).toBeNull();
    expect(nonceOf("default-src 'self'; style-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA'")).toBeNull();
  });

  it("lets the API, static files and the gate's answers run nothing", () => {
    expect(directives(API_POLICY).get("default-src")).toEqual(["'none'"]);
    expect(directives(REFUSAL_POLICY).get("default-src")).toEqual(["'none'"]);
    expect(directives(ASSET_POLICY).get("default-src")).toEqual(["'self'"]);
    for (const p of [API_POLICY, ASSET_POLICY, REFUSAL_POLICY]) expect(p).toContain("frame-ancestors 'none'");
  });
});
