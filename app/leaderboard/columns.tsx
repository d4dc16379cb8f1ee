/** The leaderboard's columns: one list for the headers and the cells of each table on the page. */
import Link from "next/link";
import type { ReactNode } from "react";
import { SORTABLE, splitCols, type LeaderboardQuery, type LeaderboardRow, type LeaderboardView, type PickableColumn } from "../../lib/server/read/leaderboard";
import { formatBytes, formatJPerToken, formatNumber } from "../../lib/core/present/format";
import type { ReportedResult } from "../../lib/core/present/reported";
import { compositeScore } from "../../lib/core/measure/score";
import type { Column } from "../components/data-table";
import { vendorAndModel } from "../../lib/core/present/device-name";

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
const numOrNull = (v: unknown) => (v == null ? null : Number(v));

/** A row's composite score: only a pp512/tg128 row of the score's model, with its TTFT at the reference's prompt length. */
export function rowScore(r: LeaderboardRow): number | null {
  if (r.ppWorkload !== "pp512" || r.tgWorkload !== "tg128") return null;
  const s = compositeScore({
    modelName: String(r.modelName),
    quantization: String(r.quantization),
    pp512Ts: numOrNull(r.ppTokensPerSec),
    tg128Ts: numOrNull(r.tgTokensPerSec),
    ttftMs: numOrNull(r.ttftMs),
    ttftPromptTokens: numOrNull(r.ttftPromptTokens),
  });
  return s.score;
}
const text = (v: unknown) => v as string | null;

/**
 * One figure or property a reader may show: its header, its cell, and the row field whose null leaves
 * the cell empty, or `value` where the figure is computed from several (neither: never empty).
 */
interface BoardColumn {
  label: string;
  cell: (r: LeaderboardRow) => ReactNode;
  field?: keyof LeaderboardRow;
  value?: (r: LeaderboardRow) => unknown;
  numeric?: boolean;
}

