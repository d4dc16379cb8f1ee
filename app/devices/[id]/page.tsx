import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import type { Audience } from "../../../lib/server/read/audience";
import { dbId } from "../../../lib/core/contracts/text";
import { notFound } from "next/navigation";
import { publicReadDb, serverDeps } from "../../../lib/server/context";
import { pageCaller } from "../../components/action-caller";
import { deviceTimelinePage, enginesSideBySide, getDevice, nativeVsBrowser, type NativeBrowserRow } from "../../../lib/server/read/runs";
import { Timeline } from "./timeline";
import { EnginesTable } from "./engines-table";
import { BadgeSnippet } from "./badge-snippet";
import { siteUrl } from "../../components/site-url";
import { PublishForm } from "../../components/publish-form";
import { RenameForm } from "../../components/rename-form";
import { isPublic } from "../../../lib/server/access/mode";
import { formatBytes, formatUtcMinute } from "../../../lib/core/present/format";
import { pageAudience } from "../../../lib/server/access/audience";
import { DataTable, type Column } from "../../components/data-table";
import { notFoundMetadata, pageMetadata } from "../../components/page-metadata";
import { describeFigure, headlineFigures } from "../../../lib/server/read/headline";
import { pageNote, parsePageParam } from "../../../lib/core/present/paging";
import { Pager } from "../../components/pager";
import { bestPerWorkload, scoreRows } from "../../../lib/server/read/device-summary";
import { DeviceSummary } from "./summary";
import { deviceName, vendorAndModel } from "../../../lib/core/present/device-name";

