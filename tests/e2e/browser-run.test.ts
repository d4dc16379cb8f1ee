import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../harness/server";
import { CHROMIUM_PATH, launchBrowser } from "../../harness/browser";

const run = promisify(execFile);
const MODELS = path.resolve("../shared/models");

describe("browser runner page (/run)", () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer({ TOKENWATT_MODELS_DIR: MODELS });
  });
  afterAll(async () => srv?.stop());

  it("probes WebGPU and measures positive, plausible roofline figures (SwiftShader)", async () => {
    const browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    try {
      const page = await srv!.ownerPage(browser);
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
      const page = await srv!.ownerPage(browser);
      await page.goto(`${srv.url}/run`);
      await page.getByTestId("probe").waitFor();
      expect(await page.getByTestId("probe").innerText()).toMatch(/does not offer WebGPU|no GPU adapter/);
      expect(await page.getByRole("button", { name: /Measure bandwidth/ }).count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it("runs the suite with wllama on stories260K, uploads with a pairing code from the QR panel, once", async () => {
    const browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    try {
      const page = await srv!.ownerPage(browser);
      await page.goto(`${srv.url}/run?auto=1&reps=2&threads=2&workloads=pp64,tg16,ttft`);
      await page.getByTestId("suite-results").waitFor({ timeout: 90_000 });
      const rows = await page.locator("[data-testid=suite-results] tbody tr").allInnerTexts();
      expect(rows.map((r) => r.split("\t")[0])).toEqual(["pp64", "tg16", "ttft"]);
      for (const r of rows) {
        const [id, status, tps, reps] = r.split("\t");
        expect(status).toBe("ok");
        // the median over repetitions with its interquartile range; ttft is a latency in ms at its prompt length, never tokens/s
        if (id === "ttft") expect(tps).toMatch(/^[\d.,]+ ms @ \d+ tokens \(IQR [\d.,]+–[\d.,]+\)$/);
        else {
          expect(tps).toMatch(/^[\d.,]+ \(IQR [\d.,]+–[\d.,]+\)$/);
          expect(Number(tps!.split(" ")[0]!.replaceAll(",", ""))).toBeGreaterThan(0);
        }
        expect(reps).toBe("2");
      }
      const st = (await page.evaluate("window.__tokenwatt")) as { submission: { engine: { name: string }; device: { backend: string }; options: { threads: number } } };
      expect(st.submission).toMatchObject({ engine: { name: "wllama" }, device: { backend: "wasm" }, options: { threads: 2 } });

      await page.getByRole("button", { name: "Show a pairing code" }).click();
      const code = (await page.getByTestId("pair-code").innerText()).trim();
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(await page.locator("[data-testid=pairing] svg").count()).toBe(1);
      await page.getByLabel("Pairing code").fill(code);
      await page.getByRole("button", { name: "Upload these results" }).click();
      await page.getByTestId("upload-ok").waitFor();

      // The same code a second time: refused, nothing stored.
      const again = (await page.evaluate(
        `fetch("/api/v1/submissions", { method: "POST", headers: { "content-type": "application/json", authorization: "Pairing ${code}" }, body: JSON.stringify({ ...window.__tokenwatt?.submission, submissionId: crypto.randomUUID() }) }).then(async (r) => [r.status, (await r.json()).error?.code])`,
      )) as [number, string];
      expect(again).toEqual([401, "pairing_used"]);

      await page.getByRole("link", { name: "view the run" }).click();
      await page.waitForURL(/\/runs\//);
      const runText = await page.locator("main").innerText();
      expect(runText).toContain("wllama");
      expect(runText).toContain("stories260K");
    } finally {
      await browser.close();
    }
  }, 150_000);

  it("bench-browser measures through the page and lands beside the native run on the same device", async () => {
    const env = { ...process.env, TOKENWATT_DATA_DIR: srv.dataDir, DATABASE_URL: "", CHROMIUM_PATH };
    const common = ["-w", "pp64,tg16", "-r", "2", "-t", "2"];
    await run(process.execPath, ["bin/tokenwatt.mjs", "bench", "-m", path.join(MODELS, "stories260K.gguf"), ...common, "--no-power", "--no-bandwidth", "--no-progress"], { env });
    const b = await run(process.execPath, ["bin/tokenwatt.mjs", "bench-browser", "--url", srv.url, "-m", "stories260K.gguf", ...common, "--browser", CHROMIUM_PATH], { env });
    expect(b.stdout).toMatch(/\| stories260K \| F32 .* \| wasm \| 2 \| pp64 \|/);
    expect(b.stderr).toMatch(/stored [0-9a-f-]{36} in the server at http:\/\/127\.0\.0\.1:\d+ \(created\)/);

    const home = await (await fetch(`${srv.url}/`, { headers: { cookie: srv.ownerCookie } })).text();
    const ids = [...new Set([...home.matchAll(/href="\/devices\/(\d+)"/g)].map((m) => m[1]))];
    const pages = await Promise.all(ids.map(async (id) => (await fetch(`${srv.url}/devices/${id}`, { headers: { cookie: srv.ownerCookie } })).text()));
    const page = pages.find((p) => p.includes('data-testid="native-vs-browser"'));
    expect(page, "a device page with native and browser results").toBeDefined();
    expect(page).toContain("node-llama-cpp cpu");
    expect(page).toContain("wllama wasm");
    const ratios = [...page!.matchAll(/<td class="num">(\d+\.\d\d)<\/td><\/tr>/g)].map((m) => Number(m[1]));
    expect(ratios).toHaveLength(2);
    for (const r of ratios) expect(r).toBeGreaterThan(0);
  }, 180_000);

  it("llama.cpp's WebGPU engine on SwiftShader: the fallback is detected and stored as wasm with its reason; fingerprints match native", async () => {
    // A synthetic file in the dashboard's data dir (served to browsers), measured natively first: the reference.
    const { resolveModel } = await import("../../runners/models/resolve");
    const model = await resolveModel("synthetic:smollm2-135m:Q8_0", srv.dataDir);
    const env = { ...process.env, TOKENWATT_DATA_DIR: srv.dataDir, DATABASE_URL: "", CHROMIUM_PATH };
    const common = ["-w", "pp16,tg8", "-r", "1", "-t", "2"];
    const n = await run(process.execPath, ["bin/tokenwatt.mjs", "bench", "-m", "synthetic:smollm2-135m:Q8_0", ...common, "--no-power", "--no-bandwidth", "--no-progress", "--device-name", "Test bench box"], { env });
    const nativeId = /stored ([0-9a-f-]{36})/.exec(n.stderr)![1]!;
    // All three engines through the page; web-llm has no artifacts here and fails as "download failed".
    const b = await run(process.execPath, ["bin/tokenwatt.mjs", "bench-browser", "--url", srv.url, "--engine", "all", "-m", path.basename(model.path), ...common, "--browser", CHROMIUM_PATH], { env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(b.code).toBe(1); // one engine failed: said in the exit code
    expect(b.stderr).toMatch(/web-llm failed \(download failed\): web-llm model artifacts cannot be reached/);
    expect(b.stderr).toMatch(/wllama on WebGPU fell back: the WebGPU adapter \(google swiftshader\) lacks shader-f16, which llama.cpp's WebGPU backend requires: every layer ran on the CPU \(wasm\); stored as wasm/);
    const [wasmId, gpuId] = [...b.stderr.matchAll(/stored ([0-9a-f-]{36}) in the server/g)].map((m) => m[1]!);
    expect(gpuId).toBeDefined();

    // React's text separators (<!-- -->) removed, so that sentences read as on the page.
    const page = async (p: string) => (await (await fetch(`${srv.url}${p}`, { headers: { cookie: srv.ownerCookie } })).text()).replaceAll("<!-- -->", "");
    const nativePage = await page(`/runs/${nativeId}`);
    expect(nativePage).toMatch(/data-testid="output-status"[^>]*>reference</);
    const hash = /data-testid="fingerprint-hash"[^>]*>([0-9a-f]{16})</.exec(nativePage)![1];
    for (const id of [wasmId!, gpuId!]) {
      const html = await page(`/runs/${id}`);
      // Compared with the native CPU run of the same file: the same 32 tokens.
      expect(html).toMatch(/data-testid="output-status"[^>]*>match</);
      expect(html).toContain(`data-testid="fingerprint-hash">${hash}<`);
      expect(html).toContain(`/runs/${nativeId}`);
    }
    const gpuRun = await page(`/runs/${gpuId}`);
    expect(gpuRun).toContain("backend wasm");
    expect(gpuRun).toContain("lacks shader-f16, which llama.cpp&#x27;s WebGPU backend requires");
    expect(gpuRun).toMatch(/weights: 0 B on the GPU, 1\d\d(\.\d)? MiB on the CPU/);

    // The device page puts the engines side by side; the browser leaderboard keys them by adapter.
    const home = await page("/");
    const deviceIds = [...new Set([...home.matchAll(/href="\/devices\/(\d+)"/g)].map((m) => m[1]))];
    const devicePages = await Promise.all(deviceIds.map((id) => page(`/devices/${id}`)));
    const dp = devicePages.find((p) => p.includes('data-testid="engines-side-by-side"') && p.includes("WebGPU fell back"));
    expect(dp, "a device page with the engines side by side").toBeDefined();
    expect(dp).toContain("node-llama-cpp cpu");
    expect(dp).toContain("<h1>Test bench box</h1>"); // --device-name; the browser runs without one keep it
    expect(dp).toContain("wllama wasm (WebGPU fell back)");
    expect(dp).toMatch(/match 1/);
    const board = await page("/leaderboard/browser?workload=tg8");
    expect(board).toContain('data-testid="browser-board"');
    expect(board).toMatch(/google · swiftshader/);
    expect(board).toContain("no shader-f16");
    expect(board).toContain("wasm (WebGPU fell back)");

    // The same on /run, one click: the browser tax against native on the same file, failures counted.
    const browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    try {
      const p = await srv!.ownerPage(browser);
      const errors: string[] = [];
      p.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
      await p.goto(`${srv.url}/run?engine=all&auto=1&reps=1&threads=2&workloads=pp16,tg8&model=${path.basename(model.path)}`);
      await p.getByTestId("failure-counts").waitFor({ timeout: 150_000 });
      await p.waitForFunction("window.__tokenwatt?.status === 'done'", null, { timeout: 60_000 });
      expect(await p.getByTestId("failure-counts").innerText()).toBe("Failures: download failed 1");
      const table = await p.getByTestId("engine-table").innerText();
      expect(table).toMatch(/native llama\.cpp\tcpu/);
      expect(table).toMatch(/wllama-webgpu\twasm \(WebGPU fell back to the CPU\)/);
      expect(await p.getByTestId("engine-fallback").innerText()).toMatch(/wllama-webgpu is stored as wasm: the WebGPU adapter \(google swiftshader\) lacks shader-f16/);
      expect(table).toMatch(/\(÷\d+\.\d\d\)/); // native ÷ browser
      expect(table).toMatch(/web-llm\t—.*download failed/);
      await p.screenshot({ path: path.join(srv.dataDir, "..", "tokenwatt-run-engines.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 420_000);

  it("refuses a /run link that names a model, suite, engine or web-llm base it cannot honour, and measures nothing", async () => {
    const browser = await launchBrowser();
    try {
      for (const [q, msg] of [
        ["model=nope.gguf", /does not offer the model "nope.gguf"; it offers: stories260K.gguf/],
        ["suite=v9", /unknown suite "v9"/],
        ["engine=onnx", /unknown engine "onnx"/],
        // A link cannot point a phone at another host's web-llm model libraries.
        ["engine=web-llm&webllmBase=https%3A%2F%2Fevil.example%2Flibs", /names a web-llm base this server does not use \(https:\/\/evil\.example\/libs\)/],
      ] as const) {
        const page = await srv!.ownerPage(browser);
        await page.goto(`${srv.url}/run?auto=1&reps=1&${q}`);
        await page.getByTestId("suite-error").waitFor({ timeout: 30_000 });
        expect(await page.getByTestId("suite-error").innerText()).toMatch(msg);
        expect(await page.getByTestId("suite-progress").count()).toBe(0);
        expect(await page.evaluate("window.__tokenwatt?.status")).toBe("error");
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 90_000);

  it("bench-browser says clearly what is wrong with its input", async () => {
    const env = { ...process.env, TOKENWATT_DATA_DIR: srv.dataDir, DATABASE_URL: "" };
    const fail = (args: string[]) => run(process.execPath, ["bin/tokenwatt.mjs", "bench-browser", ...args], { env }).then(() => "", (e: { stderr: string }) => e.stderr);
    expect(await fail(["--url", "http://127.0.0.1:9"])).toMatch(/cannot reach http:\/\/127.0.0.1:9\/api\/health/);
    expect(await fail(["--url", srv.url, "-m", "nope.gguf"])).toMatch(/does not offer "nope.gguf"; it offers: stories260K.gguf/);
    expect(await fail(["--url", srv.url, "-w", "pp0"])).toMatch(/unknown workload id/);
    expect(await fail(["--url", srv.url, "--browser", "/nonexistent/chrome"])).toMatch(/cannot start the browser at \/nonexistent\/chrome/);
  }, 60_000);

  it("web-llm: says when a model needs shader-f16, when artifacts cannot be reached, and when they do not load", async () => {
    const browser = await launchBrowser(["--enable-unsafe-webgpu"]);
    const error = async (q: string) => {
      const page = await srv!.ownerPage(browser);
      await page.goto(`${srv.url}/run?engine=web-llm&auto=1&reps=1&${q}`);
      await page.getByTestId("suite-error").waitFor({ timeout: 60_000 });
      const t = await page.getByTestId("suite-error").innerText();
      await page.close();
      return t;
    };
    try {
      expect(await error("webllmModel=SmolLM2-135M-Instruct-q0f16-MLC")).toMatch(/needs the WebGPU feature shader-f16, which this adapter lacks/);
      expect(await error("webllmModel=SmolLM2-135M-Instruct-q0f32-MLC")).toMatch(/artifacts cannot be reached: .*\/api\/v1\/browser\/webllm\/SmolLM2-135M-Instruct-q0f32-MLC\/resolve\/main\/mlc-chat-config.json answered HTTP 404/);
      expect(await error("webllmModel=NoSuchModel-MLC")).toMatch(/not a model id web-llm 0.2.86 knows/);
      // Artifacts in place but not a real model: the real loading path runs and fails with a clear message.
      const id = "SmolLM2-135M-Instruct-q0f32-MLC";
      const dir = path.join(srv.dataDir, "webllm", id, "resolve", "main");
      fs.mkdirSync(dir, { recursive: true });
      fs.mkdirSync(path.join(srv.dataDir, "webllm", "libs"), { recursive: true });
      fs.writeFileSync(path.join(dir, "mlc-chat-config.json"), JSON.stringify({ model_type: "llama", conv_template: { name: "chatml" }, tokenizer_files: ["tokenizer.json"], context_window_size: 2048 }));
      fs.writeFileSync(path.join(dir, "tensor-cache.json"), JSON.stringify({ records: [{ dataPath: "params_shard_0.bin", nbytes: 1024, records: [] }] }));
      fs.writeFileSync(path.join(srv.dataDir, "webllm", "libs", "SmolLM2-135M-Instruct-q0f32_cs1k-webgpu.wasm"), "not wasm");
      expect(await error(`webllmModel=${id}`)).toMatch(/web-llm could not load SmolLM2-135M-Instruct-q0f32-MLC: /);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
