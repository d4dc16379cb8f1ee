import type { ReactNode } from "react";
import Link from "next/link";
import { publicReadDb } from "../lib/server/context";
import { listResults, type ResultRow } from "../lib/server/read/results";
import { formatBytes, formatJPerToken, formatNumber, formatSpread } from "../lib/core/present/format";
import { homeChart, type HomeChart } from "../lib/server/read/home";
import { reportedNeighbours } from "../lib/core/present/reported";
import { StandingBars, type StandingKind } from "./components/charts";
import { pageAudience } from "../lib/server/access/audience";
import { serverDataDir } from "../lib/server/env";
import { readFirstRun } from "../lib/server/read/first-run";
import { DataTable, type Column } from "./components/data-table";
import { FirstRunNotice } from "./first-run-notice";
import { inProgress } from "../lib/core/contracts/first-run";
import { vendorAndModel } from "../lib/core/present/device-name";

export const dynamic = "force-dynamic";
/** Results the home page lists at a time; `?before=` (a result id, the keyset cursor of /api/v1/results) pages back. */
const HOME_RESULTS = 50;

/** A workload's figure: tokens/s median (IQR, repetitions), or the time to first token; a failed workload says why. */
function figure(r: ResultRow) {
  if (r.status !== "ok") {
    return (
      <span className="badge failed" title={r.error ?? ""}>
        {r.status}
      </span>
    );
  }
  return (
    <>
      {r.workloadId === "ttft"
        ? `${formatNumber(r.medianNs == null ? null : r.medianNs / 1e6)} ms @ ${r.nPrompt} tokens${formatSpread(null, null, r.repetitions)}`
        : `${formatNumber(r.medianTokensPerSec)}${formatSpread(r.p25TokensPerSec, r.p75TokensPerSec, r.repetitions)}`}
      {!r.plausible && <span className="badge flagged"> implausible</span>}
    </>
  );
}

