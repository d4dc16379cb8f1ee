/**
 * Secrets on the CLI: a token from TOKENWATT_TOKEN_FILE (a mounted secret) or the environment, and a
 * warning when one is typed as --token, where `ps` and shell history show it.
 */
import { Option } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newProgram, run } from "../../runners/cli/index";
import { tokenFromFile } from "../../runners/env";

afterEach(() => vi.restoreAllMocks());

function program(seen: (t: string | undefined) => void) {
  const p = newProgram();
  p.command("send")
    .addOption(new Option("--token <token>").env("TOKENWATT_TOKEN"))
    .action((o: { token?: string }) => seen(o.token));
  return p;
}

describe("tokens on the command line", () => {
  it("warns when the token is typed as --token, not when it comes from the environment", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    let got: string | undefined;
    expect(await run(program((t) => (got = t)), ["node", "tokenwatt", "send", "--token", "tw_secret"])).toBe(0);
    expect(got).toBe("tw_secret");
    expect(err.mock.calls.flat().join("\n")).toMatch(/--token puts the secret where `ps`/);
    err.mockClear();
    vi.stubEnv("TOKENWATT_TOKEN", "tw_env");
    try {
      expect(await run(program((t) => (got = t)), ["node", "tokenwatt", "send"])).toBe(0);
      expect(got).toBe("tw_env");
      expect(err).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("reads TOKENWATT_TOKEN_FILE's first line where TOKENWATT_TOKEN is not set, and says what is wrong with it", () => {
    const env: Record<string, string | undefined> = { TOKENWATT_TOKEN_FILE: "/run/secrets/tw" };
    tokenFromFile(env, () => "tw_from_file\n");
    expect(env.TOKENWATT_TOKEN).toBe("tw_from_file");
    const set: Record<string, string | undefined> = { TOKENWATT_TOKEN_FILE: "/x", TOKENWATT_TOKEN: "tw_env" };
    tokenFromFile(set, () => "other");
    expect(set.TOKENWATT_TOKEN).toBe("tw_env");
    expect(() => tokenFromFile({ TOKENWATT_TOKEN_FILE: "/x" }, () => "\n")).toThrow(/is empty/);
    expect(() => tokenFromFile({ TOKENWATT_TOKEN_FILE: "/nope" }, () => { throw new Error("ENOENT"); })).toThrow(/cannot read \/nope: ENOENT/);
  });
});
