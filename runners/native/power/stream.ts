/**
 * A sampled meter fed by a long-running command that prints one reading per interval (nvidia-smi
 * -lms, powermetrics -i). Lines are parsed into watts; the window integrates them.
 */
import { spawn } from "node:child_process";
import type { PowerReading } from "../../../lib/core/contracts/submission";
import { integrateJ, nowNs, type MeterWindow, type PowerMeter } from "./meter";

export class StreamMeter implements PowerMeter {
  readonly method = "sampled" as const;
  constructor(
    readonly sensor: string,
    readonly scope: PowerReading["scope"],
    private readonly command: string,
    private readonly args: string[],
    /** Parses one output line into watts, or null for lines without a reading. */
    private readonly parseLine: (line: string) => number | null,
    readonly minWindowMs = 200,
  ) {}

  async begin(): Promise<MeterWindow> {
    const start = nowNs();
    const tMs: number[] = [];
    const powerW: number[] = [];
    const child = spawn(this.command, this.args, { stdio: ["ignore", "pipe", "ignore"] });
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = this.parseLine(line);
        if (w != null && Number.isFinite(w) && w >= 0) {
          tMs.push(Number(nowNs() - start) / 1e6);
          powerW.push(w);
        }
      }
    });
    child.on("error", () => {});
    return {
      close: async () => {
        const durationNs = Math.max(1, Number(nowNs() - start));
        child.kill("SIGTERM");
        const ok = tMs.length >= 2;
        // Extend the first and last samples to the window's edges so the integral covers it all.
        const t = ok ? [0, ...tMs, durationNs / 1e6] : [];
        const p = ok ? [powerW[0]!, ...powerW, powerW[powerW.length - 1]!] : [];
        const energyJ = ok ? integrateJ(t, p) : null;
        return {
          reading: {
            method: ok ? "sampled" : "unavailable",
            scope: this.scope,
            sensor: this.sensor,
            durationNs,
            energyJ,
            avgPowerW: energyJ != null ? energyJ / (durationNs / 1e9) : null,
            idlePowerW: null,
          },
          trace: ok ? { tMs, powerW } : null,
        };
      },
    };
  }
}
