/**
 * `tokenwatt catalog add|list` (lib/server/admin/catalog-command.ts), on PGlite and PostgreSQL,
 * through both doors an owner has: on the database itself (no server running) and through a running
 * server's API with an admin token. The layout is read from the real stories260K file; the catalog
 * then judges a submission of that file that claims another layout; a runner token is refused; a
 * layout no file can hold is refused with its reason.
 */
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { localAdmin } from "../../lib/server/admin/local";
import { remoteAdmin } from "../../lib/server/admin/remote";
import { registerCatalogCommands } from "../../bin/commands/catalog";
import type { AdminOps } from "../../lib/server/admin/ops";
import { startApiServer } from "../../lib/server/http/node";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { createToken } from "../../lib/server/store/tokens";
import { newProgram, run } from "../../runners/cli/index";
import { resolveModel } from "../../runners/models/resolve";
import { apiDeps } from "../../harness/api";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";

const STORIES = path.resolve(import.meta.dirname, "../../../shared/models/stories260K.gguf");
const describeModel = async (ref: string) => (await resolveModel(ref, os.tmpdir())).info;

/** Runs `tokenwatt catalog ...` on `ops`; returns the exit code and what it printed. */
async function cli(ops: AdminOps, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = newProgram();
  registerCatalogCommands(program, async () => ({ ...ops, close: async () => {} }), describeModel);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    const code = await run(program, ["node", "tokenwatt", "catalog", ...args]);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each(DB_KINDS)("the model catalog command on %s", (kind) => {
  let h: TestDb;
  let server: { url: string; close(): Promise<void> };
  let admin: string;
  let runner: string;
  beforeAll(async () => {
    h = await openTestDb(kind);
    server = await startApiServer(apiDeps(h.db), 0);
    admin = await createToken(h.db, "catalog-admin", "admin");
    runner = await createToken(h.db, "catalog-runner", "runner");
  });
  afterAll(async () => {
    await server?.close();
    await h?.drop();
  });

  it("adds a file's layout read from the file, once; --replace overwrites; list shows it", async () => {
    const local = localAdmin(h);
    const info = await describeModel(STORIES);
    const first = await cli(local, "add", STORIES);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`trusts ${info.name} (${info.sha256!.slice(0, 12)}`);
    const again = await cli(local, "add", STORIES);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain("already has a layout");
    // Through the running server with an admin token: the same operation, the same answer.
    const remote = remoteAdmin(server.url, admin);
    expect((await cli(remote, "add", STORIES)).err).toContain("already has a layout");
    expect((await cli(remote, "add", STORIES, "--replace")).code).toBe(0);
    const list = await cli(remote, "list");
    expect(list.out).toContain(info.sha256!.slice(0, 12));
    expect(list.out).toContain("from admin");
    expect((await cli(local, "add", "synthetic:llama-3.2-1b:Q4_0")).err).toContain("needs no catalog entry");
    expect((await cli(local, "add", "/nonexistent.gguf")).code).not.toBe(0);
  });

  it("refuses a runner token, and a layout no file can hold, with the reason", async () => {
    const info = await describeModel(STORIES);
    const post = (token: string, body: unknown) =>
      fetch(new URL("/api/v1/admin/model-layouts", server.url), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(runner, { model: info, replace: true })).status).toBe(403);
    // 1 byte a token for 260K parameters: no file stores weights that small.
    const forged = await post(admin, { model: { ...info, weightsReadPerTokenBytes: 1 }, replace: true });
    expect(forged.status).toBe(422);
    expect((await forged.json()).error.message).toContain("the layout cannot hold");
    expect((await post(admin, { model: { ...info, sha256: null } })).status).toBe(400);
  });

  it("judges a later submission of the file against the catalog's layout", async () => {
    const info = await describeModel(STORIES);
    const s = makeSubmission({ workloads: 2, deviceModel: "Catalog Device" });
    s.model = { ...s.model, ...info, weightsReadPerTokenBytes: Math.round(info.weightsReadPerTokenBytes! * 0.6) }; // a claim a file could hold: only the catalog knows it is not this one
    const parsed = parseSubmission(s);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const r = await ingestSubmission(h.db, parsed.submission, null);
    expect(r.flags.map((f) => f.code)).toContain("model_mismatch");
  });
});
