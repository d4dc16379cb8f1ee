/**
 * The composition root of the `tokenwatt` CLI, the one place besides app/ that sees both sides:
 * the device commands (runners/cli) get the owner's local store as a SubmissionSink, and the
 * owner's admin commands (lib/server/admin) act through the running server's API with the owner
 * credential, or on the database when no server runs.
 */
import path from "node:path";
import type { Command } from "commander";
import { openAdmin } from "../lib/server/admin/open";
import type { AdminOps } from "../lib/server/admin/ops";
import { registerExplainOutputCommand, registerPublishCommand } from "./commands/publish";
import { adminSink } from "../lib/server/admin/sink";
import { registerSnapshotCommand } from "./commands/snapshot";
import { registerCatalogCommands } from "./commands/catalog";
import { registerReviewCommands } from "./commands/review";
import { resolveModel } from "../runners/models/resolve";
import { registerTokenCommands } from "./commands/token";
import type { CliDeps } from "../runners/cli/deliver";
import { readOwnerCredential, runningServer } from "../lib/server/store/owner-credential";
import { currentLoginCode, ownerLoginUrls } from "../lib/server/http/owner-access";
import { rotateSessions } from "../lib/server/store/owner-sessions";
import { CliError } from "../runners/cli/cli-error";
import { newProgram, registerDeviceCommands, run } from "../runners/cli/index";
import { dataDir } from "../runners/env";

/** drizzle-kit's migrations of this checkout, wherever the CLI runs from. */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "..", "drizzle");

export const openOwnerAdmin = (): Promise<AdminOps> => openAdmin({ dataDir: dataDir(), migrationsDir: MIGRATIONS_DIR });

/** The login URL of this data directory's server when `base` is it (the owner credential is here). */
export function ownerLoginUrl(base: string): string | null {
  const server = runningServer(dataDir());
  if (!server || new URL(server.url).port !== new URL(base).port) return null;
  try {
    return `${base.replace(/\/$/, "")}/login?code=${currentLoginCode(dataDir(), readOwnerCredential(dataDir()))}`;
  } catch {
    return null;
  }
}

export const cliDeps: CliDeps = { openLocalSink: async () => adminSink(await openOwnerAdmin()), ownerLoginUrl };

export function buildProgram(): Command {
  const program = newProgram();
  registerTokenCommands(program, openOwnerAdmin);
  registerDeviceCommands(program, cliDeps);
  registerPublishCommand(program, openOwnerAdmin);
  registerExplainOutputCommand(program, openOwnerAdmin);
  registerSnapshotCommand(program, openOwnerAdmin);
  registerReviewCommands(program, openOwnerAdmin);
  registerCatalogCommands(program, openOwnerAdmin, async (ref) => (await resolveModel(ref, dataDir())).info);
  program
    .command("login-url")
    .description("print the owner's login URL of the server running on this data directory (keep it private); --rotate ends every session first")
    .option("--rotate", "end every owner session (every browser logs in again) and change the login code: the old URL stops working")
    .action((o: { rotate?: boolean }) => {
      if (o.rotate) {
        rotateSessions(dataDir());
        console.error("every owner session has ended; the old login URL no longer works");
      }
      const server = runningServer(dataDir());
      if (!server) {
        if (o.rotate) return;
        throw new CliError("no Tokenwatt server is running on this data directory (npm start prints the login URL when it starts)");
      }
      // The URL on the owner's own *.localhost name (its cookie reaches no other local service), and
      // on 127.0.0.1 for a browser that does not open *.localhost names.
      const urls = ownerLoginUrls(dataDir(), readOwnerCredential(dataDir()), Number(new URL(server.url).port));
      console.log(urls.ownHost);
      console.error(`a browser that does not open *.localhost names (Safari): ${urls.loopback} (its cookie also reaches other services on 127.0.0.1)`);
    });
  return program;
}

export function main(argv: string[]): Promise<number> {
  return run(buildProgram(), argv);
}
