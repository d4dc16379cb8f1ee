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
import { registerPublishCommand } from "../lib/server/admin/publish-command";
import { adminSink } from "../lib/server/admin/sink";
import { registerSnapshotCommand } from "../lib/server/admin/snapshot-command";
import { registerTokenCommands } from "../lib/server/admin/token-command";
import type { CliDeps } from "../runners/cli/deliver";
import { newProgram, registerDeviceCommands, run } from "../runners/cli/index";
import { dataDir } from "../runners/env";

/** drizzle-kit's migrations of this checkout, wherever the CLI runs from. */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "..", "drizzle");

export const openOwnerAdmin = (): Promise<AdminOps> => openAdmin({ dataDir: dataDir(), migrationsDir: MIGRATIONS_DIR });

export const cliDeps: CliDeps = { openLocalSink: async () => adminSink(await openOwnerAdmin()) };

export function buildProgram(): Command {
  const program = newProgram();
  registerTokenCommands(program, openOwnerAdmin);
  registerDeviceCommands(program, cliDeps);
  registerPublishCommand(program, openOwnerAdmin);
  registerSnapshotCommand(program, openOwnerAdmin);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return run(buildProgram(), argv);
}
