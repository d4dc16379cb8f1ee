import Link from "next/link";
import { publicReadDb } from "../../../lib/server/context";
import { browserBoard, browserBoardQuerySchema, type BrowserBoardRow } from "../../../lib/server/read/browser-board";
import { formatNumber } from "../../../lib/core/present/format";
import { pageAudience } from "../../../lib/server/access/audience";
import { DataTable, type Column } from "../../components/data-table";
import { pageMetadata } from "../../components/page-metadata";

export const dynamic = "force-dynamic";
export const metadata = pageMetadata({ title: "Browser leaderboard · Tokenwatt", description: "Language models measured in browsers (WebAssembly and WebGPU), ranked by WebGPU adapter.", path: "/leaderboard/browser" });

const LIMITS_SHOWN = ["maxBufferSize", "maxStorageBufferBindingSize"];

const COLUMNS: Column<BrowserBoardRow>[] = [
  {
    header: "Adapter",
    cell: (r) => (
      <>
        {r.adapter}
        {r.isFallbackAdapter && <span className="hint"> (software adapter)</span>}
      </>
    ),
  },
  {
    header: "Features",
    cell: (r) => (
      <>
        {r.features.includes("shader-f16") ? "shader-f16" : <span className="hint">no shader-f16</span>}
        {r.features.includes("subgroups") ? ", subgroups" : ""}
      </>
    ),
  },
  {
    header: "Limits",
    cell: (r) =>
      LIMITS_SHOWN.filter((k) => r.limits[k] != null)
        .map((k) => `${k} ${(r.limits[k]! / 2 ** 20).toFixed(0)} MiB`)
        .join("; ") || "—",
    cellAttrs: () => ({ className: "hint" }),
  },
  { header: "Engine", cell: (r) => r.engine },
  { header: "Ran on", cell: (r) => r.placement },
  {
    header: "Model",
    cell: (r) => (
      <>
        {r.modelName} {r.quantization} {r.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </>
    ),
  },
  { header: "t/s", numeric: true, cell: (r) => formatNumber(r.medianTs) },
  { header: "Runs (devices)", numeric: true, cell: (r) => `${r.runs} (${r.devices})` },
  {
    header: "Output check",
    cell: (r) =>
      Object.entries(r.outputs)
        .map(([o, n]) => `${o === "none" ? "no fingerprint" : o} ${n}`)
        .join(", "),
  },
];

export default async function BrowserBoardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const parsed = browserBoardQuerySchema.safeParse({ workload: typeof sp.workload === "string" && sp.workload ? sp.workload : undefined });
  const workload = parsed.success ? parsed.data.workload : "tg128";
  const db = await publicReadDb();
  const rows = await browserBoard(db, workload, pageAudience());
  return (
    <>
      <h1>Browser leaderboard</h1>
      <p className="lede">
        In-browser LLM engines keyed by the WebGPU adapter they ran on: vendor and architecture, the features and limits that decide whether an engine can
        run at all (shader-f16, buffer sizes), the engine, and where the model really went (a llama.cpp WebGPU run that fell back to the CPU is listed as
        wasm). Only ok, plausible runs rank: a run whose output differs from native llama.cpp on the CPU for the same file is kept off.{" "}
        <Link href="/leaderboard">Native leaderboard</Link>
      </p>
      <form className="filters" method="get">
        <label className="filter">
          Workload
          <input name="workload" defaultValue={workload} size={10} />
        </label>
        <button type="submit">Show</button>
      </form>
      {!parsed.success && (
        <p className="field-error" role="alert">
          workload: {parsed.error.issues[0]?.message}; showing tg128
        </p>
      )}
      {rows.length === 0 ? (
        <p data-testid="browser-board-empty">No browser runs of {workload} yet. Run the suite on <Link href="/run">/run</Link> (or <code>npx tokenwatt bench-browser --engine all</code>).</p>
      ) : (
        <DataTable testId="browser-board" caption={`${workload}: median tokens/s per adapter, engine and model`} columns={COLUMNS} rows={rows} />
      )}
    </>
  );
}
