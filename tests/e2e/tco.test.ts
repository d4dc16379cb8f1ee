import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startServer, type RunningServer } from "../../harness/server";
import { launchBrowser } from "../../harness/browser";
import { makeServerRun } from "../../harness/fixtures";
import { execFileSync } from "node:child_process";

describe("TCO what-if page", () => {
  let srv: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("reproduces the Tirias preset, and a slider changes numbers, charts and the URL", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(srv.loginUrl); // the owner's dashboard
    await page.goto(`${srv.url}/tco?preset=tirias2028`);
    await expect(page.getByTestId("cost").innerText()).resolves.toContain("$15.2B");
    await expect(page.getByTestId("power").innerText()).resolves.toMatch(/^800 MW/);
    const bars = page.locator(".bars-bar");
    await page.waitForFunction(() => document.querySelectorAll(".bars-bar").length > 0);
    const chart = page.locator("figure.bars[aria-label^=\"Data-center cost avoided\"]");
    const pathsBefore = await chart.innerHTML();
    await page.getByTestId("mc").waitFor();
    const mcBefore = await page.getByTestId("mc").innerText();
    // the Monte Carlo keeps the preset's identity: DC cost is the headline at P10, P50 and P90
    expect(mcBefore).toMatch(/DC cost avoided P10 \$15\.2B, P50 \$15\.2B, P90 \$15\.2B/);
    await expect(page.getByTestId("mc-status").innerText()).resolves.toMatch(/Web Worker/);

    const slider = page.locator("#in-offloadShare");
    await slider.focus();
    for (let k = 0; k < 10; k++) await page.keyboard.press("ArrowRight"); // +0.10
    // the results follow the field in a deferred render: wait for the last step
    await page.waitForFunction(() => document.querySelector("[data-testid=power]")?.textContent?.startsWith("1,200 MW"));
    await expect(page.getByTestId("cost").innerText()).resolves.toContain("$22.8B");
    await page.waitForFunction((before) => document.querySelector("[data-testid=mc]")!.textContent !== before, mcBefore);
    expect(await chart.innerHTML()).not.toBe(pathsBefore);
    expect(await bars.count()).toBeGreaterThan(3);
    await page.waitForURL(/offloadShare=0\.3/); // the URL follows once the inputs rest
    // The page's own parameters (which measured reference it shows) stay in the address as inputs change.
    await page.goto(`${srv.url}/tco?deviceClass=laptop`);
    await page.locator("#in-offloadShare").focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForURL((u) => u.searchParams.get("deviceClass") === "laptop" && u.searchParams.has("offloadShare"));
    await page.close();
  });

  it("shows who pays, the per-device readouts and the break-evens; the horizon changes the NPV; a blank field is refused", async () => {
    const page = await srv!.ownerPage(browser);
    await page.goto(`${srv.url}/tco?preset=tirias2028`);
    const whoPays = await page.getByTestId("who-pays").innerText();
    expect(whoPays).toMatch(/Data-center operator\s+\$15\.2B/);
    expect(whoPays).toMatch(/Users \(devices\)\s+−\$/);
    expect(whoPays).toContain("Society (net)");
    // the fleet's sourced 2.0 J IT x PUE 1.2: 9,600 tokens, 12.9% of a battery and 27 minutes a day: feasible
    const feas = await page.getByTestId("feasibility").innerText();
    expect(feas).toMatch(/feasible[\s\S]*9,600[\s\S]*12\.9%[\s\S]*27 minutes/);
    const be = await page.getByTestId("break-evens").innerText();
    // Tirias: the replaced model is the fleet average, 2.0 J x PUE 1.2 = 2.4 J/token at the wall; x 0.85 charging = 2.04 battery side
    expect(be).toMatch(/battery side: 2\.04 J\/token/);
    expect(be).toMatch(/wall side \(charger included\): 2\.4 J\/token/);
    const npv5 = await page.getByTestId("npv-net").innerText();
    expect(await page.getByTestId("npv").innerText()).toMatch(/^Over 5 years from 2028/);
    await page.fill("#in-horizonYears", "3");
    await page.waitForFunction(() => document.querySelector("[data-testid=npv]")!.textContent!.startsWith("Over 3 years"));
    expect(await page.getByTestId("npv-net").innerText()).not.toBe(npv5);
    await page.waitForURL(/horizonYears=3/);
    // 10 years of 50% a year demand growth on 3 billion devices outgrow them: the totals are withheld, with the year that fails
    await page.fill("#in-horizonYears", "10");
    await page.waitForFunction(() => document.querySelector("[data-testid=npv]")!.textContent!.startsWith("Totals and NPV over 10 years are withheld: in 20"));
    // regions set the users' grid and price from sourced figures
    await page.selectOption("#region-users", "eu27");
    await expect(page.inputValue("#in-deviceGridGPerKwh")).resolves.toBe("244");
    await expect(page.inputValue("#in-residentialUsdPerKwh")).resolves.toBe("0.31");
    await page.fill("#in-deviceJPerToken", "");
    await expect(page.locator(".field-error", { hasText: "blank" }).first().isVisible()).resolves.toBe(true);
    expect(await page.locator("main").innerText()).not.toMatch(/NaN|Infinity/);
    await page.screenshot({ path: "test-results/tco-v2.png", fullPage: true });
    await page.close();
  });

  it("uses a measured J/token-vs-batch curve from published server-suite runs, labelled measured here with its runs", async () => {
    const admin = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "tco-admin", "--role", "admin"], { env: srv.env, encoding: "utf8" }).trim().split("\n").at(-1)!;
    const run = makeServerRun({ 1: 8, 8: 1.1, 64: 0.25 });
    const up = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(run) });
    expect(up.status).toBe(201);
    const pub = await fetch(`${srv.url}/api/v1/admin/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ submissionIds: [run.submissionId], published: true }),
    });
    expect(pub.status).toBe(200);
    const page = await srv!.ownerPage(browser);
    await page.goto(`${srv.url}/tco`);
    // the measured curve is offered first, with its runs
    const option = page.locator("#dc-model option", { hasText: "measured here" });
    await expect(option.innerText()).resolves.toMatch(/Llama-3\.2-1B Q4_0 on Fixture Fixture H200 node \(cuda, gpu scope\): measured here/);
    await expect(page.locator("fieldset.helper").innerText()).resolves.toContain(run.submissionId.slice(0, 8));
    await page.fill("#dc-batch", "64");
    await page.fill("#dc-overhead", "1");
    await page.getByRole("button", { name: /Use 0\.25 J\/token/ }).click();
    const row = page.locator("table.assumptions tr", { hasText: "IT energy per token of the cloud model" });
    // textContent: an off-screen section is not laid out (content-visibility: auto), so its innerText is empty
    await expect(row.textContent()).resolves.toMatch(/measured here[\s\S]*Measured by Tokenwatt runners: 3 published server-suite result/);
    // the curve x overhead 1 x PUE 1.2 against 0.93 / 0.85 = 1.094 J at the wall: at 8, 1.32; at 16, ~0.91 (log-log)
    await expect(page.getByTestId("dc-beats-device").innerText()).resolves.toMatch(/from batch 16 on/);
    await page.locator("fieldset.helper").screenshot({ path: "test-results/tco-batch-curve.png" });
    // the run's page shows the sweep: a row per batch and the log-log chart
    await page.goto(`${srv.url}/runs/${run.submissionId}`);
    const sweep = page.getByTestId("batch-sweep");
    const text = await sweep.innerText();
    expect(text).toMatch(/Batch sweep: tg128 with B parallel sequences/);
    expect(text).toMatch(/\n1\tok\t[\d.,]+ \(IQR [\d.,]+–[\d.,]+, n 3\)\t[\d.,]+\t/);
    // 30 t/s per sequence x 64: the median over repetitions, with its spread and count
    expect(text).toMatch(/\n64\tok\t1,901\.0 \(IQR [\d.,]+–[\d.,]+, n 3\)\t29\.7\t—\t0\.250 J \(gpu, counter\)/);
    // recharts draws after hydration: wait for the first line instead of counting at once
    await sweep.locator(".recharts-line").first().waitFor({ timeout: 30_000 });
    await expect(sweep.locator(".recharts-line").count()).resolves.toBe(2);
    await sweep.screenshot({ path: "test-results/run-batch-sweep.png" });
    await page.close();
  });

  it("marks an infeasible scenario and withholds its net, who-pays and NPV until the inputs change", async () => {
    const page = await srv!.ownerPage(browser);
    // the v2 Tirias preset: the fleet at the small model's 0.27 J IT: 71,111 tokens and 95% of a battery a day
    await page.goto(`${srv.url}/tco?preset=tirias2028&fleetItJPerToken=0.27`);
    await expect(page.getByTestId("cost").innerText()).resolves.toContain("$15.2B");
    expect(await page.getByTestId("verdict").innerText()).toMatch(/^Not feasible as entered[\s\S]*71,111 tokens, 95% of a battery/);
    expect(await page.getByTestId("net-usd").innerText()).toBe("withheld: infeasible");
    await expect(page.getByTestId("who-pays-withheld").isVisible()).resolves.toBe(true);
    expect(await page.getByTestId("who-pays").count()).toBe(0);
    // back to the sourced fleet figure: the headline returns
    await page.fill("#in-fleetItJPerToken", "2");
    await page.waitForFunction(() => !document.querySelector("[data-testid=verdict]")!.textContent!.startsWith("Not feasible"));
    await expect(page.getByTestId("who-pays").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("npv-net").isVisible()).resolves.toBe(true);
    await page.close();
  });

  it("exports a CSV with every input and the chosen horizon", async () => {
    const page = await srv!.ownerPage(browser);
    await page.goto(`${srv.url}/tco?preset=tirias2028&horizonYears=3`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const text = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString("utf8"));
    expect(text).toMatch(/horizon,2028-2030 \(3 years\)/);
    expect(text).toMatch(/\r\nfleetItJPerToken,2,J\/token,derived,/);
    expect(text).toMatch(/\r\nbatteryCycleLife,1000,cycles,reported,/);
    const years = text.split("\r\n").filter((l) => /^20\d\d,/.test(l));
    expect(years.map((l) => l.slice(0, 4))).toEqual(["2028", "2029", "2030"]);
    await page.close();
  });

  it("bad input gets a message on the field and never a NaN on screen", async () => {
    const page = await srv!.ownerPage(browser);
    await page.goto(`${srv.url}/tco?offloadShare=1.5&pue=abc&year=2020`);
    const text = await page.locator("main").innerText();
    expect(text).toContain("must be between 0 and 1");
    expect(text).toMatch(/Power usage effectiveness.*enter a number/s);
    expect(text).not.toMatch(/NaN|Infinity/);
    await page.fill("#in-dcPowerMw", "-5");
    await expect(page.locator(".field-error").first().isVisible()).resolves.toBe(true);
    expect(await page.locator("main").innerText()).not.toMatch(/NaN/);
    await page.close();
  });

  it("saves a scenario that loads from its shareable URL, and refuses invalid ones", async () => {
    const bad = await fetch(`${srv.url}/api/v1/scenarios`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x", inputs: { offloadShare: 2 } }) });
    expect(bad.status).toBe(400);
    const page = await srv!.ownerPage(browser);
    await page.goto(`${srv.url}/tco?preset=tirias2028&offloadShare=0.25`);
    page.once("dialog", (d) => d.accept("Board deck 2028"));
    await page.getByRole("button", { name: "Save scenario" }).click();
    const link = page.locator(".notice a");
    await link.waitFor();
    const url = await link.getAttribute("href");
    expect(url).toMatch(/\/tco\/shared\/[0-9a-f-]{36}\?sig=[\w-]{20,}$/);
    // anyone with the link: a fresh browser context without the owner's session
    const ctx = await browser.newContext();
    const page2 = await ctx.newPage();
    const resp = await page2.goto(url!);
    expect(resp!.status()).toBe(200);
    await expect(page2.locator("main").innerText()).resolves.toContain("Scenario: Board deck 2028");
    await expect(page2.getByTestId("power").innerText()).resolves.toMatch(/^1,000 MW/);
    await expect(page2.getByRole("button", { name: "Save scenario" }).count()).resolves.toBe(0);
    // a forged signature is refused
    const forged = await page2.goto(url!.replace(/sig=.*/, "sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    expect([401, 404]).toContain(forged!.status()); // the owner gate refuses it (401) before the page would (404)
    // the owner's own link still opens it with the inputs editable
    const page3 = await srv!.ownerPage(browser);
    await page3.goto(`${srv.url}/tco?scenario=${url!.match(/shared\/([0-9a-f-]{36})/)![1]}`);
    await expect(page3.getByTestId("power").innerText()).resolves.toMatch(/^1,000 MW/);
    await page.close();
    await ctx.close();
    await page3.close();
  });
});

describe("TCO: DC energy from batch size", () => {
  it("derives J/token from the cloud model and batch, and can make net energy negative", async () => {
    const srv = await startServer();
    const browser = await launchBrowser();
    try {
      const page = await srv!.ownerPage(browser);
      await page.goto(`${srv.url}/tco`);
      await page.selectOption("#dc-model", "llama-3.2-1b");
      await page.fill("#dc-batch", "256");
      await page.fill("#dc-overhead", "1.4");
      await page.getByRole("button", { name: /Use 0\.049 J\/token/ }).click();
      await expect(page.inputValue("#in-dcItJPerToken")).resolves.toBe("0.049");
      // a small, well-batched cloud model: moving its work to phones raises total energy
      await expect(page.getByTestId("net-energy").getAttribute("class")).resolves.toContain("negative");
      // the assumptions table says where the value came from: the H200 reference run, at batch 256
      const row = page.locator("table.assumptions tr", { hasText: "IT energy per token of the cloud model" });
      await expect(row.textContent()).resolves.toMatch(/reported[\s\S]*Measured by Tokenwatt on one H200[\s\S]*at batch 256/);
      // beside it, the batch from which the data center beats the device: 7.04 -> 0.035 J/token (log-log) x 1.4 x PUE 1.2 against 0.93 / 0.85 at the wall
      await expect(page.getByTestId("dc-beats-device").innerText()).resolves.toMatch(/from batch \d+ on/);
      // typed by hand, it is the user's own again
      await page.fill("#in-dcItJPerToken", "0.3");
      await page.waitForFunction(() => [...document.querySelectorAll("table.assumptions tr")].some((r) => r.textContent!.includes("IT energy per token of the cloud model") && r.textContent!.includes("ML.ENERGY")));
      await expect(row.textContent()).resolves.toMatch(/reported[\s\S]*ML\.ENERGY/);
      await page.fill("#dc-batch", "0");
      await expect(page.locator("fieldset.helper .field-error").isVisible()).resolves.toBe(true);
    } finally {
      await browser.close();
      await srv.stop();
    }
  });
});
