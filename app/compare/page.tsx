import Link from "next/link";
import { parseSearchQuery, SEARCH_MAX_CHARS, type SearchQuery } from "../../lib/core/present/search-query";
import { z } from "zod";
import { safeString } from "../../lib/core/contracts/text";
import { publicReadDb } from "../../lib/server/context";
import { compareChoices, compareDevices, compareRuns, type CompareChoice } from "../../lib/server/read/runs";
import { isPublic } from "../../lib/server/access/mode";
import { formatJPerToken, formatMedian } from "../../lib/core/present/format";
import { workloadPhase } from "../../lib/core/contracts/workloads";
import { GroupedBars, MemoryScatter } from "../components/charts";
import { byWorkload, deviceSeries, pickModel, runSeries, type SeriesCell } from "./chart-data";
import { pageAudience } from "../../lib/server/access/audience";
import { DataTable, type Column } from "../components/data-table";
import { pageMetadata } from "../components/page-metadata";

export const dynamic = "force-dynamic";
export const metadata = pageMetadata({ title: "Compare hardware · Tokenwatt", description: "Devices and runs side by side: speed, energy and memory of the same models.", path: "/compare" });

const querySchema = z.object({
  devices: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10}){0,3}$/, "devices: 1 to 4 device ids separated by commas")
    .transform((s) => [...new Set(s.split(",").map(Number))])
    .refine((ids) => ids.every((n) => n >= 1 && n <= 2_147_483_647), "devices: 1 to 4 device ids separated by commas"),
  model: safeString(200, { min: 1 }).optional(),
});

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** `runs`: 1 to 4 run ids, comma-separated or repeated (the device page's checkboxes send them repeated). */
const runsSchema = z
  .string()
  .regex(new RegExp(`^${UUID}(,${UUID}){0,3}$`), "runs: 1 to 4 run ids separated by commas")
  .transform((s) => [...new Set(s.toLowerCase().split(","))]);

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  if (sp.runs !== undefined) return <CompareRuns runs={Array.isArray(sp.runs) ? sp.runs.join(",") : sp.runs} />;
  // The picker's checkboxes send device=1&device=2; links and bookmarks devices=1,2.
  const picked = [sp.device].flat().filter((x): x is string => typeof x === "string" && x !== "");
  const devicesParam = picked.length ? picked.join(",") : typeof sp.devices === "string" ? sp.devices : "";
  const parsed = querySchema.safeParse({ devices: devicesParam, model: typeof sp.model === "string" && sp.model ? sp.model : undefined });
  if (!parsed.success) {
    const choices = await compareChoices(await publicReadDb(), pageAudience());
    const filter = parseSearchQuery(typeof sp.q === "string" ? sp.q : "");
    return (
      <>
        <h1>Compare hardware</h1>
        {devicesParam !== "" && (
          <p className="field-error" role="alert">
            {parsed.error.issues[0]?.message}. Example: <code>/compare?devices=1,2</code>.
          </p>
        )}
        <DevicePicker choices={choices} filter={filter} raw={typeof sp.q === "string" ? sp.q : ""} />
      </>
    );
  }
  const db = await publicReadDb();
  // The owner compares their own machines before publishing anything; a public server shows published runs only.
  const audience = sp.published === "1" ? "public" : pageAudience();
  const includePrivate = audience === "owner";
  const all = await compareDevices(db, parsed.data.devices, audience);
  const { model, models } = pickModel(all, parsed.data.model);
  const view = chartData(all, deviceSeries(all.filter((c) => c.modelId === model?.id)));
  return (
    <>
      <h1>Compare hardware</h1>
      <p className="lede">
        {includePrivate ? "Plausible results, yours included before publishing (marked private)," : "Published, plausible results"} of {parsed.data.devices.length} device(s) for {model?.label ?? "—"}.{" "}
        {!isPublic() && (
          <Link href={`/compare?${new URLSearchParams({ devices: parsed.data.devices.join(","), ...(model ? { model: String(model.id) } : {}), ...(includePrivate ? { published: "1" } : {}) })}`} data-testid="published-toggle">
            {includePrivate ? "Published only" : "Include private runs"}
          </Link>
        )}{" "}
        Model:{" "}
        {models.map((m) => (
          <Link key={m.id} href={`/compare?devices=${parsed.data.devices.join(",")}&model=${m.id}`} aria-current={m.id === model?.id ? "true" : undefined}>
            {m.label}{" "}
          </Link>
        ))}
      </p>
      {!isPublic() && parsed.data.devices.length === 1 && (
        <p className="hint">
          Each run of a device on its own: tick runs on the <Link href={`/devices/${parsed.data.devices[0]}`}>device page</Link> and compare them side by side.
        </p>
      )}
      <CompareCharts
        view={view}
        empty={all.length && !model ? "These devices have no results of that model: pick one above." : includePrivate ? "No plausible results for these devices yet." : "No published results for these devices."}
      />
    </>
  );
}

