/** The leaderboard's columns: one list for the headers and the cells of each table on the page. */
import Link from "next/link";
import type { ReactNode } from "react";
import type { LeaderboardQuery, LeaderboardRow } from "../../lib/server/read/leaderboard";
import { formatBytes, formatJPerToken, formatNumber } from "../../lib/core/present/format";
import type { ReportedResult } from "../../lib/core/present/reported";
import type { Column } from "../components/data-table";

const spread = (p25: unknown, p75: unknown) => (p25 == null || p75 == null ? "" : ` (${formatNumber(Number(p25))}–${formatNumber(Number(p75))})`);
/** A median over runs, its interquartile range in parentheses, what it was measured at (`at`), and n, the repetitions behind it. */
const median = (value: unknown, p25: unknown, p75: unknown, reps: unknown, at?: ReactNode) => (
  <>
    {formatNumber(num(value))}
    <span className="spread">{spread(p25, p75)}</span>
    {at}
    {reps != null && <span className="hint"> n {String(reps)}</span>}
  </>
);
const num = (v: unknown) => v as number | null;
const text = (v: unknown) => v as string | null;

/** What identifies a row: device, model, quantization, engine, backend, configuration. */
export const ROW_COLUMNS: Column<LeaderboardRow>[] = [
  {
    header: "Device",
    cell: (r) => (
      <>
        <Link href={`/devices/${r.deviceId}`}>{r.deviceName ? String(r.deviceName) : `${r.deviceVendor} ${r.deviceModel}`}</Link>
        {Number(r.privateRuns) > 0 && (
          <span className="badge private" title={`${r.privateRuns} of ${r.runs} runs not published`}>
            private
          </span>
        )}
      </>
    ),
    cellAttrs: (r) => ({ title: String(r.cpuModel ?? "") }),
  },
  {
    header: "Model",
    cell: (r) => (
      <>
        {r.modelName} {r.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </>
    ),
  },
  { header: "Quant", cell: (r) => r.quantization },
  {
    header: "Engine",
    cell: (r) => (
      <>
        {r.engineName} {r.engineVersion}
      </>
    ),
  },
  { header: "Backend", cell: (r) => r.backend },
  { header: "Configuration", cell: (r) => r.config || "defaults", cellAttrs: () => ({ className: "hint" }) },
];

/** The sortable figures: the sort key the query names, the header, the cell. */
export const SORT_COLUMNS: { key: LeaderboardQuery["sort"]; label: string; cell: (r: LeaderboardRow) => ReactNode }[] = [
  { key: "pp_ts", label: "Prompt t/s", cell: (r) => median(r.ppTokensPerSec, r.ppP25, r.ppP75, r.ppReps) },
  { key: "tg_ts", label: "Generation t/s", cell: (r) => median(r.tgTokensPerSec, r.tgP25, r.tgP75, r.tgReps) },
  {
    key: "ttft_ms",
    label: "TTFT ms",
    cell: (r) => median(r.ttftMs, r.ttftP25Ms, r.ttftP75Ms, r.ttftReps, r.ttftPromptTokens != null && <span className="hint"> @ {String(r.ttftPromptTokens)} tokens</span>),
  },
  { key: "prefill_j_per_token", label: "Prefill J/token", cell: (r) => formatJPerToken(num(r.prefillJPerToken), text(r.prefillEnergyScope), text(r.prefillEnergyTier)) },
  { key: "decode_j_per_token", label: "Decode J/token", cell: (r) => formatJPerToken(num(r.decodeJPerToken), text(r.decodeEnergyScope), text(r.decodeEnergyTier)) },
  { key: "tokens_per_joule", label: "Tokens per J", cell: (r) => formatNumber(num(r.tokensPerJoule), 2) },
  { key: "peak_rss_bytes", label: "Peak memory", cell: (r) => formatBytes(num(r.peakRssBytes)) },
  { key: "roofline_efficiency", label: "Decode roofline", cell: (r) => (r.rooflineEfficiency == null ? "—" : `${formatNumber(Number(r.rooflineEfficiency) * 100, 0)}%`) },
  {
    key: "steady_ts",
    label: "Sustained t/s",
    cell: (r) => (
      <>
        {formatNumber(num(r.sustainedSteadyTokensPerSec))}
        {r.sustainedPeakTokensPerSec != null && <span className="spread"> (peak {formatNumber(Number(r.sustainedPeakTokensPerSec))})</span>}
      </>
    ),
  },
  {
    key: "throttle_ratio",
    label: "Throttle ratio",
    cell: (r) => (
      <>
        {r.throttleRatio == null ? "—" : `×${formatNumber(Number(r.throttleRatio), 2)}`}
        {r.throttleRatio != null && (
          <span className="spread">
            {r.timeToThrottleS == null ? " (no throttling)" : ` (after ${formatNumber(Number(r.timeToThrottleS), 0)} s)`}
            {r.sustainedStartCpuC == null ? "" : `, from ${formatNumber(Number(r.sustainedStartCpuC), 0)} °C`}
          </span>
        )}
      </>
    ),
  },
  { key: "runs", label: "Runs", cell: (r) => r.runs },
];

/** The sortable figures as columns: each header links to the board sorted by it (again: the other way), and says how the board is sorted. */
export function sortableColumns(q: Pick<LeaderboardQuery, "sort" | "dir">, href: (patch: Record<string, string>) => string): Column<LeaderboardRow>[] {
  return SORT_COLUMNS.map((c) => ({
    key: c.key,
    header: (
      <Link href={href({ sort: c.key, dir: q.sort === c.key && q.dir === "desc" ? "asc" : "desc" })}>
        {c.label}
        {q.sort === c.key ? (q.dir === "desc" ? " ▼" : " ▲") : ""}
      </Link>
    ),
    numeric: true,
    headerAttrs: { "aria-sort": q.sort === c.key ? (q.dir === "desc" ? "descending" : "ascending") : "none" },
    cell: c.cell,
  }));
}

/** Literature figures, labelled reported, with their source. */
export const REPORTED_COLUMNS: Column<ReportedResult>[] = [
  {
    header: "Device",
    cell: (r) => (
      <>
        {r.device} <span className="badge reported">reported</span>
      </>
    ),
  },
  { header: "Model", cell: (r) => r.model },
  { header: "Quant", cell: (r) => r.quantization },
  { header: "Decode t/s", numeric: true, cell: (r) => (r.decodeTokensPerSec == null ? "—" : formatNumber(r.decodeTokensPerSec)) },
  {
    header: "J/token",
    numeric: true,
    cell: (r) => (r.decodeJPerToken == null ? "—" : `${formatNumber(r.decodeJPerToken, 2)} J (${r.energyScope ?? "scope not stated"})`),
  },
  { header: "Note", cell: (r) => r.note, cellAttrs: () => ({ className: "source" }) },
  { header: "Source", cell: (r) => r.source, cellAttrs: () => ({ className: "source" }) },
];
