/** Starts the real app (`npm start` path: bin/start.mjs) on a free port for end-to-end tests. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { FIRST_RUN_FILE, inProgress, parseFirstRunStatus, type FirstRunStatus } from "../lib/core/contracts/first-run";
import { pgliteTemplateDataDir } from "./db-template";

export interface RunningServer {
  url: string;
  /** The pid of bin/start.mjs (or of `nodeArgs`), which leads the server's process group (its workers included). */
  pid: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  output: () => string;
  /** The owner's login URL on 127.0.0.1, as the server printed it (its cookie is for 127.0.0.1, as `url`). */
  loginUrl: string;
  /** The owner's login URL on its own name (http://tw-<port>-<hex>.localhost:<port>/...): browsers only, Node does not resolve it. */
  ownHostLoginUrl: string;
  /** The owner's session cookie ("tw_session=..."), as the login URL sets it: for fetching pages. */
  ownerCookie: string;
  /** A page in a browser context logged in as the owner (through the printed login URL). */
  ownerPage(browser: Browser): Promise<Page>;
  /** SIGKILL the whole server (a crash: nothing flushed, no goodbye); the data directory stays. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * `extraEnv.PORT` keeps a given port (a server restarted at the same address). `nodeArgs`: run
 * these instead of `bin/start.mjs` (a benchmark profiling the serving process: `--cpu-prof
 * bin/server.mjs`, which skips start.mjs' build check and first run).
 */
export async function startServer(extraEnv: Record<string, string> = {}, nodeArgs: string[] = ["bin/start.mjs"]): Promise<RunningServer> {
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenwatt-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    TOKENWATT_DATA_DIR: dataDir,
    TOKENWATT_FIRST_RUN: "0",
    DATABASE_URL: "",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extraEnv,
  };
  // The embedded database starts from a migrated copy (harness/db-template.ts: initdb and every
  // migration took 3-5 s a server), unless the server is to measure its first run (an empty database)
  // or is given a data directory of its own.
  if (!env.DATABASE_URL && env.TOKENWATT_DATA_DIR === dataDir && env.TOKENWATT_FIRST_RUN === "0") {
    fs.cpSync(await pgliteTemplateDataDir(), path.join(dataDir, "pgdata"), { recursive: true });
  }
  let out = "";
  const child: ChildProcess = spawn(process.execPath, nodeArgs, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    return await whenReady();
  } catch (e) {
    // Never leave a server (or its cluster workers) running behind a failed start.
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  async function whenReady(): Promise<RunningServer> {
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
      try {
        const r = await fetch(`${url}/api/health`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The owner's login URL printed at start; opening it sets the session cookie.
    let loginUrl = "";
    for (let waited = 0; !(loginUrl = /(http:\/\/127\.0\.0\.1:\d+\/login\?code=[A-Za-z0-9_-]+)/.exec(out)?.[1] ?? "") && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const ownHostLoginUrl = /owner login[^\n]*?(http:\/\/\S+\/login\?code=\S+)/.exec(out)?.[1] ?? "";
    // None without a login URL: a public server, or cluster workers (only a single process prints it).
    const ownerCookie = extraEnv.TOKENWATT_PUBLIC === "1" || !loginUrl ? "" : ((await fetch(loginUrl, { redirect: "manual" })).headers.get("set-cookie") ?? "").split(";")[0]!;
    return {
      url,
      pid: child.pid!,
      dataDir,
      env,
      loginUrl,
      ownHostLoginUrl,
      ownerCookie,
      ownerPage: async (browser) => {
        const page = await browser.newPage();
        if (loginUrl) await page.goto(loginUrl);
        return page;
      },
      output: () => out,
      kill: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once("exit", r));
        process.kill(-child.pid!, "SIGKILL");
        await exited;
      },
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          process.kill(-child.pid!, "SIGTERM");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
}

/** The first measurement's status as its runner wrote it in the server's data directory (null: none yet). */
export function firstRunStatus(srv: Pick<RunningServer, "dataDir">): FirstRunStatus | null {
  const file = path.join(srv.dataDir, FIRST_RUN_FILE);
  return parseFirstRunStatus(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null);
}

/** Waits until the first measurement `npm start` runs beside the server has ended (done or failed). */
export async function waitForFirstRun(srv: Pick<RunningServer, "dataDir" | "output">, timeoutMs = 600_000): Promise<FirstRunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = firstRunStatus(srv);
    if (s && !inProgress(s)) return s;
    if (Date.now() > deadline) throw new Error(`the first measurement did not end:\n${srv.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The pids of a process group (a server started by startServer: start.mjs, the serving process and its workers), from /proc. */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid) pids.push(Number(d));
    } catch {
      /* process went away */
    }
  }
  return pids;
}

/** Server settings that lift the per-client and per-process limits, for the ingest benchmarks (the database is what they measure). */
export const UNLIMITED_INGEST_ENV = {
  TOKENWATT_RATE_LIMIT_PER_MIN: "100000000",
  TOKENWATT_RATE_LIMIT_BURST: "100000000",
  TOKENWATT_PARSE_BUDGET_MB_PER_MIN: "1000000",
  TOKENWATT_PARSE_BUDGET_GLOBAL_MB_PER_MIN: "1000000",
  TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN: "100000000",
  TOKENWATT_CPU_MS_PER_MIN: "100000000",
} as const;
