/** `tokenwatt upload` (send the outbox) and `tokenwatt import llama-bench FILE`. */
import fs from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { parseSubmission, type ModelInfo } from "../../lib/core/contracts/submission";
import { describeGguf } from "../models/resolve";
import { probeDevice } from "../native/device/probe";
import { ImportError, llamaBenchToSubmissions, parseLlamaBench } from "../import/llama-bench";
import { flushOutbox } from "../upload/outbox";
import { outbox as defaultOutbox, storeLocally, type CliDeps } from "./deliver";
import { CliError } from "../../lib/core/cli-error";

export function registerUploadImportCommands(program: Command, deps: CliDeps): void {
  program
    .command("upload")
    .description("send the submissions waiting in the outbox (those a server could not take) to a server")
    .addOption(new Option("--server <url>", "Tokenwatt server").env("TOKENWATT_SERVER").makeOptionMandatory())
    .addOption(new Option("--token <token>", "runner token").env("TOKENWATT_TOKEN").makeOptionMandatory())
    .option("--attempts <n>", "tries per submission", "4")
    .action(async (o: { server: string; token: string; attempts: string }) => {
      const attempts = Number(o.attempts);
      if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new CliError("--attempts must be an integer from 1 to 100");
      const outbox = defaultOutbox();
      const n = outbox.pending().length;
      if (n === 0) {
        console.log("the outbox is empty: nothing to upload");
        return;
      }
      const c = await flushOutbox(outbox, o.server, o.token, attempts, (m) => console.error(m));
      console.log(`${c.delivered} delivered, ${c.duplicates} already on the server, ${c.failed} still waiting, ${c.rejected} rejected`);
      if (c.failed || c.rejected) throw new CliError("some submissions were not delivered", 1);
    });

  program
    .command("import")
    .description("import results of other tools")
    .command("llama-bench")
    .description("import llama-bench -o json or -o jsonl output (measured on this machine) into the local database or a server")
    .argument("<file>")
    .addOption(new Option("--server <url>").env("TOKENWATT_SERVER"))
    .addOption(new Option("--token <token>").env("TOKENWATT_TOKEN"))
    .action(async (file: string, o: { server?: string; token?: string }) => {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      let subs;
      try {
        const rows = parseLlamaBench(text);
        const probe = await probeDevice("cpu", null);
        // Model files still where llama-bench read them describe themselves (hash, tensor layout).
        const files = new Map<string, ModelInfo | null>();
        for (const f of new Set(rows.map((r) => r.model_filename))) {
          const p = path.resolve(path.dirname(file), f);
          files.set(f, fs.existsSync(f) ? await describeGguf(f, "real", f).catch(() => null) : fs.existsSync(p) ? await describeGguf(p, "real", f).catch(() => null) : null);
        }
        subs = llamaBenchToSubmissions(rows, {
          device: (backend, cpuInfo) => ({ ...probe, backend, cpu: { ...probe.cpu, model: cpuInfo || probe.cpu.model } }),
          model: (f) => files.get(f) ?? null,
        });
      } catch (e) {
        if (e instanceof ImportError) throw new CliError(`${file}: ${e.message}`);
        throw e;
      }
      const checked = subs.map((s) => parseSubmission(s));
      const bad = checked.findIndex((c) => !c.ok);
      if (bad >= 0) throw new CliError(`${file}: group ${bad + 1} is not a valid submission: ${JSON.stringify((checked[bad] as { issues: unknown }).issues)}`);
      const outbox = defaultOutbox();
      const valid = checked.flatMap((c) => (c.ok ? [c.submission] : []));
      valid.forEach((s) => outbox.put(s));
      if (o.server) {
        if (!o.token) throw new CliError("--server needs --token");
        const c = await flushOutbox(outbox, o.server, o.token, 4, (m) => console.error(m));
        console.log(`${subs.length} submission(s): ${c.delivered} created, ${c.duplicates} already there, ${c.failed} waiting in the outbox`);
        return;
      }
      const results = await storeLocally(valid, deps, (m) => console.error(m));
      valid.forEach((s, i) => {
        const r = results[i]!;
        if (r.ok) console.log(`${s.submissionId}: ${r.status} (${s.model.name}, ${s.workloads.length} workloads)`);
      });
      if (results.some((r) => !r.ok)) throw new CliError("some submissions were not stored; they wait in the outbox", 1);
    });
}
