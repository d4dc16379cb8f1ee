/** `tokenwatt upload` (send the outbox) and `tokenwatt import llama-bench FILE`. */
import fs from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { parseSubmission, type ModelInfo, type Submission } from "../../lib/core/contracts/submission";
import { describeGguf } from "../models/resolve";
import { probeDevice } from "../native/device/probe";
import { ImportError, llamaBenchToSubmissions, readLlamaBench } from "../import/llama-bench";
import { importedDevice, MachineError, whichMachine } from "../import/imported-device";
import { flushOutbox } from "../upload/outbox";
import { outbox as defaultOutbox, storeLocally, type CliDeps } from "./deliver";
import { CliError } from "./cli-error";

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
    .description(
      "import llama-bench output (-o json, jsonl, csv or sql, or its markdown table as pasted in an issue, with the log lines above it) " +
        "into the local database or a server; results of another machine are stored as that machine's, labelled imported",
    )
    .argument("<file>")
    .addOption(new Option("--server <url>").env("TOKENWATT_SERVER"))
    .addOption(new Option("--token <token>").env("TOKENWATT_TOKEN"))
    .option("--source-url <url>", "where the output was published (an issue, a discussion): stored and shown with the results; implies another machine")
    .option("--device-name <name>", "the machine it ran on (implies another machine)")
    .option("--cpu <name>", "its CPU, where the output does not name it (implies another machine)")
    .option("--gpu <names>", "its GPU(s), comma-separated, where the output does not name them (implies another machine)")
    .option("--cores <n>", "its CPU's core count (another machine; unknown otherwise)")
    .option("--repetitions <n>", "repetitions behind each mean of a csv, sql or markdown output (llama-bench -r; default: 5 assumed)")
    .option("--this-machine", "the output was measured on this machine (checked against its CPU where the output names one)")
    .action(async (file: string, o: ImportOptions) => {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      const subs = await importSubmissions(file, text, o);
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
        if (!r.ok) return;
        console.log(`${s.submissionId}: ${r.status} (${s.model.name}, ${s.workloads.length} workloads)`);
        console.log(`  ${s.device.backend} on ${s.source?.machine === "other" ? `another machine: ${s.device.model}` : "this machine"}${s.source?.url ? `, from ${s.source.url}` : ""}`);
      });
      if (results.some((r) => !r.ok)) throw new CliError("some submissions were not stored; they wait in the outbox", 1);
    });
}

interface ImportOptions {
  server?: string;
  token?: string;
  sourceUrl?: string;
  deviceName?: string;
  cpu?: string;
  gpu?: string;
  cores?: string;
  repetitions?: string;
  thisMachine?: boolean;
}

const positiveInt = (v: string | undefined, flag: string): number | null => {
  if (v == null) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`${flag} must be an integer from 1 to 1000`);
  return n;
};

/** The submissions of one llama-bench output, as this machine's or as another machine's. */
async function importSubmissions(file: string, text: string, o: ImportOptions): Promise<Submission[]> {
  const gpus = o.gpu?.split(",").map((g) => g.trim()).filter(Boolean) ?? null;
  const described = Boolean(o.sourceUrl || o.deviceName || o.cpu || gpus?.length);
  if (described && o.thisMachine) throw new CliError("--this-machine cannot go with --source-url, --device-name, --cpu or --gpu (those describe another machine)");
  if (o.sourceUrl && !/^https?:\/\/\S+$/.test(o.sourceUrl)) throw new CliError("--source-url must be an http(s) URL");
  const cores = positiveInt(o.cores, "--cores");
  const repetitions = positiveInt(o.repetitions, "--repetitions");
  try {
    const { format, rows } = readLlamaBench(text);
    const probe = await probeDevice("cpu", null);
    const machine = whichMachine({ named: rows.find((r) => r.cpu_info)?.cpu_info ?? null, thisCpu: probe.cpu.model, described, thisMachine: Boolean(o.thisMachine) });
    // Model files still where llama-bench read them describe themselves (hash, tensor layout).
    const files = new Map<string, ModelInfo | null>();
    for (const f of new Set(rows.map((r) => r.model_filename).filter(Boolean))) {
      const p = path.resolve(path.dirname(file), f);
      files.set(f, fs.existsSync(f) ? await describeGguf(f, "real", f).catch(() => null) : fs.existsSync(p) ? await describeGguf(p, "real", f).catch(() => null) : null);
    }
    const note = machine === "other" && cores == null ? "CPU core count not reported (--cores)" : null;
    return llamaBenchToSubmissions(rows, {
      // This machine keeps the probe's own spelling of its CPU, so imported rows join its native runs' device.
      device: (m) => (machine === "this" ? { ...probe, backend: m.backend, availableBackends: [...new Set([...probe.availableBackends, m.backend])] } : importedDevice(m, { deviceName: o.deviceName, cpu: o.cpu, gpus, cores })),
      model: (f) => files.get(f) ?? null,
      source: { tool: "llama-bench", url: o.sourceUrl ?? null, machine, note },
      format,
      repetitions,
      importedAt: new Date().toISOString(),
    });
  } catch (e) {
    if (e instanceof ImportError || e instanceof MachineError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}