/**
 * Runs side by side, each its own series (`/compare?runs=a,b`), whatever their models: the runs
 * were picked one by one, so each is drawn, named by its model where they differ.
 */
async function CompareRuns({ runs }: { runs: string }) {
  const parsed = runsSchema.safeParse(runs);
  if (!parsed.success) {
    return (
      <>
        <h1>Compare runs</h1>
        <p className="field-error" role="alert">
          {parsed.error.issues[0]?.message}. Tick runs on a device page to compare them.
        </p>
      </>
    );
  }
  const db = await publicReadDb();
  const all = await compareRuns(db, parsed.data, pageAudience());
  const view = chartData(all, runSeries(all));
  const found = new Set(all.map((c) => c.runId)).size;
  const { models } = pickModel(all, undefined);
  return (
    <>
      <h1>Compare runs</h1>
      <p className="lede" data-testid="runs-lede">
        {found} of {parsed.data.length} run(s) side by side, each with its own figures (the median over its repetitions), not pooled
        {isPublic() ? "; published runs only" : "; yours included before publishing (marked private)"}. {models.length > 1 ? "Models" : "Model"}:{" "}
        {models.map((m) => m.label).join(", ") || "—"}.
        {found < parsed.data.length && " (a run that is flagged implausible, failed, private on a public server or unknown is left out)"}
      </p>
      <CompareCharts view={view} empty="None of these runs has a plausible result to show." />
    </>
  );
}

type Cell = Awaited<ReturnType<typeof compareDevices>>[number];

/** The numbers behind the charts, a row per series (a device, a way it was measured, or a run) and workload. */
const NUMBERS: Column<SeriesCell>[] = [
  { header: "Device", cell: (c) => c.series },
  { header: "Workload", cell: (c) => c.workloadId },
  {
    header: "tokens/s median (IQR, n) · TTFT ms",
    numeric: true,
    cell: (c) => (c.ttftMs != null ? formatMedian(c.ttftMs, c.p25, c.p75, c.reps, `ms @ ${c.promptTokens ?? "?"} tokens`) : formatMedian(c.medianTs, c.p25, c.p75, c.reps, "")),
  },
  { header: "J/token", numeric: true, cell: (c) => formatJPerToken(c.decodeJPerToken ?? c.prefillJPerToken, c.energyScope, c.energyTier) },
  {
    header: "Runs",
    numeric: true,
    cell: (c) => (
      <>
        {c.runs}
        {c.privateRuns > 0 && <span className="badge"> {c.privateRuns === c.runs ? "private" : `${c.privateRuns} private`}</span>}
      </>
    ),
  },
];

