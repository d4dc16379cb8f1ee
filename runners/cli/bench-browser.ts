/**
 * `tokenwatt bench-browser`: drives a browser (system Chromium by default) through the dashboard's
 * /run page, which measures the suite with wllama (WASM) or web-llm (WebGPU); collects the page's
 * submission and stores or uploads it like `bench`. The page gets this machine's native device
 * probe, so browser and native results land on the same device for comparison.
 */
import { Option, type Command } from "commander";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { dataDir as runnerDataDir } from "../env";
import { probeDevice } from "../native/device/probe";
import { ModelError, resolveModel } from "../models/resolve";
import { render, OUTPUT_FORMATS, type OutputFormat } from "../output/printers";
import { cliWorkloads } from "./bench";
import { deviceName } from "./device-name";
import { SUITE_NAMES, type SuiteName } from "../../lib/core/contracts/workloads";
import { checkDestination, deliver, type CliDeps } from "./deliver";
import { CliError } from "./cli-error";
import { INJECTED_DEVICE_GLOBAL, PAGE_STATE_GLOBAL, type PageState } from "../browser/bridge";
import { BROWSER_ENGINES, type BrowserEngineName } from "../browser/session";
import { WireError, wireRequest } from "../../lib/core/wire/client";

export interface BenchBrowserOptions {
  url: string;
  engine: BrowserEngineName | "all";
  model?: string;
  webllmModel: string;
  webllmBase?: string;
  suite: SuiteName;
  workloads?: string;
  repetitions: string;
  threads?: string;
  browser: string;
  headed: boolean;
  nativeDevice: boolean;
  timeout: string;
  output: OutputFormat;
  deviceName?: string;
  server?: string;
  token?: string;
}

interface CatalogModel {
  id: string;
  fileName: string;
  info: { name: string; quantization: string };
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const u = new URL(url);
  try {
    return (await wireRequest<T>(u.origin, { method: "GET", path: u.pathname + u.search, credential: token, timeoutMs: 15_000 })).data as T;
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    if (e.status == null) throw new CliError(`cannot reach ${url} (${e.detail}): start the dashboard with \`npm start\`, or pass --url`);
    if (e.status === 401) throw new CliError(`${url} needs a token on this public server: pass --token`);
    throw new CliError(`${url} answered HTTP ${e.status}; is --url a Tokenwatt dashboard?`);
  }
}

/** Finds the catalog entry for -m: a catalog id, a file name, "name quant", or a synthetic:... spec. */
export async function pickModel(base: string, ref: string | undefined, token?: string): Promise<CatalogModel> {
  if (ref?.startsWith("synthetic:")) {
    // Written into this machine's data directory, which a local dashboard serves.
    try {
      await resolveModel(ref, runnerDataDir());
    } catch (e) {
      if (e instanceof ModelError) throw new CliError(e.message);
      throw e;
    }
  }
  const { models } = await getJson<{ models: CatalogModel[] }>(`${base}/api/v1/browser/models`, token);
  if (!models.length) throw new CliError(`${base} offers no GGUF models to browsers (it serves its data dir's models/ and TOKENWATT_MODELS_DIR)`);
  if (!ref) return models[0]!;
  const want = ref.startsWith("synthetic:") ? ref.split(":").slice(1).join("-").toLowerCase() + ".gguf" : ref.toLowerCase();
  const m = models.find((x) => x.id === ref || x.fileName.toLowerCase() === want || `${x.info.name} ${x.info.quantization}`.toLowerCase() === want || x.info.name.toLowerCase() === want);
  if (!m) throw new CliError(`${base} does not offer "${ref}"; it offers: ${models.map((x) => x.fileName).join(", ")}`);
  return m;
}

