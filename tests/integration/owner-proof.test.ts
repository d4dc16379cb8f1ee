/**
 * The CLI sends the owner credential only to a server that proves it holds it (issue 30 item 4;
 * security review: the CLI sent it to whatever listened at a stale server.json port), and only when
 * server.json and its process are this user's.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerProof } from "../../lib/server/access/owner-session";
import { openAdmin, provesCredential, sameUser } from "../../lib/server/admin/open";
import { resetServerEnvForTests } from "../../lib/server/env";
import { startApiServer } from "../../lib/server/http/node";
import { ensureOwnerCredential, SERVER_INFO_FILE } from "../../lib/server/store/owner-credential";
import { apiDeps } from "../../harness/api";
import { openTestDb, type TestDb } from "../helpers/db";

describe("the owner credential goes only to a server that proves it holds it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-proof-"));
  let h: TestDb;
  let real: { url: string; close(): Promise<void> };
  let credential: string;
  beforeAll(async () => {
    process.env.TOKENWATT_DATA_DIR = dir;
    resetServerEnvForTests();
    credential = ensureOwnerCredential(dir);
    h = await openTestDb("pglite");
    real = await startApiServer(apiDeps(h.db), 0);
  });
  afterAll(async () => {
    await real?.close();
    await h?.drop();
    delete process.env.TOKENWATT_DATA_DIR;
    resetServerEnvForTests();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the server answers a nonce with the credential's HMAC; the CLI checks it", async () => {
    const nonce = "ab".repeat(16);
    const r = (await (await fetch(new URL(`/api/v1/owner/proof?nonce=${nonce}`, real.url))).json()) as { proof: string };
    expect(r.proof).toBe(ownerProof(credential, nonce));
    expect(await provesCredential(real.url, credential)).toBe(true);
    expect(await provesCredential(real.url, "tw_not-this-servers-credential")).toBe(false);
    expect((await fetch(new URL("/api/v1/owner/proof?nonce=zz", real.url))).status).toBe(400);
  });

  it("refuses to send it to another service at server.json's port, which never sees it", async () => {
    const seen: (string | undefined)[] = [];
    const impostor = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === "/api/health") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ proof: "guess" }));
    });
    await new Promise<void>((r) => impostor.listen(0, "127.0.0.1", r));
    // A live process of this user stands in for the server that wrote server.json and is gone.
    const sleeper = spawn("sleep", ["30"]);
    try {
      const staleDir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-stale-"));
      ensureOwnerCredential(staleDir);
      fs.writeFileSync(path.join(staleDir, SERVER_INFO_FILE), JSON.stringify({ pid: sleeper.pid, url: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}` }));
      await expect(openAdmin({ dataDir: staleDir, migrationsDir: "drizzle", waitMs: 2000 })).rejects.toThrow(/did not prove it holds this data directory's owner credential/);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((a) => a === undefined)).toBe(true);
      // server.json of another user: not trusted at all.
      expect(sameUser(path.join(staleDir, SERVER_INFO_FILE), sleeper.pid!)).toBe(true);
      fs.chownSync(path.join(staleDir, SERVER_INFO_FILE), 65534, 65534);
      expect(sameUser(path.join(staleDir, SERVER_INFO_FILE), sleeper.pid!)).toBe(process.getuid?.() === 65534);
      await expect(openAdmin({ dataDir: staleDir, migrationsDir: "drizzle", waitMs: 2000 })).rejects.toThrow(/belongs to another user/);
      fs.rmSync(staleDir, { recursive: true, force: true });
    } finally {
      sleeper.kill();
      await new Promise<void>((r) => impostor.close(() => r()));
    }
  });
});
