/**
 * One data folder: the server (lib/server/env.ts) and the device side (runners/env.ts) resolve
 * TOKENWATT_DATA_DIR by the same rule (lib/core/data-dir.ts), so a server started in the project and
 * `npx tokenwatt` run from anywhere agree on where the database, outbox and owner credential are.
 */
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_DATA_DIR, resolveDataDir } from "../../lib/core/data-dir";
import { resetServerEnvForTests, serverDataDir } from "../../lib/server/env";
import { dataDir, resetRunnerEnvForTests } from "../../runners/env";

const ROOT = path.resolve(import.meta.dirname, "../..");

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetServerEnvForTests();
  resetRunnerEnvForTests();
});

describe("the data folder", () => {
  it("is TOKENWATT_DATA_DIR against the working directory, else .tokenwatt in the project root", () => {
    expect(resolveDataDir("data", "/srv/tokenwatt", (...p) => path.posix.resolve("/home/me", ...p))).toBe("/home/me/data");
    expect(resolveDataDir(undefined, "/srv/tokenwatt", path.posix.resolve)).toBe(`/srv/tokenwatt/${DEFAULT_DATA_DIR}`);
    expect(resolveDataDir("", "/srv/tokenwatt", path.posix.resolve)).toBe(`/srv/tokenwatt/${DEFAULT_DATA_DIR}`);
  });

  it("is the same folder for the server (run from the project root) and the device side (run from anywhere)", () => {
    vi.stubEnv("TOKENWATT_DATA_DIR", "");
    const cwd = vi.spyOn(process, "cwd").mockReturnValue(ROOT);
    expect(serverDataDir()).toBe(path.join(ROOT, DEFAULT_DATA_DIR));
    cwd.mockReturnValue("/somewhere/else");
    expect(dataDir()).toBe(path.join(ROOT, DEFAULT_DATA_DIR));
    expect(serverDataDir()).toBe(path.join("/somewhere/else", DEFAULT_DATA_DIR));
  });

  it("follows TOKENWATT_DATA_DIR on both sides", () => {
    vi.stubEnv("TOKENWATT_DATA_DIR", "/tmp/tw-data");
    expect(serverDataDir()).toBe("/tmp/tw-data");
    expect(dataDir()).toBe("/tmp/tw-data");
  });
});
