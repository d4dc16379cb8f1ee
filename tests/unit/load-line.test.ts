import { describe, expect, it } from "vitest";
import { loadLine } from "../../lib/core/present/format";

describe("loadLine", () => {
  it("gives each share of the machine's CPU time over the timed repetitions", () => {
    // 4 s on 2 CPUs = 8 CPU-seconds: 3.6 s own (45%), 0.4 s others (5%), 0.08 s steal (1%).
    expect(loadLine({ wallNs: 4e9, ownCpuNs: 3.6e9, otherCpuNs: 0.4e9, stealNs: 0.08e9, logicalCpus: 2, source: "procfs" })).toBe(
      "CPU while it ran (shares of 2 logical CPUs over 4.0 s, /proc/stat): this run 45%, other processes 5%, steal 1%.",
    );
  });
  it("says what was not measured", () => {
    expect(loadLine({ wallNs: 2e9, ownCpuNs: 1e9, otherCpuNs: 0, stealNs: null, logicalCpus: 8, source: "os" })).toBe(
      "CPU while it ran (shares of 8 logical CPUs over 2.0 s, os.cpus()): this run 6%, other processes 0%, steal not measured.",
    );
    expect(loadLine(null)).toBe("CPU while it ran: not recorded.");
    expect(loadLine({ wallNs: 0, ownCpuNs: 0, otherCpuNs: 0, stealNs: 0, logicalCpus: 4, source: "procfs" })).toBe("CPU while it ran: not recorded (no wall time).");
  });
});
