/**
 * The Content-Security-Policy in Chromium on the real server (bin/server.ts): every page, the owner's
 * and a public server's (its page cache's hits and 304s included), at phone and desktop widths,
 * shows 0 violations with its scripts, WebAssembly and workers running; and the policy bites: a
 * script without the response's nonce, inline handlers and eval are refused.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { makeServerRun, makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";

const MODELS = path.resolve("../shared/models");
const WIDTHS = [390, 1280];

/** Fixture runs (device "Fixture", never shown as measured), published; ids of what the pages show. */
async function seed(srv: RunningServer) {
  const cli = (...args: string[]) => execFileSync(process.execPath, ["bin/tokenwatt.mjs", ...args], { env: srv.env, encoding: "utf8" });
  const token = cli("token", "create", "--name", "csp-runner").trim().split("\n").pop()!;
  const runs = [makeSubmission({ workloads: 5, deviceModel: "CSP Laptop" }), makeServerRun({ 1: 0.5, 8: 0.2 }, { deviceClass: "laptop" })];
  for (const s of runs) {
    const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(s) });
    expect(r.status).toBe(201);
  }
  cli("publish", "--all");
  const device = (await (await fetch(`${srv.url}/api/v1/public/leaderboard`)).json()).rows[0];
  return { run: runs[0]!.submissionId, device: device.deviceId as number, model: device.modelId as number };
}

/** Every violation a page reports: the securitypolicyviolation event and Chromium's console line. */
async function watched(context: BrowserContext): Promise<{ page: Page; take: () => Promise<string[]> }> {
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
  });
  const page = await context.newPage();
  const console: string[] = [];
  const listen = (m: { text(): string }) => /Content Security Policy/i.test(m.text()) && console.push(m.text());
  page.on("console", listen);
  page.on("worker", (w) => w.on("console", listen));
  return {
    page,
    take: async () => {
      const events = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []).catch(() => ["(page gone)"]);
      return [...events, ...console.splice(0)];
    },
  };
}

/** Whether React hydrated the document: Next's scripts, nonced, ran. */
const hydrated = (page: Page) => page.waitForFunction(() => Object.keys(document).some((k) => k.startsWith("__reactContainer")), null, { timeout: 20_000 }).then(() => true);

function expectStrictPagePolicy(policy: string | undefined, where: string) {
  expect(policy, where).toMatch(/(^|; )default-src 'self'(;|$)/);
  const scriptSrc = / script-src ([^;]+)/.exec(` ${policy}`)?.[1] ?? "";
  expect(scriptSrc, where).toMatch(/'nonce-[A-Za-z0-9_-]{22}'/);
  expect(scriptSrc, where).not.toContain("'unsafe-inline'");
  expect(policy, where).not.toContain("'unsafe-eval'");
}

