/**
 * macOS powermetrics (needs root: run the runner with sudo, or allow powermetrics in sudoers).
 * Parses "Combined Power (CPU + GPU + ANE): N mW" (Apple silicon) as the SoC's power; Intel Macs'
 * separate "CPU Power" / "GPU Power" lines are not read (no meter is offered from them).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { StreamMeter } from "./stream";

const run = promisify(execFile);

export function parsePowermetricsLine(line: string): number | null {
  const m = /^Combined Power \(CPU \+ GPU \+ ANE\):\s*([\d.]+)\s*mW/.exec(line.trim());
  return m ? Number(m[1]) / 1000 : null;
}

export async function detectPowermetrics(
  command = "powermetrics",
  sudo: string[] = ["sudo", "-n"],
  platform = process.platform,
): Promise<{ meters: StreamMeter[]; note: string | null }> {
  if (platform !== "darwin" && command === "powermetrics") return { meters: [], note: null };
  const [bin, ...pre] = [...sudo, command];
  try {
    await run(bin!, [...pre, "--samplers", "cpu_power", "-i", "100", "-n", "1"], { timeout: 5000 });
  } catch {
    return { meters: [], note: "powermetrics needs root: run `sudo npx tokenwatt bench` to measure power on macOS" };
  }
  return {
    // -b 1: line-buffered output, so each sample arrives when it is written (a pipe is otherwise
    // block-buffered and samples would arrive, and be stamped, in bursts); each sample is the average
    // over the 100 ms before it, stamped at that interval's middle.
    meters: [new StreamMeter("powermetrics:combined", "soc", bin!, [...pre, "--samplers", "cpu_power,gpu_power", "-i", "100", "-b", "1"], parsePowermetricsLine, 100, "sampled", 100, 100)],
    note: null,
  };
}