// Eight columns that fit 1280 px: names, engines, energy labels, dates and headers wrap (td.wraps, table.fits
// in globals.css), the figures do not; quantization, backend and repetitions ride in their neighbours.
const RESULT_COLUMNS: Column<ResultRow>[] = [
  {
    header: "Model",
    cell: (r) => (
      <>
        {r.modelName} {r.modelQuantization} {r.modelWeights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </>
    ),
    cellAttrs: () => ({ className: "wraps model" }),
  },
  { header: "Device", cell: (r) => <Link href={`/devices/${r.deviceId}`}>{r.deviceName ?? vendorAndModel(r.deviceVendor, r.deviceModel)}</Link>, cellAttrs: (r) => ({ title: r.cpuModel, className: "wraps device" }) },
  {
    header: "Engine · backend",
    cell: (r) => (
      <>
        <span className="nowrap">{r.engineName}</span> {r.engineVersion} · {r.backend}
      </>
    ),
    cellAttrs: () => ({ className: "wraps" }),
  },
  {
    header: "Workload",
    cell: (r) => (
      <Link href={`/runs/${r.submissionId}`}>
        <code>{r.workloadId}</code>
      </Link>
    ),
  },
  { header: "tokens/s median (IQR, n) · TTFT ms", numeric: true, cell: figure },
  { header: "Peak RSS", numeric: true, cell: (r) => formatBytes(r.peakRssBytes) },
  { header: "J/token (scope, tier)", numeric: true, cell: (r) => formatJPerToken(r.jPerToken, r.energyScope, r.energyTier, 3, r.jPerTokenRange), cellAttrs: () => ({ className: "wraps" }) },
  {
    header: "Measured",
    cell: (r) => (
      <>
        {r.startedAt.toISOString().slice(0, 16).replace("T", " ")} {!r.published && <span className="badge">private</span>}
      </>
    ),
    cellAttrs: () => ({ className: "wraps" }),
  },
];

export default async function ResultsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const db = await publicReadDb();
  // The owner's dashboard: private (unpublished) results too, unless this server is public.
  const audience = pageAudience();
  const publicServer = audience === "public";
  const beforeRaw = (await searchParams).before;
  // A cursor that is not a result id reads as the newest results, with a note.
  const before = typeof beforeRaw === "string" && /^\d{1,15}$/.test(beforeRaw) && Number(beforeRaw) >= 1 ? Number(beforeRaw) : undefined;
  const badBefore = beforeRaw !== undefined && before === undefined;
  // Both reads at once: the chart does not depend on the page of results.
  const [{ results, nextCursor }, chart] = await Promise.all([listResults(db, { limit: HOME_RESULTS, plausible: "all", format: "json", cursor: before }, audience), homeChart(db, audience)]);
  // The first measurement of this machine (owner only): its progress while it runs, then how it went.
  const firstRun = publicServer ? null : readFirstRun(serverDataDir());
  return (
    <>
      <h1>Measured results</h1>
      <p className="lede">
        Every row is one workload of one benchmark session, measured by a Tokenwatt runner on a real device. Tokens/s
        is the median over the repetitions, with their interquartile range and number. Synthetic weights give a model&apos;s speed and
        memory, not its answers.{" "}
        {publicServer
          ? "Published results only."
          : "This is the owner's dashboard: private (unpublished) results are listed too. The public leaderboard shows published ones."}
      </p>
      {badBefore && (
        <p className="field-error" role="alert" data-testid="page-note">
          &quot;before&quot; must be a result id (a whole number); showing the newest results.
        </p>
      )}
      {firstRun && <FirstRunNotice status={firstRun} results={results} hasResults={results.length > 0} />}
      {chart && <HomeChartPanel chart={chart} publicServer={publicServer} />}
      {results.length === 0 ? (
        <div className="empty">
          {publicServer ? (
            <p>
              No published results yet. Contributors measure their devices with <code>npx tokenwatt bench --server … --token …</code> (a token from this
              server&apos;s admin), or in a browser at <Link href="/run">/run</Link> with a pairing code.
            </p>
          ) : (
            <p>
              {firstRun && inProgress(firstRun)
                ? "No results yet: this machine's first measurement is running (above)."
                : <>No results yet. Measure this machine with <code>npx tokenwatt bench</code>, or point a runner at this server.</>}
            </p>
          )}
        </div>
      ) : (
        <>
          <DataTable className="results fits" caption={`${results.length} ${before ? "earlier" : "most recent"} workload results`} columns={RESULT_COLUMNS} rows={results} rowKey={(r) => r.id} />
          <nav className="pager" aria-label="Pages of results" data-testid="results-pager">
            {before ? <Link href="/">← Newest results</Link> : <span />}
            {nextCursor ? <Link href={`/?before=${nextCursor}`} rel="next">Older results →</Link> : <span className="hint">No older results</span>}
          </nav>
        </>
      )}
    </>
  );
}

/** A row of the table beside the home chart: a bar measured or imported here, or a reported figure. */
interface ChartTableRow {
  key: string;
  device: ReactNode;
  model: string;
  what: ReactNode;
  tokensPerSec: string;
}

const CHART_COLUMNS: Column<ChartTableRow>[] = [
  { header: "Device", rowHeader: true, cell: (r) => r.device },
  { header: "Model", cell: (r) => r.model },
  { header: "Figure", cell: (r) => r.what },
  { header: "Tokens/s", numeric: true, cell: (r) => r.tokensPerSec },
];

const kindOf = (b: HomeChart["bars"][number]): StandingKind => (b.thisMachine ? "this machine" : b.imported ? "imported" : "measured");

/**
 * Where this machine stands: its decode speed beside the devices measured or imported with models of
 * its size class here, and the figures published for that class (reported, with their links), each
 * bar labelled by what it is.
 */