describe("CSP on the owner's dashboard", () => {
  let srv: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    srv = await startServer({ TOKENWATT_MODELS_DIR: MODELS });
    browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    ids = await seed(srv);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("shows 0 violations on every page at 390 and 1280 px, with scripts, WebAssembly and workers running", async () => {
    const pages = [
      "/",
      "/leaderboard",
      "/leaderboard?private=1&pp=pp512&tg=tg128",
      "/leaderboard/browser",
      `/compare?devices=${ids.device}`,
      `/devices/${ids.device}`,
      `/runs/${ids.run}`,
      `/models/${ids.model}`,
      "/docs/methodology",
      "/docs/security",
      "/agents",
      "/review",
      "/signin",
      "/my-runs",
      "/search?q=fixture",
      "/no-such-page",
      `/devices/999999`,
    ];
    const found: string[] = [];
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const { page, take } = await watched(context);
      await page.goto(srv.loginUrl);
      for (const p of pages) {
        const r = await page.goto(`${srv.url}${p}`);
        expectStrictPagePolicy(r!.headers()["content-security-policy"], p);
        expect(await hydrated(page), p).toBe(true);
        await page.waitForLoadState("networkidle");
        for (const v of await take()) found.push(`${width}px ${p}: ${v}`);
      }
      // /tco through the nav (a document load: its own policy lets its worker run).
      await page.goto(`${srv.url}/leaderboard`);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Offload what-if" }).click();
      await page.waitForURL(/\/tco$/);
      await expect.poll(() => page.getByTestId("mc-status").innerText(), { timeout: 30_000 }).toMatch(/Up to date; computed in a Web Worker/);
      for (const v of await take()) found.push(`${width}px /tco: ${v}`);
      // /run: wllama compiles WebAssembly and runs in blob: workers (threads: the page is cross-origin isolated).
      await page.goto(`${srv.url}/run?auto=1&reps=1&threads=2&workloads=pp16,tg8`);
      await page.getByTestId("suite-results").waitFor({ timeout: 120_000 });
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
      expect(await page.locator("[data-testid=suite-results] tbody tr").allInnerTexts()).toEqual([expect.stringMatching(/^pp16\tok/), expect.stringMatching(/^tg8\tok/)]);
      for (const v of await take()) found.push(`${width}px /run (wllama): ${v}`);
      await context.close();
    }
    expect(found).toEqual([]);
  }, 420_000);

  it("web-llm's model library reaches WebAssembly's compiler on /run (refused as not wasm, not by the policy)", async () => {
    const { page, take } = await watched(await browser.newContext());
    await page.goto(srv.loginUrl);
    const fs = await import("node:fs");
    const id = "SmolLM2-135M-Instruct-q0f32-MLC";
    const dir = path.join(srv.dataDir, "webllm", id, "resolve", "main");
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(srv.dataDir, "webllm", "libs"), { recursive: true });
    fs.writeFileSync(path.join(dir, "mlc-chat-config.json"), JSON.stringify({ model_type: "llama", conv_template: { name: "chatml" }, tokenizer_files: ["tokenizer.json"], context_window_size: 2048 }));
    fs.writeFileSync(path.join(dir, "tensor-cache.json"), JSON.stringify({ records: [{ dataPath: "params_shard_0.bin", nbytes: 1024, records: [] }] }));
    fs.writeFileSync(path.join(srv.dataDir, "webllm", "libs", "SmolLM2-135M-Instruct-q0f32_cs1k-webgpu.wasm"), "not wasm");
    await page.goto(`${srv.url}/run?engine=web-llm&auto=1&reps=1&webllmModel=${id}`);
    await page.getByTestId("suite-error").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("suite-error").innerText()).toMatch(/web-llm could not load/);
    expect(await take()).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a phone on /run?pair=CODE, the login page and the gate's own answers: 0 violations", async () => {
    const r = await fetch(`${srv.url}/api/v1/pairing-codes`, { method: "POST", headers: { cookie: srv.ownerCookie, origin: srv.url, "content-type": "application/json" }, body: "{}" });
    expect(r.status).toBe(201);
    const { code } = await r.json();
    for (const width of WIDTHS) {
      const { page, take } = await watched(await browser.newContext({ viewport: { width, height: 900 } }));
      const run = await page.goto(`${srv.url}/run?pair=${code}`);
      expectStrictPagePolicy(run!.headers()["content-security-policy"], "/run?pair");
      expect(await hydrated(page)).toBe(true);
      await page.getByTestId("probe").waitFor();
      const refused = await page.goto(`${srv.url}/agents`); // no owner session here: the gate's 401 page
      expect(refused!.status()).toBe(401);
      expect(refused!.headers()["content-security-policy"]).toMatch(/^default-src 'none'/);
      await page.goto(`${srv.url}/api/health`);
      expect(await take()).toEqual([]);
      await page.context().close();
    }
  }, 120_000);

  it("bites: a script without the response's nonce, inline handlers (in the HTML or added as markup at run time) and eval are refused; the nonced one runs", async () => {
    const { page, take } = await watched(await browser.newContext());
    await page.goto(srv.loginUrl);
    // Markup injected into the HTML as a stored XSS would put it there, the response's headers kept;
    // the nonced script (ours) then tries eval, adds markup with a handler (a DOM injection) and
    // creates a script element.
    await page.route(`${srv.url}/leaderboard`, async (route) => {
      const res = await route.fetch();
      const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"]!)![1];
      const ours = `window.__ours = 1; try { window.__eval = eval("1 + 1"); } catch { window.__eval = "refused"; } document.body.insertAdjacentHTML("beforeend", '<img src="/icon.svg" alt="" onload="window.__h2=1">'); const s = document.createElement("script"); s.textContent = "window.__added = 1"; document.body.append(s);`;
      const injected = `<script>window.__xss=1</script><script nonce="wrong${nonce}">window.__wrong=1</script><img src="/icon.svg" alt="" onload="window.__h=1"><script nonce="${nonce}">${ours}</script>`;
      await route.fulfill({ response: res, body: (await res.text()).replace("</body>", `${injected}</body>`) });
    });
    await page.goto(`${srv.url}/leaderboard`);
    await hydrated(page);
    await page.waitForLoadState("load");
    const ran = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { xss: w.__xss, wrong: w.__wrong, handler: w.__h, domHandler: w.__h2, ours: w.__ours, evalResult: w.__eval, added: w.__added };
    });
    // 'strict-dynamic': a script the nonced one creates is trusted as it is (that is how webpack's
    // chunks load); what the policy refuses is script that markup brings.
    expect(ran).toEqual({ xss: undefined, wrong: undefined, handler: undefined, domHandler: undefined, ours: 1, evalResult: "refused", added: 1 });
    const seen = (await take()).join("\n");
    expect(seen).toMatch(/script-src-elem blocked inline/);
    expect(seen).toMatch(/script-src-attr blocked inline/);
    expect(seen).toMatch(/script-src blocked eval/);
    await page.context().close();
  }, 60_000);

  it("answers the API and static files with policies that let them run nothing", async () => {
    const api = await fetch(`${srv.url}/api/health`);
    expect(api.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    const html = await (await fetch(`${srv.url}/leaderboard`, { headers: { cookie: srv.ownerCookie } })).text();
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${srv.url}${chunk}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
    expect(asset.headers.get("content-security-policy")).not.toContain("nonce");
    // Two renders, two nonces; a client's own CSP request header is not what Next sees.
    const policies = await Promise.all(
      [0, 1].map(async () => (await fetch(`${srv.url}/leaderboard`, { headers: { cookie: srv.ownerCookie, "content-security-policy": "script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA'" } })).headers.get("content-security-policy")),
    );
    expect(policies[0]).not.toBe(policies[1]);
    expect(policies.join()).not.toContain("AAAAAAAAAAAAAAAAAAAAAA");
  });
});