type DeviceRun = NonNullable<Awaited<ReturnType<typeof getDevice>>>["runs"][number];
const modelCell = (x: { modelName: string; quantization: string; weights: string }) => (
  <>
    {x.modelName} {x.quantization} {x.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
  </>
);
const enginesCell = (side: NativeBrowserRow["native"]) => (
  <>
    {side.medianTs.toFixed(1)} <span className="hint">{side.engines}</span>
  </>
);

const NATIVE_VS_BROWSER: Column<NativeBrowserRow>[] = [
  { header: "Model", cell: modelCell },
  { header: "Workload", cell: (x) => x.workloadId },
  { header: "Native t/s", numeric: true, cell: (x) => enginesCell(x.native), cellAttrs: (x) => ({ title: x.native.engines }) },
  { header: "Browser t/s", numeric: true, cell: (x) => enginesCell(x.browser), cellAttrs: (x) => ({ title: x.browser.engines }) },
  { header: "Browser / native", numeric: true, cell: (x) => x.ratio.toFixed(2) },
];

const RUN_COLUMNS: Column<DeviceRun>[] = [
  { header: "Compare", cell: (x) => <input type="checkbox" name="runs" value={x.id} aria-label={`Compare the run of ${formatUtcMinute(x.startedAt)}`} /> },
  { header: "Run", cell: (x) => <Link href={`/runs/${x.id}`}>{formatUtcMinute(x.startedAt)}</Link> },
  { header: "Model", cell: modelCell },
  {
    header: "Engine",
    cell: (x) => (
      <>
        {x.engineName} {x.engineVersion}
      </>
    ),
  },
  { header: "Backend", cell: (x) => x.backend },
  {
    header: "State",
    cell: (x) => (
      <>
        {x.published ? "published" : "private"}
        {!x.plausible && <span className="badge flagged"> implausible</span>}
      </>
    ),
  },
];

export const dynamic = "force-dynamic";

/** The device and its page of runs, read once per request for the metadata and the page. */
const readDevice = cache(async (id: number, audience: Audience, page: number) => getDevice(await publicReadDb(), id, audience, { page }));

export async function generateMetadata({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }): Promise<Metadata> {
  const { id } = await params;
  const sp = await searchParams;
  const parsed = dbId.safeParse(id);
  const db = await publicReadDb();
  const audience = pageAudience();
  const valid = /^\d{1,10}$/.test(id) && parsed.success;
  // With the page's own page of runs, the page's read of the device is this one.
  const page = parsePageParam(sp.page).page;
  const [r, figures] = valid ? await Promise.all([readDevice(parsed.data, audience, page), headlineFigures(db, { deviceId: parsed.data }, audience)]) : [null, []];
  if (!r) return notFoundMetadata("Device");
  const d = r.device;
  const name = deviceName(d);
  const best = figures.length ? `Fastest: ${figures.map((f) => describeFigure(f)).join("; ")}.` : "No ranked tg128 or pp512 result yet.";
  return pageMetadata({ title: `${name} · Tokenwatt`, description: `${name} (${d.deviceClass}, ${d.cpuModel}) measured with Tokenwatt. ${best}`, path: `/devices/${d.id}`, image: true });
}

export default async function DevicePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  // The owner sees their private runs too, with a switch to what the public sees.
  const sp = await searchParams;
  const publishedOnly = sp.published === "1";
  const pageParam = parsePageParam(sp.page);
  const audience = publishedOnly ? "public" : pageAudience();
  const parsed = dbId.safeParse(id);
  if (!/^\d{1,10}$/.test(id) || !parsed.success) notFound();
  const n = parsed.data;
  const db = await publicReadDb();
  // The page's reads at once (each stands on its own); the device's is shared with the metadata's.
  const [{ may, mayOn }, r, nvb, lanes, timeline, best, score] = await Promise.all([
    serverDeps().then((deps) => pageCaller(deps.db)),
    readDevice(n, audience, pageParam.page),
    nativeVsBrowser(db, n, audience),
    enginesSideBySide(db, n, audience),
    deviceTimelinePage(db, n, audience, { pick: typeof sp.series === "string" ? sp.series : null }),
    bestPerWorkload(db, n, audience),
    scoreRows(db, n, audience),
  ]);
  if (!r) notFound();
  const d = r.device;
  // The badge shows what the public sees: a device with a published run (lib/server/api/badge.ts).
  const publicRuns = d.published || r.publishedRuns > 0;
  const note = pageNote(pageParam, r);
  const runsHref = (page: number) => `/devices/${d.id}?${new URLSearchParams({ ...(publishedOnly ? { published: "1" } : {}), ...(page > 1 ? { page: String(page) } : {}) })}`;
  const origin = await siteUrl();
  const gpus = (d.gpus as { vendor: string; model: string; vramBytes: number | null }[]) ?? [];
  return (
    <>
      <h1>{deviceName(d)}</h1>
      <p className="lede">
        {d.displayName && `${vendorAndModel(d.vendor, d.model)}; `}
        {d.deviceClass}; {d.cpuModel} ({d.cpuCores} cores, {d.cpuThreads} threads); {d.ramBytes == null ? "RAM not reported" : `${formatBytes(d.ramBytes)} RAM`};{" "}
        {gpus.length ? gpus.map((g) => `${g.vendor} ${g.model} ${formatBytes(g.vramBytes)}`).join(", ") : "no GPU"}; {d.osPlatform} {d.osRelease}.{" "}
        <Link href={`/compare?devices=${d.id}`}>Compare with other devices</Link>
        {!isPublic() && (
          <>
            {" "}
            ·{" "}
            <Link href={publishedOnly ? `/devices/${d.id}` : `/devices/${d.id}?published=1`} data-testid="device-published-toggle">
              {publishedOnly ? "Include private runs" : "Published only"}
            </Link>
          </>
        )}
      </p>
      <DeviceSummary best={best} score={score} />
      {mayOn("rename-device", d.contributorId) && <RenameForm id={d.id} name={d.displayName} />}
      {(may("publish") || mayOn("hide", d.contributorId)) && (
        <PublishForm target="device" id={String(d.id)} published={r.totalRuns > 0 && r.publishedRuns === r.totalRuns ? true : r.publishedRuns > 0 ? "some" : false} canPublish={may("publish")} />
      )}
      <EnginesTable cells={lanes} />
      <Timeline series={timeline.series} others={timeline.others} seriesHref={(key) => `/devices/${d.id}?${new URLSearchParams({ ...(publishedOnly ? { published: "1" } : {}), series: key })}#timeline-h`} />
      {nvb.length > 0 && (
        <DataTable
          testId="native-vs-browser"
          caption={
            <>
              Native vs browser on this device: the same model and workload, each side&apos;s fastest engine and configuration (median
              tokens/s over its runs; the browser&apos;s cost); CPU paired with WebAssembly, GPU backends with WebGPU
            </>
          }
          columns={NATIVE_VS_BROWSER}
          rows={nvb}
          rowKey={(x) => `${x.modelName}|${x.quantization}|${x.pair}|${x.workloadId}`}
        />
      )}
      <form method="get" action="/compare" aria-label="Compare runs side by side" id="runs">
        {note && (
          <p className="field-error" role="alert" data-testid="page-note">
            {note}
          </p>
        )}
        <DataTable
          testId="device-runs"
          caption={`${r.totalRuns.toLocaleString("en-US")} runs${r.pages > 1 ? `, ${r.pageSize} a page, newest first` : ""}${publishedOnly || isPublic() ? " (published)" : " (yours, published or not)"}; tick up to 4 to compare them side by side`}
          columns={RUN_COLUMNS}
          rows={r.runs}
          rowKey={(x) => x.id}
        />
        <Pager page={r.page} pages={r.pages} total={r.totalRuns} pageSize={r.pageSize} href={(p) => `${runsHref(p)}#runs`} testId="device-runs-pager" noun="runs" />
        {r.runs.length > 1 && <button type="submit">Compare the ticked runs</button>}
      </form>
      {publicRuns ? (
        <BadgeSnippet badgeUrl={new URL(`/api/v1/public/badge/device/${d.id}.svg`, origin).href} pageUrl={new URL(`/devices/${d.id}`, origin).href} name={deviceName(d)} />
      ) : (
        <p className="hint" data-testid="badge-unpublished">
          An embeddable badge comes with this device&apos;s first published run.
        </p>
      )}
    </>
  );
}
