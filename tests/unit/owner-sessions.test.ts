/**
 * The owner's sessions (issue 30 item 3): random ids kept server-side, idle and absolute expiry,
 * logout, and rotation that ends them all and changes the login code; through the gate as a browser
 * meets them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loginCode } from "../../lib/server/access/owner-session";
import { gate } from "../../lib/server/http/owner-access";
import { checkSession, createSession, endSession, OWNER_SESSIONS_FILE, rotateSessions, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "../../lib/server/store/owner-sessions";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-sessions-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const credential = "tw_owner-credential-for-tests";
const open = (url: string, cookie?: string) => gate({ url, host: "localhost:3000", cookie, secure: false }, { credential, publicMode: false, hosts: new Set(["localhost"]), isApi: false, dataDir: dir });
const cookieOf = (d: ReturnType<typeof open>) => ("headers" in d && d.headers ? d.headers["Set-Cookie"]! : "").split(";")[0]!;

describe("owner sessions", () => {
  it("are random ids stored as hashes, each login its own", () => {
    const a = createSession(dir);
    const b = createSession(dir);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = fs.readFileSync(path.join(dir, OWNER_SESSIONS_FILE), "utf8");
    expect(stored).not.toContain(a);
    expect((fs.statSync(path.join(dir, OWNER_SESSIONS_FILE)).mode & 0o777).toString(8)).toBe("600");
    expect(checkSession(dir, a)).toBe(true);
    expect(checkSession(dir, "forged")).toBe(false);
    expect(checkSession(dir, null)).toBe(false);
  });

  it("end when idle too long, and at their absolute limit however used", () => {
    const t0 = Date.now();
    const idle = createSession(dir, t0);
    expect(checkSession(dir, idle, t0 + SESSION_IDLE_MS - 1000)).toBe(true);
    expect(checkSession(dir, idle, t0 + SESSION_IDLE_MS - 1000 + SESSION_IDLE_MS + 1)).toBe(false);
    const busy = createSession(dir, t0);
    // Used every few hours, it still ends at the absolute limit.
    for (let t = t0; t < t0 + SESSION_ABSOLUTE_MS - 3600_000; t += 6 * 3600_000) expect(checkSession(dir, busy, t)).toBe(true);
    expect(checkSession(dir, busy, t0 + SESSION_ABSOLUTE_MS + 1)).toBe(false);
  });

  it("a login sets one, pages pass with it, logout ends it, and rotation ends all and changes the login code", () => {
    expect(open("/").kind).toBe("refuse");
    const login = open(`/login?code=${loginCode(credential)}`);
    expect(login.kind).toBe("login");
    const cookie = cookieOf(login);
    expect(login.kind === "login" && login.headers["Set-Cookie"]).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+/);
    expect(open("/leaderboard", cookie).kind).toBe("pass");
    const out = open("/logout", cookie);
    expect(out.kind === "refuse" && out.headers?.["Set-Cookie"]).toContain("Max-Age=0");
    expect(open("/leaderboard", cookie).kind).toBe("refuse");
    // A second browser, then rotation: its session ends, the old code stops working, the new one works.
    const again = cookieOf(open(`/login?code=${loginCode(credential)}`));
    expect(open("/", again).kind).toBe("pass");
    const epoch = rotateSessions(dir);
    expect(open("/", again).kind).toBe("refuse");
    expect(open(`/login?code=${loginCode(credential)}`)).toMatchObject({ kind: "refuse", status: 403 });
    expect(open(`/login?code=${loginCode(credential, epoch)}`).kind).toBe("login");
    endSession(dir, "not-a-session");
  });
});
