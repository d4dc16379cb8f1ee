import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIRST_RUN_REPETITIONS, FIRST_RUN_WORKLOADS, inProgress, onWorkloadEvent, parseFirstRunStatus, progressLine, rerunCommand, startedStatus } from "../../lib/core/contracts/first-run";
import { REPORTED_LLAMA_BENCH, reportedNeighbours, sizeClassOf } from "../../lib/core/present/reported";
import { isLeaderboardWorkload } from "../../lib/core/contracts/workloads";
import { leaderboardQuerySchema } from "../../lib/server/read/leaderboard";

const t0 = new Date("2026-12-01T10:00:00.000Z");

describe("the first run's workloads", () => {
  it("include the default leaderboard's pp and tg workloads, with enough repetitions for the noise check", () => {
    const board = leaderboardQuerySchema.parse({});
    expect(FIRST_RUN_WORKLOADS).toContain(board.pp);
    expect(FIRST_RUN_WORKLOADS).toContain(board.tg);
    expect(isLeaderboardWorkload(board.pp, "pp") && isLeaderboardWorkload(board.tg, "tg")).toBe(true);
    expect(FIRST_RUN_REPETITIONS).toBeGreaterThanOrEqual(3);
  });
});

describe("first-run progress", () => {
  it("counts workloads as the session loads them, and says which", () => {
    let s = startedStatus("synthetic:smollm2-135m:Q8_0", t0);
    expect(progressLine(s)).toBe("measuring this machine: idle power and memory bandwidth first");
    s = onWorkloadEvent(s, { workloadId: "pp512", phase: "load" }, t0);
    expect(progressLine(s)).toBe("measuring this machine: workload 1 of 3, pp512");
    s = onWorkloadEvent(s, { workloadId: "pp512", phase: "rep" }, t0);
    s = onWorkloadEvent(s, { workloadId: "tg128", phase: "load" }, t0);
    expect(progressLine(s)).toBe("measuring this machine: workload 2 of 3, tg128");
    s = onWorkloadEvent(s, { workloadId: "tg128", phase: "failed" }, t0);
    s = onWorkloadEvent(s, { workloadId: "tg128", phase: "failed" }, t0);
    expect(s.failed).toEqual(["tg128"]);
    expect(inProgress(s)).toBe(true);
    expect(inProgress({ ...s, state: "storing" })).toBe(true);
    expect(inProgress({ ...s, state: "done" })).toBe(false);
    expect(inProgress({ ...s, state: "failed" })).toBe(false);
    expect(inProgress(null)).toBe(false);
  });

  it("a repetition changes nothing the page shows (no needless write)", () => {
    const s = onWorkloadEvent(startedStatus("m.gguf", t0), { workloadId: "pp512", phase: "load" }, t0);
    expect(onWorkloadEvent(s, { workloadId: "pp512", phase: "rep" }, t0)).toBe(s);
  });

  it("names the command that measures the same thing again", () => {
    expect(rerunCommand(startedStatus("synthetic:smollm2-135m:Q8_0", t0))).toBe("npx tokenwatt bench -m synthetic:smollm2-135m:Q8_0 -w pp512,tg128,ttft -r 3");
  });

  it("reads a status file it wrote, and refuses anything else", () => {
    const s = startedStatus("synthetic:smollm2-135m:Q8_0", t0);
    expect(parseFirstRunStatus(JSON.stringify(s))).toEqual(s);
    expect(parseFirstRunStatus(null)).toBeNull();
    expect(parseFirstRunStatus("{not json")).toBeNull();
    expect(parseFirstRunStatus(JSON.stringify({ ...s, state: "sleeping" }))).toBeNull();
    expect(parseFirstRunStatus(JSON.stringify({ ...s, step: -1 }))).toBeNull();
    expect(parseFirstRunStatus(JSON.stringify({ ...s, submissionId: "not-a-uuid" }))).toBeNull();
  });
});

describe("reported neighbours of the home chart", () => {
  it("size classes follow the leaderboard's Size filter", () => {
    expect(sizeClassOf(134.5e6)).toBe("<1B");
    expect(sizeClassOf(999.89e6)).toBe("<1B");
    expect(sizeClassOf(1e9)).toBe("1-3B");
    expect(sizeClassOf(3.21e9)).toBe("3-8B");
    expect(sizeClassOf(14.77e9)).toBe(">8B");
    expect(sizeClassOf(null)).toBeNull();
    expect(sizeClassOf(0)).toBeNull();
  });

  it("are the same size class's published figures for the same workload, and none for an unknown size", () => {
    expect(reportedNeighbours(134.5e6, "tg128").map((r) => r.model)).toEqual(["gemma3 1B IQ1_S - 1.5625 bpw"]);
    expect(reportedNeighbours(1.24e9, "tg128").every((r) => r.parameterCount >= 1e9 && r.parameterCount < 3e9)).toBe(true);
    expect(reportedNeighbours(1.24e9, "tg128").length).toBeGreaterThan(1);
    expect(reportedNeighbours(134.5e6, "tg32")).toEqual([]);
    expect(reportedNeighbours(null, "tg128")).toEqual([]);
  });

  it("every reported figure is in the published table it cites, whose link is the one shown", () => {
    for (const r of REPORTED_LLAMA_BENCH) {
      const text = readFileSync(path.join("tests/fixtures/llama-bench/public", r.fixture), "utf8");
      expect(text.split("\n")[0], r.fixture).toContain(`source: ${r.source} `);
      const row = text.split("\n").find((l) => l.includes(r.model) && /tg ?128/.test(l) && l.includes(r.tokensPerSec.toFixed(2)));
      expect(row, `${r.device} ${r.model} ${r.tokensPerSec}`).toBeTruthy();
    }
  });
});