describe("CSP on a public server with its page cache", () => {
  let srv: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    srv = await startServer({ TOKENWATT_PUBLIC: "1" });
    browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    ids = await seed(srv);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("0 violations on every page at 390 and 1280 px, rendered, from the cache (own nonce) and revalidated (304)", async () => {
    const cached = ["/", "/leaderboard", "/leaderboard/browser", `/compare?devices=${ids.device}`, `/devices/${ids.device}`, `/runs/${ids.run}`, `/models/${ids.model}`];
    const found: string[] = [];
    const verdicts = new Set<string>();
    const policies = new Map<string, string>();
    const policyOf = (url: string) => policies.get(url) ?? "";
    for (const width of WIDTHS) {
      const { page, take } = await watched(await browser.newContext({ viewport: { width, height: 900 } }));
      for (const p of [...cached, "/docs/methodology", "/tco", "/run", "/signin", "/review"]) {
        const nonces = new Set<string>();
        let url = "";
        for (let visit = 0; visit < 2; visit++) {
          // A parameter the page does not read: the same cache entry, but a URL the browser has not
          // cached (else it would revalidate: that is the reload below).
          url = `${srv.url}${p}${p.includes("?") ? "&" : "?"}visit=${visit}`;
          const r = await page.goto(url);
          const policy = r!.headers()["content-security-policy"];
          expectStrictPagePolicy(policy, p);
          policies.set(url, policy!);
          nonces.add(/'nonce-([^']+)'/.exec(policy!)![1]!);
          if (cached.includes(p)) verdicts.add(`${visit}:${r!.headers()["x-tokenwatt-cache"]}`);
          expect(await hydrated(page), p).toBe(true);
          for (const v of await take()) found.push(`${width}px ${p} (visit ${visit}, ${r!.headers()["x-tokenwatt-cache"] ?? "not cached"}): ${v}`);
        }
        expect(nonces.size, `${p}: a nonce per response`).toBe(2);
        if (!cached.includes(p)) continue;
        // A reload revalidates (If-None-Match): the server answers 304 without a policy, and the
        // browser keeps the body it has with that body's own.
        const kept = /'nonce-([^']+)'/.exec(policyOf(url))?.[1];
        const reloaded = await page.reload();
        expect(reloaded!.headers()["x-tokenwatt-cache"], `${p} reload`).toBe("revalidated");
        expect(reloaded!.headers()["content-security-policy"]).toContain(`'nonce-${kept}'`);
        expect(await hydrated(page), `${p} after a 304`).toBe(true);
        for (const v of await take()) found.push(`${width}px ${p} (reload, 304): ${v}`);
      }
      await page.context().close();
    }
    expect(found).toEqual([]);
    // The first visit at 390 px renders (miss), every other is served from memory.
    expect(verdicts).toEqual(new Set(["0:miss", "1:hit", "0:hit"]));
  }, 300_000);
});