/** The chart series and tables of `all` (every model, for the memory scatter) and the cells drawn, each in its series. */
function chartData(all: Cell[], cells: SeriesCell[]) {
  const names = [...new Set(cells.map((c) => c.series))];
  const rows = (pick: (c: SeriesCell) => number | null, ids?: string[]) => byWorkload(cells, pick, ids);
  // The energy chart shows one scope and tier only (the most common among these cells): J/token at
  // the wall and at the CPU package are different quantities.
  const energyKey = (c: SeriesCell) => `${c.energyScope}|${c.energyTier}`;
  const measuredCells = cells.filter((c) => c.energyScope && (c.decodeJPerToken ?? c.prefillJPerToken) != null);
  const chartKey = [...new Set(measuredCells.map(energyKey))].sort((a, b) => measuredCells.filter((c) => energyKey(c) === b).length - measuredCells.filter((c) => energyKey(c) === a).length)[0];
  const [chartScope, chartTier] = chartKey?.split("|") ?? [];
  const otherScopes = measuredCells.filter((c) => energyKey(c) !== chartKey).length;
  return { all, cells, names, rows, energyKey, chartKey, chartScope, chartTier, otherScopes };
}

/**
 * The memory scatter's points: every cell's (device, file MiB, peak MiB), each distinct point once.
 * Cells of one model on one device mostly share their point (every workload and engine loads the
 * same file): 4 devices at 100k results gave 800 points, most drawn on top of each other, all sent
 * to the browser as the chart's props.
 */
function memoryPoints(all: Cell[]) {
  const points = new Map<string, { series: string; fileMiB: number; peakMiB: number }>();
  for (const c of all) {
    if (c.peakRssBytes == null) continue;
    const p = { series: c.deviceName, fileMiB: Math.round(c.fileBytes / 2 ** 20), peakMiB: Math.round(c.peakRssBytes / 2 ** 20) };
    points.set(`${p.series}\u0000${p.fileMiB}\u0000${p.peakMiB}`, p);
  }
  return [...points.values()];
}

/** What the picker's filter words are matched against: the device, its class and its models. */
const choiceText = (c: CompareChoice) => `${c.device} ${c.deviceClass} ${c.models}`.normalize("NFKC").toLowerCase();

/**
 * Pick up to four devices to compare (plain GET forms: no script needed). The filter keeps the
 * devices whose name, class or models hold every word typed (the search box's rules: /search).
 */
function DevicePicker({ choices, filter, raw }: { choices: CompareChoice[]; filter: SearchQuery; raw: string }) {
  if (!choices.length) return <p className="empty">No device has plausible results yet: measure one with <code>npx tokenwatt bench</code>, or see the <Link href="/leaderboard">leaderboard</Link>.</p>;
  const shown = filter.ok && filter.terms.length ? choices.filter((c) => filter.terms.every((t) => choiceText(c).includes(t))) : choices;
  return (
    <>
      <form method="get" action="/compare" className="publish-form" role="search" aria-label="Filter the devices">
        <label>
          Filter <input name="q" type="search" defaultValue={raw} maxLength={SEARCH_MAX_CHARS} placeholder="e.g. ryzen, phone, Llama" size={28} aria-invalid={!filter.ok} />
        </label>
        <button type="submit">Filter</button>
        {!filter.ok && (
          <span className="field-error" role="alert">
            {filter.problem}
          </span>
        )}
      </form>
      <form method="get" action="/compare" className="picker" aria-label="Pick devices to compare" data-testid="compare-picker">
        <p className="hint">
          Pick two to four devices. To compare runs, tick them on a device&apos;s page; to find a model, <Link href="/search">search</Link>.
        </p>
        <fieldset>
          <legend>
            Devices with plausible results ({shown.length === choices.length ? choices.length : `${shown.length} of ${choices.length} match "${filter.ok ? filter.text : ""}"`})
          </legend>
          {shown.map((c) => (
            <label key={c.deviceId} className="choice">
              <input type="checkbox" name="device" value={c.deviceId} /> {c.device} <span className="hint">({c.deviceClass}; {c.models}; {c.runs} run(s))</span>
            </label>
          ))}
          {shown.length === 0 && <p data-testid="picker-empty">No device matches every word: fewer words, or <Link href="/compare">all devices</Link>.</p>}
        </fieldset>
        <button type="submit">Compare</button>
      </form>
    </>
  );
}

