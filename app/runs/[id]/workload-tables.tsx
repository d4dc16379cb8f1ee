/** The run page's tables of one workload: a batch sweep (one row per batch size) and the raw samples (one row per repetition). */
import type { getRun } from "../../../lib/server/read/runs";
import { formatJPerToken, formatMedian, formatNumber } from "../../../lib/core/present/format";
import { median } from "../../../lib/core/measure/stats";
import { DataTable, type Column } from "../../components/data-table";

export type WorkloadRow = NonNullable<Awaited<ReturnType<typeof getRun>>>["workloads"][number];

const SWEEP_COLUMNS: Column<WorkloadRow>[] = [
  { header: "B", numeric: true, cell: (w) => w.nBatch },
  { header: "Status", cell: (w) => (w.status === "ok" ? "ok" : `${w.status}: ${w.error}`) },
  {
    header: "Tokens/s (aggregate, median over repetitions)",
    numeric: true,
    cell: (w) => formatMedian(w.medianTokensPerSec, w.p25TokensPerSec, w.p75TokensPerSec, w.samplesNs.length, ""),
  },
  { header: "Tokens/s per sequence", numeric: true, cell: (w) => (w.medianTokensPerSec == null ? "—" : formatNumber(w.medianTokensPerSec / w.nBatch)) },
  {
    header: "First token (ms, median over repetitions of the sequences' mean)",
    numeric: true,
    cell: (w) => {
      const firsts = (w.samplesFirstTokenNs ?? []).filter((x): x is number => x != null);
      return firsts.length ? formatNumber(median(firsts) / 1e6, 0) : "—";
    },
  },
  { header: "Energy per token", numeric: true, cell: (w) => formatJPerToken(w.jPerToken, w.energyScope, w.energyTier, 3, w.jPerTokenRange) },
];

/** The same workload at each batch size, smallest first; the heading above the table names it. */
export function BatchSweepTable({ workloads }: { workloads: WorkloadRow[] }) {
  return <DataTable columns={SWEEP_COLUMNS} rows={[...workloads].sort((a, c) => a.nBatch - c.nBatch)} rowKey={(w) => w.id} />;
}

/** Every repetition as measured: duration, tokens, its speed (or time to first token) and energy. */
export function SamplesTable({ w }: { w: WorkloadRow }) {
  const columns: Column<number>[] = [
    { header: "#", cell: (k) => k + 1 },
    { header: "Duration (ns)", numeric: true, cell: (k) => w.samplesNs[k]!.toLocaleString("en-US") },
    { header: "Prompt tokens", numeric: true, cell: (k) => w.samplesPromptTokens[k] },
    { header: "Generated tokens", numeric: true, cell: (k) => w.samplesGenTokens[k] },
    {
      header: w.workloadId === "ttft" ? "ms" : "tokens/s",
      numeric: true,
      cell: (k) => {
        const ns = w.samplesNs[k]!;
        return w.workloadId === "ttft" ? formatNumber(ns / 1e6) : formatNumber(((w.samplesPromptTokens[k]! + w.samplesGenTokens[k]!) * 1e9) / ns);
      },
    },
    { header: "Energy (J)", numeric: true, cell: (k) => (w.samplesEnergyJ?.[k] == null ? "—" : formatNumber(w.samplesEnergyJ[k], 3)) },
  ];
  return <DataTable caption={w.sustained != null ? "Raw samples (one per interval)" : "Raw samples"} columns={columns} rows={w.samplesNs.map((_, k) => k)} />;
}
