/**
 * An external meter (a smart plug, a USB power meter): an HTTP endpoint answering JSON with the
 * current watts ({"watts": n}, {"power": n}, {"power_w": n}, {"apower": n} or a bare number), or a
 * command that prints watts. Sampled and integrated; scope "wall".
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SampledMeter } from "./meter";

const run = promisify(execFile);

export function wattsFromJson(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (v && typeof v === "object") {
    for (const k of ["watts", "power_w", "power", "apower"]) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === "number") return x;
    }
  }
  return null;
}

export function externalHttpMeter(url: string, periodMs = 100): SampledMeter {
  const read = async () => {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok ? wattsFromJson(await r.json()) : null;
  };
  return new SampledMeter(`external:${new URL(url).host}`, "wall", read, periodMs, "external");
}

export function externalCommandMeter(commandLine: string, periodMs = 100): SampledMeter {
  const read = async () => {
    const { stdout } = await run("sh", ["-c", commandLine], { timeout: 2000 });
    const v = Number(stdout.trim().split(/\s+/)[0]);
    return Number.isFinite(v) ? v : null;
  };
  return new SampledMeter("external:command", "wall", read, periodMs, "external");
}