/** Every column of the board but rank, device and model, by the key `sort` and `cols` name it with. */
export const BOARD_COLUMNS: Record<PickableColumn, BoardColumn> = {
  pp_ts: { label: "Prompt t/s", field: "ppTokensPerSec", cell: (r) => median(r.ppTokensPerSec, r.ppP25, r.ppP75, r.ppReps) },
  tg_ts: { label: "Generation t/s", field: "tgTokensPerSec", cell: (r) => median(r.tgTokensPerSec, r.tgP25, r.tgP75, r.tgReps) },
  ttft_ms: {
    label: "TTFT ms",
    field: "ttftMs",
    cell: (r) => median(r.ttftMs, r.ttftP25Ms, r.ttftP75Ms, r.ttftReps, r.ttftPromptTokens != null && <span className="hint"> @ {String(r.ttftPromptTokens)} tokens</span>),
  },
  prefill_j_per_token: { label: "Prefill J/token", field: "prefillJPerToken", cell: (r) => formatJPerToken(num(r.prefillJPerToken), text(r.prefillEnergyScope), text(r.prefillEnergyTier)) },
  decode_j_per_token: { label: "Decode J/token", field: "decodeJPerToken", cell: (r) => formatJPerToken(num(r.decodeJPerToken), text(r.decodeEnergyScope), text(r.decodeEnergyTier)) },
  // 1 / decode J/token: in the generation's scope, said as the J/token cells say theirs.
  tokens_per_joule: {
    label: "Tokens per J",
    field: "tokensPerJoule",
    cell: (r) => (
      <>
        {formatNumber(num(r.tokensPerJoule), 2)}
        {r.tokensPerJoule != null && <span className="hint"> ({text(r.decodeEnergyScope) ?? "unlabelled"})</span>}
      </>
    ),
  },
  peak_rss_bytes: { label: "Peak memory", field: "peakRssBytes", cell: (r) => formatBytes(num(r.peakRssBytes)) },
  roofline_efficiency: { label: "Decode roofline", field: "rooflineEfficiency", cell: (r) => (r.rooflineEfficiency == null ? "—" : `${formatNumber(Number(r.rooflineEfficiency) * 100, 0)}%`) },
  steady_ts: {
    label: "Sustained t/s",
    field: "sustainedSteadyTokensPerSec",
    cell: (r) => (
      <>
        {formatNumber(num(r.sustainedSteadyTokensPerSec))}
        {r.sustainedPeakTokensPerSec != null && <span className="spread"> (peak {formatNumber(Number(r.sustainedPeakTokensPerSec))})</span>}
      </>
    ),
  },
  throttle_ratio: {
    label: "Throttle ratio",
    field: "throttleRatio",
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
  runs: { label: "Runs", field: "runs", cell: (r) => r.runs },
  score: { label: "Score", value: rowScore, cell: (r) => (rowScore(r) == null ? "—" : rowScore(r)!.toLocaleString("en-US")) },
  quant: { label: "Quant", field: "quantization", numeric: false, cell: (r) => r.quantization },
  engine: {
    label: "Engine",
    numeric: false,
    cell: (r) => (
      <>
        {r.engineName} {r.engineVersion}
      </>
    ),
  },
  backend: { label: "Backend", field: "backend", numeric: false, cell: (r) => r.backend },
  config: { label: "Configuration", numeric: false, cell: (r) => r.config || "defaults" },
};

/** The column sets a reader picks with `view`; `cols` replaces the set. */
export const VIEWS: Record<LeaderboardView, { label: string; columns: PickableColumn[] }> = {
  speed: { label: "Speed", columns: ["pp_ts", "tg_ts", "ttft_ms", "runs"] },
  energy: { label: "Energy", columns: ["prefill_j_per_token", "decode_j_per_token", "tokens_per_joule", "runs"] },
  memory: { label: "Memory", columns: ["peak_rss_bytes", "roofline_efficiency"] },
  configuration: { label: "Configuration", columns: ["quant", "engine", "backend", "config"] },
  sustained: { label: "Sustained", columns: ["steady_ts", "throttle_ratio"] },
};

/** The columns the board shows now: the picked ones, else the view's. */
export const shownColumns = (q: Pick<LeaderboardQuery, "view" | "cols">): PickableColumn[] => (q.cols ? splitCols(q.cols) : VIEWS[q.view].columns);

const deviceColumn: Column<LeaderboardRow> = {
  header: "Device",
  cell: (r) => (
    <>
      <Link href={`/devices/${r.deviceId}`}>{r.deviceName ? String(r.deviceName) : vendorAndModel(r.deviceVendor == null ? null : String(r.deviceVendor), String(r.deviceModel))}</Link>
      {Number(r.privateRuns) > 0 && (
        <span className="badge private" title={`${r.privateRuns} of ${r.runs} runs not published`}>
          private
        </span>
      )}
    </>
  ),
  cellAttrs: (r) => ({ title: String(r.cpuModel ?? ""), className: "device" }),
};

const modelColumn: Column<LeaderboardRow> = {
  header: "Model",
  cell: (r) => (
    <>
      <Link href={`/models/${r.modelId}`}>{r.modelName}</Link> <span className="hint">{r.quantization}</span>{" "}
      {r.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
    </>
  ),
  cellAttrs: () => ({ className: "model" }),
};

/**
 * The board's columns: rank, device, model, the sorted figure, then the rest of the shown set, less
 * those with no data in any of `rows` (their labels in `hidden`, so the page can say why they are
 * missing). The sorted figure always shows: it is what the rank means. Each figure's header links to
 * the board sorted by it (again: the other way).
 */
export function boardColumns(
  q: Pick<LeaderboardQuery, "sort" | "dir" | "view" | "cols"> & Partial<Pick<LeaderboardQuery, "page" | "limit">>,
  rows: readonly LeaderboardRow[],
  href: (patch: Record<string, string>) => string,
): { columns: Column<LeaderboardRow>[]; hidden: string[] } {
  const keys = [q.sort, ...shownColumns(q).filter((k) => k !== q.sort)];
  const empty = (k: PickableColumn) => {
    const { field, value } = BOARD_COLUMNS[k];
    if (value) return rows.every((r) => value(r) == null);
    return field != null && rows.every((r) => r[field] == null);
  };
  const sortedField = BOARD_COLUMNS[q.sort].field!;
  const rank: Column<LeaderboardRow> = {
    header: "Rank",
    numeric: true,
    // The query's order (ties by runs), counted from the first row of the page; a row without the sorted figure comes last and is not ranked.
    cell: (r, i) => (r[sortedField] == null ? "—" : ((q.page ?? 1) - 1) * (q.limit ?? 0) + i + 1),
    cellAttrs: () => ({ className: "rank" }),
  };
  const figure = (k: PickableColumn): Column<LeaderboardRow> => {
    const c = BOARD_COLUMNS[k];
    const sortable = (SORTABLE as readonly string[]).includes(k);
    const sorted = q.sort === k;
    return {
      key: k,
      header: sortable ? (
        <Link href={href({ sort: k, dir: sorted && q.dir === "desc" ? "asc" : "desc" })}>
          {c.label}
          {sorted ? (q.dir === "desc" ? " ▼" : " ▲") : ""}
        </Link>
      ) : (
        c.label
      ),
      numeric: c.numeric ?? true,
      headerAttrs: sortable ? { "aria-sort": sorted ? (q.dir === "desc" ? "descending" : "ascending") : "none" } : undefined,
      cell: c.cell,
      cellAttrs: () => ({ "data-label": c.label, className: sorted ? "sorted" : k === "config" ? "hint" : undefined }),
    };
  };
  return {
    columns: [rank, deviceColumn, modelColumn, ...keys.filter((k) => k === q.sort || !empty(k)).map(figure)],
    hidden: keys.filter((k) => k !== q.sort && empty(k)).map((k) => BOARD_COLUMNS[k].label),
  };
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
    cellAttrs: () => ({ className: "wraps" }),
  },
  { header: "Model", cell: (r) => r.model },
  { header: "Quant", cell: (r) => r.quantization },
  { header: "Decode t/s", numeric: true, cell: (r) => (r.decodeTokensPerSec == null ? "—" : formatNumber(r.decodeTokensPerSec)) },
  {
    header: "J/token",
    numeric: true,
    cell: (r) => (r.decodeJPerToken == null ? "—" : `${formatNumber(r.decodeJPerToken, 2)} J (${r.energyScope ?? "scope not stated"})`),
    cellAttrs: () => ({ className: "wraps" }),
  },
  { header: "Note", cell: (r) => r.note, cellAttrs: () => ({ className: "source" }) },
  { header: "Source", cell: (r) => r.source, cellAttrs: () => ({ className: "source" }) },
];
