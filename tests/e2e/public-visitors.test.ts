/**
 * A public server as its visitors meet it (issue 31 item 5), in Chromium, with fixture data (device
 * "Fixture ..."): no admin forms for an anonymous visitor (the owner's dashboard keeps them, and they
 * work); a title, a description, OpenGraph and Twitter tags per page; preview images for published
 * device, model and run pages and 404 for private ones; the badge and its snippet; /run without a
 * pairing code says how to get one; a run's downloads read back through the llama-bench importer.
 * Screenshots at 390 and 1280 px go to $TOKENWATT_SHOTS_DIR when it is set.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeSubmission } from "../../harness/fixtures";
import { startServer, type RunningServer } from "../../harness/server";
import { axeViolations, launchBrowser } from "../../harness/browser";
import { readLlamaBench } from "../../runners/import/llama-bench";

const SHOTS = process.env.TOKENWATT_SHOTS_DIR;
const shot = async (page: Page, name: string) => {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};

const meta = (page: Page, key: string) => page.locator(`meta[property="${key}"], meta[name="${key}"]`).first().getAttribute("content");

describe("a public server speaks to visitors", () => {
  let pub: RunningServer;
  let own: RunningServer;
  let browser: Browser;
  const ids = { device: 0, privateDevice: 0, run: "", privateRun: "", model: 0, ownDevice: 0, ownRun: "" };

  beforeAll(async () => {
    [pub, own] = await Promise.all([startServer({ TOKENWATT_PUBLIC: "1" }), startServer()]);
    browser = await launchBrowser();
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "visitors-admin", "--role", "admin"], { env: pub.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const auth = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const published = makeSubmission({ workloads: 5, deviceModel: "Visitor Laptop" });
    const hidden = makeSubmission({ workloads: 2, deviceModel: "Secret Prototype" });
    for (const s of [published, hidden]) expect((await fetch(`${pub.url}/api/v1/submissions`, { method: "POST", headers: auth, body: JSON.stringify(s) })).status).toBe(201);
    expect((await fetch(`${pub.url}/api/v1/admin/publish`, { method: "POST", headers: auth, body: JSON.stringify({ submissionIds: [published.submissionId], published: true }) })).status).toBe(200);
    const rows = (await (await fetch(`${pub.url}/api/v1/results?limit=100`, { headers: auth })).json()).results as { submissionId: string; deviceId: number }[];
    ids.run = published.submissionId;
    ids.privateRun = hidden.submissionId;
    ids.device = rows.find((r) => r.submissionId === ids.run)!.deviceId;
    ids.privateDevice = rows.find((r) => r.submissionId === ids.privateRun)!.deviceId;
    ids.model = (await (await fetch(`${pub.url}/api/v1/public/leaderboard`)).json()).rows[0].modelId;
    // The owner's dashboard: one private run of their own.
    const runner = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "visitors-own"], { env: own.env, encoding: "utf8" }).trim().split("\n").pop()!;
    const mine = makeSubmission({ workloads: 2, deviceModel: "Owner Desktop" });
    expect((await fetch(`${own.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${runner}`, "content-type": "application/json" }, body: JSON.stringify(mine) })).status).toBe(201);
    ids.ownRun = mine.submissionId;
    ids.ownDevice = (await (await fetch(`${own.url}/api/v1/results?limit=10`, { headers: { authorization: `Bearer ${runner}` } })).json()).results[0]?.deviceId ?? 1;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([pub?.stop(), own?.stop()]);
  });

  it("shows an anonymous visitor no admin forms, and the owner their forms, which work", async () => {
    const page = await browser.newPage();
    for (const p of [`/devices/${ids.device}`, `/runs/${ids.run}`]) {
      await page.goto(`${pub.url}${p}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      for (const name of [/Publish or hide/, /Rename this device/]) expect(await page.getByRole("form", { name }).count(), p).toBe(0);
      expect(await page.getByLabel("Admin token").count()).toBe(0);
      expect(await page.getByRole("button", { name: /^(Publish|Hide|Rename)/ }).count()).toBe(0);
    }
    // Said of a contributor's device, "this machine" would mean the visitor's.
    await page.goto(pub.url);
    expect(await page.locator("main").innerText()).not.toMatch(/this machine/i);
    await page.close();

    const owner = await own.ownerPage(browser);
    await owner.goto(`${own.url}/devices/${ids.ownDevice}`);
    expect(await owner.getByRole("form", { name: "Rename this device" }).count()).toBe(1);
    const form = owner.getByRole("form", { name: "Publish or hide this device's runs" });
    await form.getByRole("button", { name: "Publish this device's runs" }).click();
    await expect(owner.getByTestId("publish-message").innerText()).resolves.toMatch(/Published: 1 run\(s\) of this device/);
    await owner.goto(`${own.url}/runs/${ids.ownRun}`);
    expect(await owner.getByRole("form", { name: "Publish or hide this run" }).count()).toBe(1);
    await owner.close();
  }, 120_000);

  it("titles every page and gives it a description, OpenGraph and Twitter tags; preview images where there are figures", async () => {
    const page = await browser.newPage();
    const pages: [string, RegExp, boolean][] = [
      ["/", /^Tokenwatt: /, false],
      ["/leaderboard", /^Leaderboard · Tokenwatt$/, false],
      ["/leaderboard/browser", /^Browser leaderboard · Tokenwatt$/, false],
      ["/compare", /^Compare hardware · Tokenwatt$/, false],
      ["/tco", /^Offload what-if · Tokenwatt$/, false],
      ["/run", /^Benchmark this browser · Tokenwatt$/, false],
      ["/docs/methodology", /^Methodology · Tokenwatt$/, false],
      [`/devices/${ids.device}`, /^Fixture Visitor Laptop · Tokenwatt$/, true],
      [`/models/${ids.model}`, /^Llama-3\.2-1B Q4_0 · Tokenwatt$/, true],
      [`/runs/${ids.run}`, /^Llama-3\.2-1B Q4_0 on Fixture Visitor Laptop · Tokenwatt$/, true],
    ];
    for (const [p, title, image] of pages) {
      await page.goto(`${pub.url}${p}`);
      expect(await page.title(), p).toMatch(title);
      expect(await meta(page, "og:title"), p).toBe(await page.title());
      expect((await meta(page, "og:description"))?.length, p).toBeGreaterThan(20);
      expect(await meta(page, "description"), p).toBe(await meta(page, "og:description"));
      expect(await meta(page, "twitter:card"), p).toBe(image ? "summary_large_image" : "summary");
      expect(await meta(page, "og:site_name")).toBe("Tokenwatt");
      if (!image) continue;
      // Absolute (metadataBase is the request's origin), and the image answers a PNG of the announced size.
      const og = (await meta(page, "og:image"))!;
      expect(og.startsWith(`${pub.url}${p}/opengraph-image`), og).toBe(true);
      expect(await meta(page, "og:url")).toBe(`${pub.url}${p}`);
      const img = await fetch(og);
      expect(img.status).toBe(200);
      expect(img.headers.get("content-type")).toBe("image/png");
      const png = Buffer.from(await img.arrayBuffer());
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
      expect((await fetch((await meta(page, "twitter:image"))!)).headers.get("content-type")).toBe("image/png");
    }
    // The device's description carries its headline figures, with what they measured.
    await page.goto(`${pub.url}/devices/${ids.device}`);
    expect(await meta(page, "og:description")).toMatch(/tg128 29\.7 t\/s \(Llama-3\.2-1B Q4_0, synthetic weights\)/);
    await page.close();
  }, 120_000);

  it("keeps a private device's and run's page, title and preview image from the public", async () => {
    for (const p of [`/devices/${ids.privateDevice}`, `/runs/${ids.privateRun}`]) {
      const html = await fetch(`${pub.url}${p}`);
      expect(html.status, p).toBe(404);
      expect(await html.text()).not.toContain("Secret Prototype");
      expect((await fetch(`${pub.url}${p}/opengraph-image`)).status, p).toBe(404);
      expect((await fetch(`${pub.url}${p}/twitter-image`)).status, p).toBe(404);
    }
    expect((await fetch(`${pub.url}/devices/abc/opengraph-image`)).status).toBe(404);
  });

  it("badges a published device, with a snippet to copy; 404 for a private one, 400 for a bad id; listed in the API reference", async () => {
    const badge = await fetch(`${pub.url}/api/v1/public/badge/device/${ids.device}.svg`);
    expect(badge.status).toBe(200);
    expect(badge.headers.get("content-type")).toContain("image/svg+xml");
    expect(badge.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await badge.text()).toContain("tokenwatt tg128: 29.7 t/s · Llama-3.2-1B Q4_0 (synthetic)");
    expect((await fetch(`${pub.url}/api/v1/public/badge/device/${ids.privateDevice}`)).status).toBe(404);
    expect((await fetch(`${pub.url}/api/v1/public/badge/device/x1`)).status).toBe(400);
    const doc = await (await fetch(`${pub.url}/api/v1/openapi.json`)).json();
    for (const p of ["/api/v1/public/badge/device/{id}", "/api/v1/runs/{id}/llama-bench.json", "/api/v1/runs/{id}/llama-bench.csv", "/api/v1/runs/{id}/submission.json"]) expect(doc.paths[p]?.get?.summary, p).toBeTruthy();

    const page = await browser.newPage();
    await page.goto(`${pub.url}/devices/${ids.device}`);
    const snippet = page.getByTestId("badge-snippet");
    const md = await snippet.getByLabel("Markdown").inputValue();
    expect(md).toBe(`[![Tokenwatt tg128 of Fixture Visitor Laptop](${pub.url}/api/v1/public/badge/device/${ids.device}.svg)](${pub.url}/devices/${ids.device})`);
    expect(await snippet.getByLabel("HTML").inputValue()).toContain(`<img src="${pub.url}/api/v1/public/badge/device/${ids.device}.svg"`);
    // The badge image on the page loads (same origin, an image: allowed by any CSP with img-src 'self').
    await expect(snippet.locator("img").evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).resolves.toBe(true);
    await page.close();
  }, 60_000);

  it("tells crawlers what a public server shows (robots.txt, sitemap.xml), and an owner's server to stay out", async () => {
    const robots = await fetch(`${pub.url}/robots.txt`);
    expect(robots.status).toBe(200);
    const rules = await robots.text();
    expect(rules).toMatch(/^Allow: \/$/m);
    for (const p of ["/api/", "/signin", "/review"]) expect(rules).toContain(`Disallow: ${p}`);
    expect(rules).toContain(`Sitemap: ${pub.url}/sitemap.xml`);
    const map = await (await fetch(`${pub.url}/sitemap.xml`)).text();
    for (const p of ["/leaderboard", `/devices/${ids.device}`, `/models/${ids.model}`]) expect(map).toContain(`<loc>${pub.url}${p}</loc>`);
    expect(map).not.toContain(`/devices/${ids.privateDevice}<`);
    const ownRules = await fetch(`${own.url}/robots.txt`);
    expect(ownRules.status).toBe(200);
    expect(await ownRules.text()).toMatch(/^Disallow: \/$/m);
  }, 60_000);

  it("links a run's downloads: llama-bench JSON and CSV that the importer reads, and the submission", async () => {
    const page = await browser.newPage();
    await page.goto(`${pub.url}/runs/${ids.run}`);
    const links = page.getByTestId("run-downloads");
    const href = async (name: string, nth = 0) => new URL((await links.getByRole("link", { name }).nth(nth).getAttribute("href"))!, pub.url).href;
    const json = await fetch(await href("JSON", 1));
    expect(json.headers.get("content-disposition")).toContain("llama-bench.json");
    const j = readLlamaBench(await json.text());
    expect(j.format).toBe("json");
    expect(j.rows.map((r) => `${r.n_prompt}/${r.n_gen}/${r.n_depth}`)).toEqual(["512/0/0", "0/128/0", "512/128/0", "0/128/4096"]);
    const csv = await fetch(await href("CSV", 1));
    expect(readLlamaBench(await csv.text()).format).toBe("csv");
    const sub = await (await fetch(await href("submission"))).json();
    expect(sub.submissionId).toBe(ids.run);
    await page.close();
  }, 60_000);

  it("explains on /run how to get a pairing code, and takes one typed by hand", async () => {
    const page = await browser.newPage();
    await page.goto(`${pub.url}/run`);
    const help = page.getByTestId("pairing-help");
    expect(await help.innerText()).toMatch(/admin[\s\S]*POST \/api\/v1\/pairing-codes[\s\S]*npx tokenwatt bench-browser --server/);
    // Not the runner that would fail to list models without a code.
    expect(await page.getByText("cannot list this server's models").count()).toBe(0);
    await help.getByRole("textbox", { name: "Pairing code" }).fill("abcd efgh");
    await help.getByRole("button", { name: "Start" }).click();
    await page.waitForURL(/\/run\?pair=ABCD-EFGH$/);
    expect(await page.getByTestId("pairing-help").count()).toBe(0);
    await page.goto(`${pub.url}/run?pair=nope`);
    expect(await page.getByTestId("pairing-help").getByRole("alert").innerText()).toContain('"nope" is not a pairing code');
    await page.close();
  }, 60_000);

  it("passes axe on the visitor's pages, and looks right at phone and desktop widths", async () => {
    const found: string[] = [];
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      for (const [p, name] of [[`/devices/${ids.device}`, "device-anonymous"], ["/run", "run-without-code"], [`/runs/${ids.run}`, null]] as const) {
        await page.goto(`${pub.url}${p}`);
        await page.waitForLoadState("networkidle");
        for (const v of await axeViolations(page)) found.push(`${width}px ${p}: ${v.id} (${v.impact}) ${v.help}`);
        if (name) await shot(page, `public-${name}-${width}`);
      }
      await page.close();
      const owner = await own.ownerPage(browser);
      await owner.setViewportSize({ width, height: 900 });
      await owner.goto(`${own.url}/devices/${ids.ownDevice}`);
      await owner.waitForLoadState("networkidle");
      await shot(owner, `public-device-owner-${width}`);
      await owner.close();
    }
    if (SHOTS) fs.writeFileSync(path.join(SHOTS, "public-og-device.png"), Buffer.from(await (await fetch(`${pub.url}/devices/${ids.device}/opengraph-image`)).arrayBuffer()));
    expect(found).toEqual([]);
  }, 120_000);
});
