import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../helpers/server";
import { launchBrowser } from "../helpers/browser";

describe("browser runner page (/run)", () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => srv?.stop());

  it("probes WebGPU and measures positive, plausible roofline figures (SwiftShader)", async () => {
    const browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    try {
      const page = await browser.newPage();
      await page.goto(`${srv.url}/run`);
      const probe = page.getByTestId("probe");
      await probe.waitFor();
      const text = await probe.innerText();
      expect(text).toMatch(/WebGPU\s+available/);
      expect(text).toContain("maxStorageBufferBindingSize");
      await page.getByRole("button", { name: /Measure bandwidth/ }).click();
      await page.getByTestId("bench").waitFor({ timeout: 90_000 });
      const gbps = Number((await page.getByTestId("bandwidth").innerText()).split(" ")[0]);
      const gflops = Number((await page.getByTestId("gflops").innerText()).split(" ")[0]);
      // SwiftShader on 2 cores: ~1-3 GB/s copy, ~1-2 GFLOP/s; a real GPU is far above; nothing is above 100 TB/s
      expect(gbps).toBeGreaterThan(0.05);
      expect(gbps).toBeLessThan(100_000);
      expect(gflops).toBeGreaterThan(0.05);
      expect(gflops).toBeLessThan(1_000_000);
      // SwiftShader has no shader-f16: the page says what that means
      await expect(page.getByTestId("f16-note").innerText()).resolves.toContain("shader-f16");
    } finally {
      await browser.close();
    }
  }, 150_000);

  it("says clearly when WebGPU is missing", async () => {
    const browser = await launchBrowser(["--disable-gpu", "--disable-features=WebGPU"]);
    try {
      const page = await browser.newPage();
      await page.goto(`${srv.url}/run`);
      await page.getByTestId("probe").waitFor();
      expect(await page.getByTestId("probe").innerText()).toMatch(/does not offer WebGPU|no GPU adapter/);
      expect(await page.getByRole("button", { name: /Measure bandwidth/ }).count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