/** A chart, or why there is none: an empty chart with blank axes says nothing. */
function ChartOr({ data, names, why, children }: { data: Record<string, unknown>[]; names: string[]; why: string; children: React.ReactNode }) {
  const any = data.some((r) => names.some((n) => r[n] != null));
  return any ? <>{children}</> : <p className="empty" data-testid="empty-chart">{why}</p>;
}

function CompareCharts({ view, empty }: { view: ReturnType<typeof chartData>; empty: string }) {
  const { all, cells, names, rows, energyKey, chartKey, chartScope, chartTier, otherScopes } = view;
  const energyData = rows((c) => (energyKey(c) === chartKey ? (c.decodeJPerToken ?? c.prefillJPerToken) : null)).filter((r) => names.some((n) => r[n] != null));
  const rooflineData = rows((c) => (c.rooflineEfficiency == null ? null : c.rooflineEfficiency * 100), cells.filter((c) => workloadPhase(c.workloadId) === "decode").map((c) => c.workloadId));
  return (
    <>
      {cells.length === 0 ? (
        <div className="empty">
          <p>{empty}</p>
        </div>
      ) : (
        <>
          <h2>Throughput by workload (tokens/s, median)</h2>
          <GroupedBars data={rows((c) => c.medianTs).filter((r) => r.category !== "ttft")} series={names} unit=" t/s" label="Grouped bar chart of tokens per second by workload, one bar per device" />
          {cells.some((c) => c.ttftMs != null) && (
            <>
              <h2>Time to first token (ms, median)</h2>
              <GroupedBars data={rows((c) => c.ttftMs, ["ttft"])} series={names} unit=" ms" label="Time to first token in milliseconds, one bar per device" />
            </>
          )}
          {cells.some((c) => c.workloadId === "tg128@d4096") && (
            <>
              <h2>Generation against context depth</h2>
              <GroupedBars data={rows((c) => c.medianTs, ["tg128", "tg128@d4096"])} series={names} unit=" t/s" label="tg128 at depth 0 and 4096, one bar per device" />
            </>
          )}
          <h2>Energy per token (J, median{chartScope ? `; ${chartScope} scope, ${chartTier}` : ""})</h2>
          {otherScopes > 0 && <p className="hint">{otherScopes} result(s) measured in another scope are in the table below, not in this chart.</p>}
          <ChartOr
            data={energyData}
            names={names}
            why="No energy per token in these results: none of these runs had a power meter that measures (a modelled CPU estimate is not charted). Measure with a meter: docs/measuring.md, Energy."
          >
            <GroupedBars data={energyData} series={names} unit=" J" label={`Energy per token by workload, one bar per device${chartScope ? `, ${chartScope} scope (${chartTier})` : ""}`} />
          </ChartOr>
          <h2>Decode roofline efficiency</h2>
          <ChartOr
            data={rooflineData}
            names={names}
            why="No roofline for these results: it needs a decode workload and the bandwidth of the memory holding the weights (measured on the host; a GPU's from its datasheet with --gpu-bandwidth), and a model larger than the cache."
          >
            <GroupedBars data={rooflineData} series={names} unit=" %" label="Share of measured memory bandwidth reached when decoding, one bar per device" />
          </ChartOr>
          <h2>Peak memory against model size (all models)</h2>
          <MemoryScatter
            points={memoryPoints(all)}
            label="Scatter of peak memory against model file size, one colour per device"
          />
          <DataTable caption="The numbers behind the charts" columns={NUMBERS} rows={cells} rowKey={(c) => `${c.seriesKey}-${c.workloadId}`} />
        </>
      )}
    </>
  );
}
