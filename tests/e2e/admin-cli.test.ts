/**
 * The owner's CLI commands (token, publish, snapshot, bench, import) with and without a running
 * server on the embedded database. Without a server they open the database; with one they go
 * through its HTTP API with the owner credential (the server holds the database; no other socket
 * is open). Another local user can read neither the credential nor the database files.
 *
 * In the e2e project: it starts the production server (one build of .next at a time).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../harness/server";

const STORIES = path.resolve("../shared/models/stories260K.gguf");

interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

function cli(dataDir: string, args: string[], opts: { uid?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve("bin/tokenwatt.mjs"), ...args], {
      env: { ...process.env, TOKENWATT_DATA_DIR: dataDir, DATABASE_URL: "", HOME: os.tmpdir() },
      cwd: os.tmpdir(), // the CLI works from any folder
      stdio: ["ignore", "pipe", "pipe"],
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** A llama-bench JSON row (test input, not a measurement): one model, one test, two repetitions. */
const llamaBenchRow = (nPrompt: number, nGen: number) => ({
  build_commit: "80fb11a",
  build_number: 6000,
  cpu_info: "Fixture CPU",
  gpu_info: "",
  backends: "CPU",
  model_filename: "/models/fixture-1b-Q4_0.gguf",
  model_type: "llama 1B Q4_0",
  model_size: 770_000_000,
  model_n_params: 1_235_814_400,
  n_batch: 2048,
  n_ubatch: 512,
  n_threads: 2,
  n_gpu_layers: 0,
  flash_attn: false,
  n_prompt: nPrompt,
  n_gen: nGen,
  n_depth: 0,
  test_time: "2026-12-01T10:00:00Z",
  samples_ns: nGen ? [3_000_000_000, 3_100_000_000] : [2_000_000_000, 2_050_000_000],
});

/** The same admin session, run once on the database and once through the running server. */
async function adminSession(dataDir: string, where: RegExp) {
  const created = await cli(dataDir, ["token", "create", "--name", "ci-runner"]);
  expect(created.code, created.err).toBe(0);
  expect(created.err).toMatch(where);
  const token = created.out.trim().split("\n").at(-1)!;
  expect(token).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
  const dup = await cli(dataDir, ["token", "create", "--name", "ci-runner"]);
  expect(dup.code).toBe(1);
  expect(dup.err).toMatch(/already exists/);

  const file = path.join(dataDir, "..", `llama-bench-${path.basename(dataDir)}.json`);
  fs.writeFileSync(file, JSON.stringify([llamaBenchRow(512, 0), llamaBenchRow(0, 128)]));
  const imported = await cli(dataDir, ["import", "llama-bench", file]);
  expect(imported.code, imported.err).toBe(0);
  expect(imported.out).toMatch(/: created \(fixture-1b-Q4_0, 2 workloads\)/);
  expect((await cli(dataDir, ["import", "llama-bench", file])).out).toMatch(/: duplicate/);

  const published = await cli(dataDir, ["publish", "--all"]);
  expect(published.code, published.err).toBe(0);
  expect(published.out).toMatch(/published 1 submission\(s\)/);
  const out = path.join(dataDir, "..", `snapshot-${path.basename(dataDir)}`);
  const snap = await cli(dataDir, ["snapshot", "--out", out]);
  expect(snap.code, snap.err).toBe(0);
  const board = JSON.parse(fs.readFileSync(path.join(out, "leaderboard.json"), "utf8"));
  expect(board.rows).toHaveLength(1);
  expect(board.rows[0]).toMatchObject({ modelName: "fixture-1b-Q4_0", ppWorkload: "pp512", tgWorkload: "tg128" });

  const revoked = await cli(dataDir, ["token", "revoke", "ci-runner"]);
  expect(revoked.code, revoked.err).toBe(0);
  const list = await cli(dataDir, ["token", "list"]);
  expect(list.out).toMatch(/ci-runner.*runner.*revoked/);
  expect((await cli(dataDir, ["token", "revoke", "nobody"])).err).toMatch(/no token named "nobody"/);
  return token;
}

describe("admin CLI without and with a running server", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tw-admin-"));
  let srv: RunningServer;

  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("works on the embedded database when no server runs, and keeps the data directory private", async () => {
    const dataDir = path.join(root, "alone");
    await adminSession(dataDir, /in the pglite database/);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(dataDir, "server.json"))).toBe(false);
  });

  it("goes through the server's API with the owner credential while the server holds the database", async () => {
    const info = JSON.parse(fs.readFileSync(path.join(srv.dataDir, "server.json"), "utf8"));
    expect(Object.keys(info).sort()).toEqual(["pid", "url"]); // an HTTP address only: no database socket
    expect(fs.statSync(srv.dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(srv.dataDir, "owner-credential")).mode & 0o777).toBe(0o600);
    const token = await adminSession(srv.dataDir, /in the server at http:\/\/127\.0\.0\.1:\d+/);
    // The revoked token is refused by the server that created it.
    const r = await fetch(`${srv.url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" });
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe("token_revoked");
    // Token administration over HTTP is the owner's alone: an admin token cannot mint tokens.
    const admin = (await cli(srv.dataDir, ["token", "create", "--name", "ci-admin", "--role", "admin"])).out.trim().split("\n").at(-1)!;
    const mint = await fetch(`${srv.url}/api/v1/admin/tokens`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
    expect(mint.status).toBe(403);
    expect((await mint.json()).error.code).toBe("forbidden");
  });

  it("stores a local bench run through the running server", async () => {
    const r = await cli(srv.dataDir, ["bench", "-m", STORIES, "-w", "pp32,tg8", "-r", "1", "--no-power", "--no-bandwidth", "--no-progress", "-o", "json"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/stored [0-9a-f-]{36} in the server at http:\/\/127\.0\.0\.1:\d+ \(created\)/);
    // -o json: llama-bench's per-test rows (avg_ts, samples_ts, n_prompt...), each with its submission id
    const rows = JSON.parse(r.out) as { submission_id: string; n_prompt: number; n_gen: number; avg_ts: number; samples_ts: number[] }[];
    expect(rows.map((x) => [x.n_prompt, x.n_gen])).toEqual([[32, 0], [0, 8]]);
    expect(rows.every((x) => x.avg_ts > 0 && x.samples_ts.length === 1)).toBe(true);
    const id = rows[0]!.submission_id;
    const credential = fs.readFileSync(path.join(srv.dataDir, "owner-credential"), "utf8").trim();
    const listed = await (await fetch(`${srv.url}/api/v1/results?limit=10`, { headers: { authorization: `Bearer ${credential}` } })).json();
    expect(listed.results.map((x: { submissionId: string }) => x.submissionId)).toContain(id);
  });

  it("refuses another local user: the owner credential and the database files are the owner's alone", async () => {
    const r = await cli(srv.dataDir, ["token", "list"], { uid: 65534 });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not readable by this user: only the owner of the data directory administers/);
  });
});
