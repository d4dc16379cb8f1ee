/** `tokenwatt token create|list|revoke`: runner tokens for the ingest API. */
import type { Command } from "commander";
import { openDbForCli } from "../../lib/server/db/embedded-server";
import { createToken, listTokens, revokeToken, TOKEN_ROLES, TokenError, type TokenRole } from "../../lib/server/store/tokens";
import type { DbHandle } from "../../lib/server/db/client";
import { CliError } from "./errors";

async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await openDbForCli();
  try {
    return await fn(h);
  } catch (e) {
    if (e instanceof TokenError) throw new CliError(e.message);
    throw e;
  } finally {
    await h.close();
  }
}

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("manage runner tokens (bearer tokens for POST /api/v1/submissions)");

  token
    .command("create")
    .description("create a token; it is printed once, on the last line, and stored only as a hash")
    .requiredOption("--name <name>", "a unique name, e.g. the runner's host name")
    .option("--role <role>", `runner, admin (may also publish and queue jobs) or agent (for \`tokenwatt agent\`, bound to one device)`, "runner")
    .action(async (opts: { name: string; role: string }) => {
      if (!TOKEN_ROLES.includes(opts.role as TokenRole)) throw new CliError(`--role must be one of ${TOKEN_ROLES.join(", ")}`);
      await withDb(async (h) => {
        const t = await createToken(h.db, opts.name, opts.role as TokenRole);
        console.error(`Created ${opts.role} token "${opts.name}" in ${h.kind} (${h.location}). It is shown only now:`);
        console.log(t);
      });
    });

  token
    .command("list")
    .description("list tokens (names and state, never the secrets)")
    .action(async () => {
      await withDb(async (h) => {
        const rows = await listTokens(h.db);
        if (rows.length === 0) {
          console.log("no tokens; create one with `npx tokenwatt token create --name NAME`");
          return;
        }
        const fmt = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace("T", " ") : "-");
        const table = rows.map((r) => ({
          name: r.name,
          role: r.role,
          state: r.revokedAt ? "revoked" : "active",
          created: fmt(r.createdAt),
          "last used": fmt(r.lastUsedAt),
        }));
        console.table(table);
      });
    });

  token
    .command("revoke")
    .description("revoke a token: further uploads with it are refused (403)")
    .argument("<name>")
    .action(async (name: string) => {
      await withDb(async (h) => {
        await revokeToken(h.db, name);
        console.log(`revoked token "${name}"`);
      });
    });
}
