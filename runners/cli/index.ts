/**
 * The device side of the `tokenwatt` CLI: one module per command (bench, bench-browser, probe,
 * upload, import, agent) and the error handling of the whole program. bin/cli.ts composes it with
 * the owner's admin commands (lib/server/admin) and hands it what it needs (CliDeps).
 */
import { Command, CommanderError } from "commander";
import { tokenFromFile } from "../env";
import { CliError } from "./cli-error";
import { TOKENWATT_VERSION } from "../../lib/core/measure/build-submission";
import { registerAgentCommand } from "./agent";
import { registerBenchCommand } from "./bench";
import { registerBenchBrowserCommand } from "./bench-browser";
import type { CliDeps } from "./deliver";
import { registerProbeCommand } from "./probe";
import { registerUploadImportCommands } from "./upload-import";

export function newProgram(): Command {
  return (
    new Command("tokenwatt")
      .description("Measure small language models on real devices; model what offloading GenAI inference saves.")
      .version(TOKENWATT_VERSION)
      .showHelpAfterError()
      .exitOverride()
      // A token given as --token is on the command line, where `ps` and shell history show it.
      .hook("preAction", (_program, cmd) => {
        if (cmd.getOptionValueSource("token") === "cli") {
          console.error("tokenwatt: warning: --token puts the secret where `ps` and your shell history show it; set TOKENWATT_TOKEN or TOKENWATT_TOKEN_FILE instead");
        }
      })
  );
}

export function registerDeviceCommands(program: Command, deps: CliDeps): void {
  registerBenchCommand(program, deps);
  registerBenchBrowserCommand(program, deps);
  registerProbeCommand(program);
  registerUploadImportCommands(program, deps);
  registerAgentCommand(program);
}

/** Runs the program; returns the process exit code. */
export async function run(program: Command, argv: string[]): Promise<number> {
  try {
    tokenFromFile();
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      console.error(`tokenwatt: ${e.message}`);
      return e.exitCode;
    }
    console.error(`tokenwatt: ${(e as Error).message}`);
    return 1;
  }
}
