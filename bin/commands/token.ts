/** `tokenwatt token create|list|revoke`: bearer tokens for the API (runner, admin, agent). */
import type { Command } from "commander";
import { CliError } from "../../runners/cli/cli-error";
import { TOKEN_ROLES, type TokenRole } from "../../lib/server/store/tokens";
import { AdminError, type AdminOps } from "../../lib/server/admin/ops";

/** Runs `fn` on the owner's admin operations; an AdminError is a one-line CLI error. */
export async function withAdmin<T>(open: () => Promise<AdminOps>, fn: (ops: AdminOps) => Promise<T>): Promise<T> {
  let ops: AdminOps;
  try {
    ops = await open();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  try {
    return await fn(ops);
  } catch (e) {
    if (e instanceof AdminError) throw new CliError(e.message);
    throw e;
  } finally {
    await ops.close();
  }
}

export function registerTokenCommands(program: Command, open: () => Promise<AdminOps>): void {
  const token = program.command("token").description("manage tokens: bearer secrets for the API (uploads, publishing, agents)");

  token
    .command("create")
    .description("create a token; it is printed once, on the last line, and stored only as a hash")
    .requiredOption("--name <name>", "a unique name, e.g. the runner's host name")
    .option("--role <role>", `runner, admin (may also publish and queue jobs) or agent (for \`tokenwatt agent\`, bound to one device)`, "runner")
    .option("--contributor <name>", "a public server's contributor this runner token belongs to: the devices its runs register are theirs to rename and hide")
    .action(async (opts: { name: string; role: string; contributor?: string }) => {
      if (!TOKEN_ROLES.includes(opts.role as TokenRole)) throw new CliError(`--role must be one of ${TOKEN_ROLES.join(", ")}`);
      await withAdmin(open, async (ops) => {
        const { token: t } = await ops.call("createToken", { name: opts.name, role: opts.role as TokenRole, contributor: opts.contributor ?? null });
        console.error(`Created ${opts.role} token "${opts.name}"${opts.contributor ? ` for contributor "${opts.contributor}"` : ""} in ${ops.where}. It is shown only now:`);
        console.log(t);
      });
    });

  token
    .command("list")
    .description("list tokens (names and state, never the secrets)")
    .action(async () => {
      await withAdmin(open, async (ops) => {
        const { tokens: rows } = await ops.call("listTokens", {});
        if (rows.length === 0) {
          console.log("no tokens; create one with `npx tokenwatt token create --name NAME`");
          return;
        }
        // Dates arrive as Date on the database and as ISO strings through the server.
        const fmt = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 19).replace("T", " ") : "-");
        console.table(rows.map((r) => ({ name: r.name, role: r.role, contributor: r.contributor ?? "-", state: r.revokedAt ? "revoked" : "active", created: fmt(r.createdAt), "last used": fmt(r.lastUsedAt) })));
      });
    });

  token
    .command("revoke")
    .description("revoke a token: further uses of it are refused (403)")
    .argument("<name>")
    .action(async (name: string) => {
      await withAdmin(open, async (ops) => {
        await ops.call("revokeToken", { name });
        console.log(`revoked token "${name}"`);
      });
    });
}
