/**
 * A sampled meter fed by a long-running command that prints one reading per interval (nvidia-smi
 * -lms, powermetrics -i). Each parsed line is stamped when it is read (the command writes each line
 * unbuffered), or at the middle of the interval it averages; the command starts before the window
 * opens (start() waits for its first reading).
 */
import { spawn } from "node:child_process";
import type { EnergyTier, PowerScope } from "../../../lib/core/contracts/submission";
import { nowNs, type MeterRecorder, type PowerMeter } from "./meter";

/** How long start() waits for a streaming command's first reading, ms. */
const FIRST_READING_TIMEOUT_MS = 5000;

export class StreamMeter implements PowerMeter {
  readonly method = "sampled" as const;
  constructor(
    readonly sensor: string,
    readonly scope: PowerScope,
    private readonly command: string,
    private readonly args: string[],
    /** Parses one output line into watts, or null for lines without a reading. */
    private readonly parseLine: (line: string) => number | null,
    readonly periodMs = 100,
    readonly tier: EnergyTier = "sampled",
    /** How often the sensor itself updates, ms (nvidia-smi's power.draw is a 1 s average). */
    private readonly sensorPeriodMs = periodMs,
    /**
     * A reading that is the average over the interval before it (powermetrics) describes that
     * interval's middle: it is stamped this many ms before it arrives. 0 for instantaneous readings.
     */
    private readonly averagedOverMs = 0,
  ) {}

  async start(): Promise<MeterRecorder> {
    const tNs: number[] = [];
    const values: number[] = [];
    const child = spawn(this.command, this.args, { stdio: ["ignore", "pipe", "ignore"] });
    let buf = "";
    let first: () => void = () => {};
    const firstReading = new Promise<void>((r) => (first = r));
    child.stdout.on("data", (d: Buffer) => {
      const t = nowNs() - (this.averagedOverMs / 2) * 1e6;
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = this.parseLine(line);
        if (w != null && Number.isFinite(w) && w >= 0) {
          tNs.push(t);
          values.push(w);
          first();
        }
      }
    });
    child.on("error", () => first());
    child.on("exit", () => first());
    await Promise.race([firstReading, new Promise((r) => setTimeout(r, FIRST_READING_TIMEOUT_MS))]);
    return {
      stop: async () => {
        // Wait for a reading stamped after the last repetition ended (at most a few periods).
        const stopAt = nowNs();
        const deadline = Date.now() + Math.max(2000, this.periodMs * 5);
        while (!(tNs.length && tNs[tNs.length - 1]! > stopAt) && Date.now() < deadline && child.exitCode === null) {
          await new Promise((r) => setTimeout(r, this.periodMs / 4));
        }
        child.kill("SIGTERM");
        return { kind: "power", tNs, values, periodMs: Math.max(this.periodMs, this.sensorPeriodMs), sensor: this.sensor, scope: this.scope, method: this.method, tier: this.tier };
      },
    };
  }
}
