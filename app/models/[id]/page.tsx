/**
 * A model's page: every device measured with it (median of run medians, IQR and repetitions), a chart
 * of generation speed by device, energy and memory, and figures others reported for the same model.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { notFound } from "next/navigation";
import { dbId } from "../../../lib/core/contracts/text";
import { formatBytes, formatJPerToken, formatMedian, formatNumber } from "../../../lib/core/present/format";
import { REPORTED_RESULTS } from "../../../lib/core/present/reported";
import { pageAudience } from "../../../lib/server/access/audience";
import { publicReadDb } from "../../../lib/server/context";
import { getModel, MODEL_DEVICES_PAGE, modelDevices, modelDevicesTotal, type ModelDeviceRow } from "../../../lib/server/read/model-page";
import { pageNote, parsePageParam } from "../../../lib/core/present/paging";
import { Pager } from "../../components/pager";
import { GroupedBars } from "../../components/charts";
import { DataTable, type Column } from "../../components/data-table";
import { notFoundMetadata, pageMetadata } from "../../components/page-metadata";
import { describeFigure, headlineFigures } from "../../../lib/server/read/headline";

export const dynamic = "force-dynamic";

const COLUMNS: Column<ModelDeviceRow>[] = [
  { header: "Device", rowHeader: true, cell: (r) => <Link href={`/devices/${r.deviceId}`}>{r.device}</Link> },
  {
    header: "Engine · backend",
    cell: (r) => (
      <>
        <span className="nowrap">{r.engine}</span> · {r.backend}
      </>
    ),
    cellAttrs: () => ({ className: "wraps" }),
  },
  { header: "Configuration", cell: (r) => <span className="hint">{r.config || "defaults"}</span>, cellAttrs: () => ({ className: "wraps" }) },
  { header: "Generation t/s (tg128)", numeric: true, cell: (r) => formatMedian(r.tgTs, r.tgP25, r.tgP75, r.tgReps, "") },
  { header: "Prompt t/s (pp512)", numeric: true, cell: (r) => formatMedian(r.ppTs, r.ppP25, r.ppP75, r.ppReps, "") },
  { header: "TTFT", numeric: true, cell: (r) => (r.ttftMs == null ? "—" : `${formatNumber(r.ttftMs)} ms${r.ttftPromptTokens ? ` @ ${r.ttftPromptTokens} tokens` : ""}`), cellAttrs: () => ({ className: "wraps" }) },
  { header: "Decode J/token", numeric: true, cell: (r) => formatJPerToken(r.decodeJPerToken, r.decodeEnergyScope, r.decodeEnergyTier), cellAttrs: () => ({ className: "wraps" }) },
  { header: "Peak memory", numeric: true, cell: (r) => formatBytes(r.peakRssBytes) },
  { header: "Runs", numeric: true, cell: (r) => r.runs },
];

/** The model, read once per request for the metadata and the page. */
const readModel = cache(async (id: number) => getModel(await publicReadDb(), id));

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = dbId.safeParse((await params).id);
  const db = await publicReadDb();
  const audience = pageAudience();
  const [m, figures] = parsed.success ? await Promise.all([readModel(parsed.data), headlineFigures(db, { modelId: parsed.data }, audience)]) : [null, []];
  // As the page: a model the public sees no measurement of is not there.
  if (!m || (audience === "public" && figures.length === 0)) return notFoundMetadata("Model");
  const name = `${m.name} ${m.quantization}`;
  const best = figures.length ? `Fastest: ${figures.map((f) => describeFigure(f, { device: true })).join("; ")}.` : "No ranked tg128 or pp512 result yet.";
  return pageMetadata({ title: `${name} · Tokenwatt`, description: `${name} measured on real devices with Tokenwatt. ${best}`, path: `/models/${m.id}`, image: true });
}

export default async function ModelPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const pageParam = parsePageParam((await searchParams).page);
  const parsed = dbId.safeParse(id);
  if (!/^\d{1,10}$/.test(id) || !parsed.success) notFound();
  const db = await publicReadDb();
  const audience = pageAudience();
  // One page of device configurations, fastest first, with the total (never every row): the reads at
  // once, the page asked for beside the count and again only when it is past the last.
  const [model, total, askedRows] = await Promise.all([
    readModel(parsed.data),
    modelDevicesTotal(db, parsed.data, audience),
    modelDevices(db, parsed.data, audience, undefined, undefined, { limit: MODEL_DEVICES_PAGE, page: pageParam.page }),
  ]);
  if (!model) notFound();
  // A model nobody may see measured is not a public page.
  if (audience === "public" && total === 0) notFound();
  const pages = Math.max(1, Math.ceil(total / MODEL_DEVICES_PAGE));
  const page = Math.min(pageParam.page, pages);
  const rows = page === pageParam.page ? askedRows : await modelDevices(db, model.id, audience, undefined, undefined, { limit: MODEL_DEVICES_PAGE, page });
  const note = pageNote(pageParam, { page, pages });
  const reported = REPORTED_RESULTS.filter((r) => r.model.toLowerCase().startsWith(model.name.toLowerCase()));
  const chart = rows.filter((r) => r.tgTs != null).map((r) => ({ category: `${r.device} (${r.backend})`, "tg128 t/s": r.tgTs }));
  return (
    <>
      <h1>
        {model.name} {model.quantization} {model.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </h1>
      <p className="lede">
        {model.parameterCount != null && `${formatNumber(model.parameterCount / 1e9, 2)}B parameters`}
        {model.fileBytes != null && ` · file ${formatBytes(model.fileBytes)}`}
        {model.family && ` · family ${model.family}`}. {audience === "public" ? "Published, plausible runs" : "Your runs, published or not"}: the median over runs of each
        run&apos;s median, the interquartile range and n, the repetitions behind it (<Link href="/leaderboard">leaderboard</Link> for every model).
      </p>
      {rows.length === 0 ? (
        <p className="empty" data-testid="model-empty">
          No device has a plausible pp512 and tg128 of this model yet{audience === "owner" ? " (measure one with npx tokenwatt bench)" : ""}.
        </p>
      ) : (
        <>
          <h2>Generation speed by device</h2>
          <GroupedBars horizontal data={chart} series={["tg128 t/s"]} unit=" t/s" label={`Bar chart of ${model.name} ${model.quantization} generation tokens per second by device`} />
          {note && (
            <p className="field-error" role="alert" data-testid="page-note">
              {note}
            </p>
          )}
          <DataTable caption={`${total.toLocaleString("en-US")} device configuration(s)${pages > 1 ? `, ${MODEL_DEVICES_PAGE} a page` : ""} measured with ${model.name} ${model.quantization}`} columns={COLUMNS} rows={rows} rowKey={(r) => `${r.deviceId}-${r.engine}-${r.backend}-${r.config}`} testId="model-devices" className="fits" />
          <Pager page={page} pages={pages} total={total} pageSize={MODEL_DEVICES_PAGE} href={(p) => `/models/${model.id}${p > 1 ? `?page=${p}` : ""}`} testId="model-devices-pager" noun="device configurations" />
        </>
      )}
      {reported.length > 0 && (
        <>
          <h2>Reported (literature, not measured here)</h2>
          <ul data-testid="model-reported">
            {reported.map((r) => (
              <li key={`${r.device}-${r.source}`}>
                {r.device}: {r.decodeTokensPerSec != null && `${formatNumber(r.decodeTokensPerSec)} tokens/s`}
                {r.decodeJPerToken != null && ` ${formatNumber(r.decodeJPerToken, 2)} J/token (${r.energyScope})`} <span className="badge">reported</span> <span className="hint">{r.source}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
