/**
 * `tokenwatt catalog add|list`: the server's model catalog, the layout it trusts for a model file
 * (lib/server/store/model-catalog.ts). `add` reads the file itself (its GGUF header and sha256, or a
 * synthetic model's built-in shape): the admin vouches for the file, never for typed-in figures.
 */
import type { Command } from "commander";
import type { ModelInfo } from "../../lib/core/contracts/submission";
import { CliError } from "../../runners/cli/cli-error";
import { formatBytes } from "../../lib/core/present/format";
import type { AdminOps } from "../../lib/server/admin/ops";
import { withAdmin } from "./token";

/** Reads a model reference (a path, `synthetic:...`, an already downloaded `hf:` file) as a submission describes it. */
export type DescribeModel = (ref: string) => Promise<ModelInfo>;

export function registerCatalogCommands(program: Command, open: () => Promise<AdminOps>, describe: DescribeModel): void {
  const catalog = program.command("catalog").description("the model catalog: the layout (parameters, bytes read per token) the server trusts for each model file");

  catalog
    .command("add")
    .description("trust a model file's layout, read from the file itself (its GGUF header and sha256); later runs of the file are judged against it")
    .argument("<model>", "a GGUF path, synthetic:<shape>:<quant>, or a downloaded hf: reference")
    .option("--moe", "a mixture-of-experts file: a token reads only its active experts, so the file-size checks do not apply")
    .option("--replace", "overwrite the layout the catalog has for this file")
    .action(async (ref: string, o: { moe?: boolean; replace?: boolean }) => {
      if (ref.startsWith("synthetic:")) throw new CliError("a synthetic model needs no catalog entry: the server computes its layout from the built-in shape its name gives");
      let model: ModelInfo;
      try {
        model = await describe(ref);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      if (!model.sha256) throw new CliError(`${ref}: no sha256 for this file, and the catalog is keyed by it`);
      const { sha256, parameterCount: params } = model;
      if (params == null || model.weightsReadPerTokenBytes == null) throw new CliError(`${ref}: its header does not give the parameter count and bytes read per token (a tensor type this version does not know?)`);
      await withAdmin(open, async (ops) => {
        // Refused with the operation's reason where the layout cannot hold or the file has one (--replace overwrites it).
        await ops.call("addLayout", { model, moe: o.moe ?? false, replace: o.replace ?? false });
        console.log(
          `${ops.where} trusts ${model.name} (${sha256.slice(0, 12)}…): ${(params / 1e9).toFixed(2)}B parameters, ` +
            `${formatBytes(model.weightsReadPerTokenBytes)} read per token${model.kvBytesPerToken == null ? "" : `, ${formatBytes(model.kvBytesPerToken)} of KV per token`}`,
        );
      });
    });

  catalog
    .command("list")
    .description("the layouts the server trusts, newest first")
    .action(async () => {
      await withAdmin(open, async (ops) => {
        const { layouts: rows } = await ops.call("listLayouts", {});
        if (!rows.length) return console.log(`${ops.where} has no model layouts yet (the first trusted run of a file sets one)`);
        for (const l of rows)
          console.log(`${l.sha256.slice(0, 12)}…  ${(l.parameterCount / 1e9).toFixed(2)}B params  ${formatBytes(l.weightsReadPerTokenBytes)}/token${l.moe ? "  MoE" : ""}  from ${l.source}  ${new Date(l.createdAt).toISOString().slice(0, 10)}`);
      });
    });
}
