/**
 * Issue 30 item 3: the owner's session cookie never reaches another service on this machine. Cookies
 * do not isolate ports, so the login URL names a host of its own (tw-<port>-<secret>.localhost) and
 * the cookie is host-only: in Chromium, a plain listener on another port, visited at 127.0.0.1,
 * localhost or a guessable *.localhost name, receives no session cookie. The other side: logged in at
 * 127.0.0.1, the same listener does receive it (why the 127.0.0.1 URL is the fallback only).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { freePort, startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";

describe("the owner's cookie and other services on this machine", () => {
  let srv: RunningServer;
  let browser: Browser;
  let other: http.Server;
  let otherPort = 0;
  /** What the other service received: host and Cookie header of each request. */
  const seen: { host: string; path: string; cookie: string }[] = [];

  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    otherPort = await freePort();
    other = http.createServer((req, res) => {
      seen.push({ host: req.headers.host ?? "", path: req.url ?? "", cookie: req.headers.cookie ?? "" });
      const bounce = /^\/bounce\?to=(.+)$/.exec(req.url ?? "");
      // Sends the browser to another name on this same port, as a hostile service would try.
      if (bounce) return void res.writeHead(302, { location: decodeURIComponent(bounce[1]!) }).end();
      res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>other service</title><img src="/pixel" alt="">');
    });
    await new Promise<void>((r) => other.listen(otherPort, "127.0.0.1", r));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => other?.close(r));
    await srv?.stop();
  });

  async function visitOther(context: BrowserContext, urls: string[]) {
    seen.length = 0;
    const page = await context.newPage();
    for (const u of urls) {
      await page.goto(u);
      await page.waitForLoadState("networkidle");
    }
    await page.close();
    return seen.filter((s) => s.cookie.includes("tw_session="));
  }

  it("logged in on the owner's *.localhost name: the dashboard works there, and no other port's service gets the cookie", async () => {
    const own = new URL(srv.ownHostLoginUrl);
    const context = await browser.newContext();
    const page = await context.newPage();
    const landed = await page.goto(srv.ownHostLoginUrl);
    expect(landed!.status()).toBe(200);
    expect(page.url()).toBe(`http://${own.host}/`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true); // WebGPU and threads on /run need it
    expect((await page.goto(`http://${own.host}/agents`))!.status()).toBe(200);
    // 127.0.0.1 is another host: not logged in there.
    expect((await page.goto(`${srv.url}/agents`))!.status()).toBe(401);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.domain, c.httpOnly, c.sameSite])).toEqual([["tw_session", own.hostname, true, "Strict"]]);

    const leaked = await visitOther(context, [
      `http://127.0.0.1:${otherPort}/`,
      `http://localhost:${otherPort}/`,
      // A hostile service bouncing the browser to names it can guess, on its own port.
      `http://127.0.0.1:${otherPort}/bounce?to=${encodeURIComponent(`http://tw-${own.port}.localhost:${otherPort}/`)}`,
      `http://127.0.0.1:${otherPort}/bounce?to=${encodeURIComponent(`http://tw-${own.port}-0000000000000000.localhost:${otherPort}/`)}`,
    ]);
    expect(seen.map((s) => s.host)).toEqual(expect.arrayContaining([`127.0.0.1:${otherPort}`, `localhost:${otherPort}`, `tw-${own.port}.localhost:${otherPort}`]));
    expect(seen.filter((s) => s.path === "/pixel").length).toBeGreaterThanOrEqual(4);
    expect(leaked).toEqual([]);
    await context.close();
  }, 120_000);

  it("must-fail side: logged in at 127.0.0.1, the other port's service receives the cookie; so does one that knows the owner's name", async () => {
    const context = await browser.newContext();
    await (await context.newPage()).goto(srv.loginUrl);
    const leaked = await visitOther(context, [`http://127.0.0.1:${otherPort}/`]);
    expect(leaked.length).toBeGreaterThan(0);
    await context.close();
    // The name is what keeps the cookie: a service that learnt it could collect the cookie on its own port.
    const own = new URL(srv.ownHostLoginUrl);
    const ownContext = await browser.newContext();
    await (await ownContext.newPage()).goto(srv.ownHostLoginUrl);
    expect((await visitOther(ownContext, [`http://${own.hostname}:${otherPort}/`])).length).toBeGreaterThan(0);
    await ownContext.close();
  }, 60_000);
});
