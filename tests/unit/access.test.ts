/**
 * Who may do what, and what each caller may see (lib/server/access): the one policy table, the
 * audience a read is given, and the refusal an operation raises, on both sides.
 */
import { describe, expect, it } from "vitest";
import { audienceOf, pageAudience } from "../../lib/server/access/audience";
import type { Caller } from "../../lib/server/access/caller";
import { authorize, authorizeOwn, may, mayOwn } from "../../lib/server/access/policy";
import { siteOrigin } from "../../lib/server/http/site-url";
import { loadEnv } from "../../lib/server/env";
import { Refused } from "../../lib/server/access/refused";

const token = (role: "runner" | "admin" | "agent"): Caller => ({ kind: "token", role, tokenId: 1, name: role });
const owner: Caller = { kind: "owner", via: "cli" };
const anonymous: Caller = { kind: "anonymous" };

describe("the access policy", () => {
  it("lets the owner do everything, an admin all but tokens, runners and agents none of the admin operations", () => {
    for (const p of ["publish", "explain-output", "rename-device", "manage-catalog", "manage-fleet", "manage-tokens"] as const) {
      expect(may(owner, p), p).toBe(true);
      expect(may(token("admin"), p), p).toBe(p !== "manage-tokens");
      expect(may(token("runner"), p), p).toBe(false);
      expect(may(token("agent"), p), p).toBe(false);
      expect(may(anonymous, p), p).toBe(false);
    }
  });

  it("refuses an anonymous caller as unauthenticated (401) and a token of another role as forbidden (403)", () => {
    const refusal = (c: Caller) => {
      try {
        authorize(c, "publish");
        return null;
      } catch (e) {
        return e as Refused;
      }
    };
    expect(refusal(anonymous)).toMatchObject({ code: "missing_token" });
    expect(refusal(token("runner"))).toMatchObject({ code: "forbidden", message: "this needs an admin token or the owner" });
    expect(refusal(token("admin"))).toBeNull();
    expect(refusal(anonymous)).toBeInstanceOf(Refused);
  });

  it("lets a contributor rename and hide their own devices only, and says so before the form (mayOwn agrees with authorizeOwn)", () => {
    const ana: Caller = { kind: "token", role: "runner", tokenId: 2, name: "ana", contributorId: 7 };
    const allowed = (c: Caller, owners: (number | null)[]) => {
      try {
        authorizeOwn(c, "hide", owners);
        return true;
      } catch {
        return false;
      }
    };
    const cases: [Caller, (number | null)[], boolean][] = [
      [ana, [7], true],
      [ana, [7, 7], true],
      [ana, [8], false],
      [ana, [7, 8], false],
      [ana, [null], false],
      [ana, [], false],
      [token("runner"), [7], false],
      [token("admin"), [8], true],
      [owner, [null], true],
      [anonymous, [7], false],
    ];
    for (const [c, owners, expected] of cases) {
      expect(mayOwn(c, "hide", owners), `${c.kind} ${JSON.stringify(owners)}`).toBe(expected);
      expect(allowed(c, owners)).toBe(expected);
    }
    // A contributor's own device gives no right the table does not grant them.
    expect(mayOwn(ana, "publish", [7])).toBe(false);
    expect(mayOwn(ana, "rename-device", [7])).toBe(true);
  });

  it("shows the owner and admins unpublished runs on any server, everyone else the public's; pages by the server's mode", () => {
    expect(audienceOf(owner)).toBe("owner");
    expect(audienceOf(token("admin"))).toBe("owner");
    expect(audienceOf(token("runner"))).toBe("public");
    expect(audienceOf(token("agent"))).toBe("public");
    expect(audienceOf(anonymous)).toBe("public");
    expect(pageAudience("owner")).toBe("owner");
    expect(pageAudience("public")).toBe("public");
  });
});

describe("the site's origin in shared links (previews, badge snippets)", () => {
  it("is TOKENWATT_PUBLIC_URL where set, else the request's host, https only where a proxy says so", () => {
    expect(siteOrigin("evil.example", "https", "https://bench.example.org").href).toBe("https://bench.example.org/");
    expect(siteOrigin("bench.example.org:8443", "https", "").href).toBe("https://bench.example.org:8443/");
    expect(siteOrigin("127.0.0.1:3000", null, "").href).toBe("http://127.0.0.1:3000/");
    expect(siteOrigin("127.0.0.1:3000", "javascript", "").protocol).toBe("http:");
    // A malformed Host falls back to this server's own address.
    expect(siteOrigin("a b/<x>", null, "").hostname).toBe("localhost");
    expect(siteOrigin(null, null, "").hostname).toBe("localhost");
  });

  it("takes an http(s) origin as TOKENWATT_PUBLIC_URL and refuses a path or another scheme at start", () => {
    expect(loadEnv({ TOKENWATT_PUBLIC_URL: "https://bench.example.org" }).TOKENWATT_PUBLIC_URL).toBe("https://bench.example.org");
    expect(loadEnv({}).TOKENWATT_PUBLIC_URL).toBe("");
    for (const bad of ["ftp://bench.example.org", "https://bench.example.org/board", "bench.example.org", "https://x.org/?a=1"]) expect(() => loadEnv({ TOKENWATT_PUBLIC_URL: bad })).toThrow(/TOKENWATT_PUBLIC_URL/);
  });
});
