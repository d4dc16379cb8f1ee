/**
 * The device side's settings, parsed once (zod) from the environment: the only place under
 * runners/ that reads process.env. (Commander reads TOKENWATT_SERVER, TOKENWATT_TOKEN and
 * TOKENWATT_BROWSER as the defaults of their flags, and says so in --help; TOKENWATT_TOKEN_FILE fills
 * TOKENWATT_TOKEN before that.)
 */
import fs from "node:fs";
import path from "node:path";
import { resolveDataDir } from "../lib/core/data-dir";
import { CliError } from "./cli/cli-error";
import { z } from "zod";

const schema = z.object({
  /** The runner's data folder: outbox, models, agent state; a running server's address and owner credential. */
  TOKENWATT_DATA_DIR: z.string().min(1).optional(),
  /** "0": `npm start` does not measure this machine on an empty database. */
  TOKENWATT_FIRST_RUN: z.enum(["0", "1"]).default("1"),
  /** The model of that first measurement. */
  TOKENWATT_FIRST_RUN_MODEL: z.string().trim().min(1).default("synthetic:smollm2-135m:Q8_0"),
  /** The GPUs CUDA (and so llama.cpp) may use: the power meters read only those. */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
  /** PCI_BUS_ID makes CUDA's device numbers those of nvidia-smi and NVML. */
  CUDA_DEVICE_ORDER: z.string().optional(),
});
export type RunnerEnv = z.infer<typeof schema>;

let cached: RunnerEnv | null = null;

export function runnerEnv(): RunnerEnv {
  if (cached) return cached;
  const r = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
  if (!r.success) throw new Error(`Invalid Tokenwatt configuration:\n${r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  return (cached = r.data);
}

/**
 * The data folder, absolute, by the rule the server shares (lib/core/data-dir.ts): TOKENWATT_DATA_DIR
 * (relative to the working directory), else `.tokenwatt` in the project, where `npm start` keeps it,
 * whatever folder `npx tokenwatt` runs from (the project root found from this file).
 */
export function dataDir(): string {
  return resolveDataDir(runnerEnv().TOKENWATT_DATA_DIR, path.resolve(import.meta.dirname, ".."), path.resolve);
}

/** The environment a measuring child process starts with: this one, plus `extra`. */
export function childProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Tests that change process.env between cases call this; the CLI never does. */
export function resetRunnerEnvForTests(): void {
  cached = null;
}

/**
 * TOKENWATT_TOKEN_FILE: a file holding the token (its first line), read into TOKENWATT_TOKEN where
 * that is not set, so secrets can come from a file (a mounted secret) rather than the environment.
 */
export function tokenFromFile(env: Record<string, string | undefined> = process.env, read: (p: string) => string = (p) => fs.readFileSync(p, "utf8")): void {
  const file = env.TOKENWATT_TOKEN_FILE;
  if (!file || env.TOKENWATT_TOKEN) return;
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new CliError(`TOKENWATT_TOKEN_FILE: cannot read ${file}: ${(e as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (!token) throw new CliError(`TOKENWATT_TOKEN_FILE: ${file} is empty`);
  env.TOKENWATT_TOKEN = token;
}