function HomeChartPanel({ chart, publicServer }: { chart: HomeChart; publicServer: boolean }) {
  const reported = reportedNeighbours(chart.parameterCount, chart.workloadId);
  const size = chart.sizeClass ? `${chart.sizeClass} models` : `${chart.modelName}`;
  // On a public server the highlighted device is the newest contributor's, never "this machine".
  const me = publicServer ? (chart.bars.find((b) => b.thisMachine)?.deviceName ?? "the newest device") : "this machine";
  const rows = [
    // Another model than this machine's is named beside its device (the table below has them all).
    ...chart.bars.map((b) => ({ category: `${b.thisMachine ? "▶ " : ""}${b.deviceName}${b.sameModel ? "" : ` (${b.modelName})`}`, kind: kindOf(b), value: Math.round(b.medianTs * 10) / 10 })),
    ...reported.map((r) => ({ category: `${r.device} (${r.model.split(" ").slice(0, 2).join(" ")})`, kind: "reported" as const, value: r.tokensPerSec })),
  ].sort((a, b) => b.value - a.value);
  const tableRows: ChartTableRow[] = [
    ...chart.bars.map((b) => ({
      key: `${b.deviceId}-${b.modelName}-${b.engine}-${b.backend}`,
      device: b.thisMachine && !publicServer ? <strong>this machine: {b.deviceName}</strong> : <Link href={`/devices/${b.deviceId}`}>{b.thisMachine ? <strong>{b.deviceName}</strong> : b.deviceName}</Link>,
      model: `${b.modelName} ${b.quantization}`,
      what: (
        <>
          {b.imported ? <>imported{b.sourceUrl && <> from <a href={b.sourceUrl}>{new URL(b.sourceUrl).hostname}</a></>}</> : "measured"} ({b.engine} {b.backend})
        </>
      ),
      tokensPerSec: `${formatNumber(b.medianTs)} t/s`,
    })),
    ...reported.map((r) => ({
      key: r.source + r.device + r.model,
      device: r.device,
      model: r.model,
      what: (
        <>
          reported (<a href={r.source}>{r.source.replace(/^https:\/\/github\.com\//, "")}</a>, llama-bench {r.backend})
        </>
      ),
      tokensPerSec: `${r.tokensPerSec.toLocaleString("en-US")} t/s`,
    })),
  ];
  return (
    <section className="panel" aria-labelledby="home-chart-h" data-testid="home-chart">
      <h2 id="home-chart-h">
        {publicServer ? `${me} against the others` : "This machine against the others"}: {chart.modelName} {chart.quantization}, {chart.workloadId}
        {chart.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </h2>
      <p className="hint">
        Generation speed ({chart.workloadId}, tokens/s) of {size}: {publicServer ? "the newest device" : "this machine"}, the devices measured{publicServer ? " and published" : ""} here, llama-bench
        output imported here, and figures reported in published llama-bench tables. A bigger model is slower on the same device: compare within a model where you can.
      </p>
      <StandingBars highlight={publicServer ? "the newest device" : "this machine"} rows={rows} unit="" label={`Median ${chart.workloadId} tokens per second: ${me} among ${size}, measured, imported and reported`} />
      <DataTable caption={`The bars: device, model, what the figure is, ${chart.workloadId} tokens/s`} columns={CHART_COLUMNS} rows={tableRows} rowKey={(r) => r.key} testId="home-chart-table" />
      <p className="hint">
        {reported.length
          ? `Reported figures are what their authors published (llama-bench ${chart.workloadId}), not measured here.`
          : `No published ${chart.workloadId} figure for ${size} in the reported list.`}{" "}
        {!publicServer && "Your private runs are included."}
      </p>
      {!publicServer && (
        <>
          <h3>Next steps</h3>
          <ul data-testid="next-steps">
            <li>
              Another model: <code>npx tokenwatt bench -m synthetic:llama-3.2-1b:Q4_0</code> (or any GGUF path)
            </li>
            <li>
              A phone: open <Link href="/run">Benchmark this browser</Link> and &quot;Show a pairing code&quot;; scan its QR code with the phone
            </li>
            <li>
              An agent on another machine: <code>npx tokenwatt token create --name lab-1 --role agent</code>, then <code>npx tokenwatt agent --server … --token …</code> (<Link href="/agents">Agents</Link>)
            </li>
            <li>
              Compare your machines: <Link href={`/compare?devices=${[...new Set(chart.bars.filter((b) => !b.imported).map((b) => b.deviceId))].slice(0, 4).join(",")}`}>these devices side by side</Link>
            </li>
            <li>
              Publish: &quot;Publish this run&quot; on a run&apos;s page, or <code>npx tokenwatt publish --all</code>
            </li>
          </ul>
        </>
      )}
    </section>
  );
}
