/** The `tokenwatt` CLI: one module per command. Returns the process exit code. */
import { Command, CommanderError } from "commander";
import { CliError } from "./errors";
import { registerAgentCommand } from "./agent";
import { registerBenchCommand } from "./bench";
import { registerBenchBrowserCommand } from "./bench-browser";
import { registerProbeCommand } from "./probe";
import { registerPublishCommand } from "./publish";
import { registerSnapshotCommand } from "./snapshot";
import { registerTokenCommands } from "./token";
import { registerUploadImportCommands } from "./upload-import";


export function buildProgram(): Command {
  const program = new Command("tokenwatt")
    .description("Measure small language models on real devices; model what offloading GenAI inference saves.")
    .showHelpAfterError()
    .exitOverride();
  registerTokenCommands(program);
  registerBenchCommand(program);
  registerBenchBrowserCommand(program);
  registerProbeCommand(program);
  registerPublishCommand(program);
  registerSnapshotCommand(program);
  registerUploadImportCommands(program);
  registerAgentCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
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