export async function benchBrowser(
  o: BenchBrowserOptions,
  deps: CliDeps,
  log: (m: string) => void = (m) => void process.stderr.write(`${m}\n`),
  print: (m: string) => void = console.log,
): Promise<{ code: number; submission?: Submission; submissions: Submission[]; failures: NonNullable<PageState["failures"]> }> {
  let base: string;
  try {
    base = new URL(o.url).origin;
  } catch {
    throw new CliError(`--url must be the dashboard's URL, like http://localhost:3000 (got "${o.url}")`);
  }
  const reps = Number(o.repetitions);
  if (!Number.isInteger(reps) || reps < 1 || reps > 100) throw new CliError("--repetitions must be an integer from 1 to 100");
  if (o.threads !== undefined && !/^\d{1,3}$/.test(o.threads)) throw new CliError("--threads must be an integer from 1 to 256");
  const timeoutS = Number(o.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS < 10) throw new CliError("--timeout must be at least 10 seconds");
  checkDestination(o);
  const named = deviceName(o.deviceName);
  await getJson(`${base}/api/health`);

  const q = new URLSearchParams({ auto: "1", engine: o.engine, suite: o.suite, reps: String(reps) });
  if (o.threads) q.set("threads", o.threads);
  if (o.workloads) q.set("workloads", cliWorkloads(o.suite, o.workloads).map((w) => w.id).join(","));
  if (o.engine !== "web-llm") {
    const m = await pickModel(base, o.model, o.token);
    q.set("model", m.id);
    log(`measuring ${m.info.name} ${m.info.quantization} with ${o.engine === "all" ? BROWSER_ENGINES.join(", ") : o.engine} in ${o.browser}`);
  }
  if (o.engine === "web-llm" || o.engine === "all") {
    q.set("webllmModel", o.webllmModel);
    if (o.webllmBase) q.set("webllmBase", o.webllmBase);
    if (o.engine === "web-llm") log(`measuring ${o.webllmModel} with web-llm in ${o.browser}`);
  }
  const device = o.nativeDevice ? await probeDevice("wasm", null, ["cpu", "wasm"]) : null;

  const { chromium } = await import("playwright-core");
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: o.browser,
      headless: !o.headed,
      args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu"],
    });
  } catch (e) {
    throw new CliError(`cannot start the browser at ${o.browser}: ${(e as Error).message.split("\n")[0]} (apt-get install chromium, or pass --browser PATH)`);
  }
  let submissions: Submission[];
  let failures: NonNullable<PageState["failures"]> = [];
  try {
    const page = await browser.newPage();
    if (device) await page.addInitScript(`window.${INJECTED_DEVICE_GLOBAL} = ${JSON.stringify(device)};`);
    if (o.token) {
      // A public dashboard serves its model catalog to token holders: the token goes to that
      // origin only, never to a web-llm artifact host elsewhere.
      const token = o.token;
      await page.route(`${base}/api/v1/browser/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }));
    }
    // On the owner's own dashboard, log in as the owner first (pages need the owner's session).
    const login = deps.ownerLoginUrl?.(base);
    if (login) await page.goto(login);
    await page.goto(`${base}/run?${q}`);
    let last = "";
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      const st = (await page.evaluate(`window.${PAGE_STATE_GLOBAL} ?? null`)) as PageState | null;
      if (st?.status === "done") {
        submissions = st.submissions ?? (st.submission ? [st.submission] : []);
        failures = st.failures ?? [];
        break;
      }
      if (st?.status === "error") throw new CliError(`the browser run failed: ${st.error}`);
      const progress = (await page.locator("[data-testid=suite-progress]").textContent({ timeout: 100 }).catch(() => null)) ?? "";
      if (progress && progress !== last) log(`  ${(last = progress)}`);
      if (Date.now() > deadline) throw new CliError(`the browser run did not finish within ${timeoutS} s (last: ${last || "nothing"})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await browser.close();
  }
  for (const f of failures) log(`${f.engine} failed (${f.failureClass}): ${f.error}`);
  const checked: Submission[] = [];
  for (const sub of submissions) {
    const c = parseSubmission(named ? { ...sub, device: { ...sub.device, name: named } } : sub);
    if (!c.ok) throw new CliError(`the page produced an invalid submission: ${c.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    checked.push(c.submission);
  }
  let code = failures.length ? 1 : 0;
  for (const sub of checked) {
    if (sub.webgpu?.fallbackReason) log(`${sub.engine.name} on WebGPU fell back: ${sub.webgpu.fallbackReason}; stored as ${sub.device.backend}`);
    print(render(sub, o.output));
    if (!(await deliver(sub, o, deps, log))) code = 1;
    const failed = sub.workloads.filter((w) => w.status !== "ok").length;
    if (failed) {
      log(`${failed} workload(s) failed`);
      code = 1;
    }
  }
  return { code, submission: checked[0], submissions: checked, failures };
}

export function registerBenchBrowserCommand(program: Command, deps: CliDeps): void {
  program
    .command("bench-browser")
    .description("measure the suite inside a browser (wllama on WASM or WebGPU, web-llm on WebGPU) through the dashboard's /run page")
    .option("--url <url>", "the Tokenwatt dashboard serving /run", "http://localhost:3000")
    .addOption(new Option("--engine <name>", "browser engine: wllama (CPU threads), wllama-webgpu (llama.cpp's WebGPU backend), web-llm, or all three in sequence").choices([...BROWSER_ENGINES, "all"]).default("wllama"))
    .option("-m, --model <ref>", "wllama, wllama-webgpu: a model the dashboard offers (file name, \"name quant\", id) or synthetic:<shape>:<quant>")
    .option("--webllm-model <id>", "web-llm: a model id of web-llm's prebuilt list", "SmolLM2-135M-Instruct-q0f32-MLC")
    .option("--webllm-base <url>", "web-llm: base URL of the model artifacts (default: the dashboard's)")
    .addOption(new Option("--suite <name>", "workload suite").choices(SUITE_NAMES).default("quick"))
    .option("-w, --workloads <ids>", "comma-separated workload ids instead of the suite, e.g. pp512,tg128")
    .option("-r, --repetitions <n>", "timed repetitions per workload", "3")
    .option("-t, --threads <n>", "wllama threads (default: the browser's hardwareConcurrency)")
    .addOption(new Option("--browser <path>", "browser executable (Chromium-based)").env("TOKENWATT_BROWSER").default("/usr/bin/chromium"))
    .option("--headed", "show the browser window")
    .option("--no-native-device", "describe the device as the browser sees it instead of with the native probe")
    .option("--timeout <s>", "give up after this many seconds", "1800")
    .option("--device-name <name>", "your name for this device, shown instead of vendor and model")
    .addOption(new Option("-o, --output <format>", "what to print").choices([...OUTPUT_FORMATS]).default("md"))
    .addOption(new Option("--server <url>", "upload to this Tokenwatt server instead of the local database").env("TOKENWATT_SERVER"))
    .addOption(new Option("--token <token>", "runner token for --server").env("TOKENWATT_TOKEN"))
    .action(async (o: BenchBrowserOptions) => {
      const { code } = await benchBrowser(o, deps);
      if (code !== 0) throw new CliError("some workloads failed or the upload did not complete", code);
    });
}
