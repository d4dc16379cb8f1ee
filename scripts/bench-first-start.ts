/**
 * `npm run bench:first-start`: the first `npm start` on a fresh data directory, step by step. Runs
 * the real bin/start.mjs (it builds when the build is stale, else reuses it, and says which) with
 * the first measurement on, and prints when each step was reached, in seconds after the start:
 * the build, migrations applied, /api/health 200, the home page 200 for the owner (and whether it
 * showed the measurement's progress), each workload of the first measurement, the measurement done,
 * and its row on the owner's leaderboard with the default filters (pp512, tg128). Also the CPU time
 * the server process used while the machine was measured (what the busy check counts against the run).
 *
 * Env: BENCH_FIRST_RUN_MODEL (default: npm start's own, synthetic:smollm2-135m:Q8_0),
 * BENCH_TIMEOUT_S (default 900).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIRST_RUN_FILE, parseFirstRunStatus } from "../lib/core/contracts/first-run";
import { freePort } from "../harness/server";

const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S || 900) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, seconds (Linux /proc; null elsewhere). */
function cpuSeconds(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function main() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tokenwatt-first-start-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    TOKENWATT_DATA_DIR: dataDir,
    TOKENWATT_FIRST_RUN: "1",
    DATABASE_URL: "",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(process.env.BENCH_FIRST_RUN_MODEL ? { TOKENWATT_FIRST_RUN_MODEL: process.env.BENCH_FIRST_RUN_MODEL } : {}),
  };
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const at = () => (performance.now() - t0) / 1000;
  const steps: { step: string; s: number; note?: string }[] = [];
  const mark = (step: string, note?: string) => {
    steps.push({ step, s: at(), note });
    console.error(`[bench] ${at().toFixed(1)} s  ${step}${note ? ` (${note})` : ""}`);
  };
  let out = "";
  const child = spawn(process.execPath, ["bin/start.mjs"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const seen = new Set<string>();
  const onLine = (d: Buffer) => {
    out += d;
    if (!seen.has("build") && /\[tokenwatt\] (building|starting the server)/.test(out)) {
      seen.add("build");
      mark(out.includes("building the app") ? "build started (stale)" : "build reused (fresh .next)");
    }
    if (!seen.has("built") && out.includes("building the app") && out.includes("[tokenwatt] starting the server")) {
      seen.add("built");
      mark("build done");
    }
    if (!seen.has("db") && /\[tokenwatt\] database: /.test(out)) {
      seen.add("db");
      mark("migrations applied (database open)");
    }
  };
  child.stdout!.on("data", onLine);
  child.stderr!.on("data", onLine);
  const deadline = Date.now() + TIMEOUT_MS;
  const stop = () => {
    if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
  };
  try {
    // /api/health, then the owner's home page through the printed login URL.
    for (;;) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not answer:\n${out}`);
      if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
      await sleep(100);
    }
    mark("/api/health 200");
    let login = "";
    // The 127.0.0.1 login URL: Node's fetch does not resolve the tw-<port>-<secret>.localhost name a browser opens.
    while (!(login = /(http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+)/.exec(out)?.[1] ?? "")) await sleep(50);
    const cookie = ((await fetch(login, { redirect: "manual" })).headers.get("set-cookie") ?? "").split(";")[0]!;
    for (;;) {
      const r = await fetch(url, { headers: { cookie } }).catch(() => null);
      if (r?.ok) {
        const html = await r.text();
        mark("home page 200", html.includes('data-testid="first-run"') ? "showing the measurement's progress" : "no progress shown");
        break;
      }
      if (Date.now() > deadline) throw new Error("the home page did not answer");
      await sleep(200);
    }
    // The measurement, from its status file (read here: asking the server would cost it CPU).
    const file = path.join(dataDir, FIRST_RUN_FILE);
    let last = "";
    let serverPid = 0;
    let cpuAtStart: number | null = null;
    let measuringSince = 0;
    for (;;) {
      const s = parseFirstRunStatus(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null);
      const key = s ? `${s.state}:${s.step}` : "";
      if (s && key !== last) {
        if (!last) mark("first measurement announced", s.model);
        if (s.state === "measuring" && s.step > 0) {
          // The server's CPU from the first workload on: what the busy check counts against the run.
          if (!serverPid) {
            serverPid = JSON.parse(fs.readFileSync(path.join(dataDir, "server.json"), "utf8")).pid;
            cpuAtStart = cpuSeconds(serverPid);
            measuringSince = Date.now();
          }
          mark(`workload ${s.step} of ${s.workloads.length}: ${s.current}`);
        }
        if (s.state === "storing") mark("storing (retrying the upload)");
        last = key;
        if (s.state === "done" || s.state === "failed") {
          const cpu = cpuAtStart == null ? null : cpuSeconds(serverPid)! - cpuAtStart;
          const wallS = (Date.parse(s.finishedAt!) - Date.parse(s.startedAt)) / 1000;
          const workS = (Date.now() - measuringSince) / 1000;
          mark(
            `first measurement ${s.state}`,
            `${wallS.toFixed(1)} s from its start; server CPU during the workloads ${cpu == null ? "?" : `${cpu.toFixed(2)} s in ${workS.toFixed(0)} s (${((cpu / workS / os.availableParallelism()) * 100).toFixed(1)}% of the machine)`}${s.error ? `; ${s.error}` : ""}`,
          );
          break;
        }
      }
      if (Date.now() > deadline) throw new Error(`the first measurement did not end:\n${out}`);
      await sleep(100);
    }
    // Its row on the owner's board with the default filters (pp512, tg128), private runs included.
    for (;;) {
      const html = await (await fetch(`${url}/leaderboard?private=1`, { headers: { cookie } })).text();
      if (/data-testid="leaderboard"/.test(html)) {
        mark("row on the default leaderboard (owner's, private runs included)");
        break;
      }
      if (Date.now() > deadline || html.includes("No plausible results match")) {
        mark("no row on the leaderboard", "the gate flagged pp512 and tg128 (a busy machine?): see the run's page");
        break;
      }
      await sleep(500);
    }
  } finally {
    stop();
    await sleep(1500);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\nFirst start on a fresh data directory (${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(2)} at the end)\n`);
  console.log("| step | s after `npm start` | note |\n| --- | ---: | --- |");
  for (const s of steps) console.log(`| ${s.step} | ${s.s.toFixed(1)} | ${s.note ?? ""} |`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
