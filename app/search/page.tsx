/**
 * Search across devices and models (issue 31 item 2): /search?q=<words>. Every word must appear in a
 * device's name, CPU, GPU, class or backends, or in a model's name, family, quantization or weights
 * (lib/server/read/search.ts); the public finds what its pages show, the owner everything.
 */
import Link from "next/link";
import { formatBytes, formatNumber } from "../../lib/core/present/format";
import { parseSearchQuery } from "../../lib/core/present/search-query";
import { pageAudience } from "../../lib/server/access/audience";
import { publicReadDb } from "../../lib/server/context";
import { search, type DeviceHit, type ModelHit } from "../../lib/server/read/search";
import { DataTable, type Column } from "../components/data-table";
import { SearchBox } from "../components/search-box";

export const dynamic = "force-dynamic";
export const metadata = { title: "Search · Tokenwatt" };

/** Cells name their column for the phone layout's cards (table.cards). */
const labelled = <Row,>(columns: Column<Row>[]): Column<Row>[] =>
  columns.map((c) => (c.rowHeader ? c : { ...c, cellAttrs: () => ({ "data-label": String(c.header) }) }));

const DEVICE_COLUMNS: Column<DeviceHit>[] = labelled([
  { header: "Device", rowHeader: true, cell: (d) => <Link href={`/devices/${d.id}`}>{d.name}</Link> },
  { header: "Class", cell: (d) => d.deviceClass },
  { header: "CPU", cell: (d) => d.cpuModel },
  { header: "GPU", cell: (d) => d.gpus || "—" },
  { header: "Backends", cell: (d) => d.backends || "—" },
  { header: "Runs", numeric: true, cell: (d) => d.runs },
]);

const MODEL_COLUMNS: Column<ModelHit>[] = labelled([
  {
    header: "Model",
    rowHeader: true,
    cell: (m) => (
      <>
        <Link href={`/models/${m.id}`}>
          {m.name} {m.quantization}
        </Link>{" "}
        {m.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
      </>
    ),
  },
  { header: "Family", cell: (m) => m.family ?? "—" },
  { header: "Parameters", numeric: true, cell: (m) => (m.parameterCount == null ? "—" : `${formatNumber(m.parameterCount / 1e9, 2)}B`) },
  { header: "File", numeric: true, cell: (m) => formatBytes(m.fileBytes) },
  { header: "Devices", numeric: true, cell: (m) => m.devices },
  { header: "Runs", numeric: true, cell: (m) => m.runs },
]);

export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).q;
  // A repeated q is one box's text too many: the first is the search.
  const text = Array.isArray(raw) ? raw[0] : raw;
  const q = parseSearchQuery(text);
  const audience = pageAudience();
  const r = q.ok && q.terms.length ? await search(await publicReadDb(), q.terms, audience) : null;
  const more = (n: number, isMore: boolean, what: string) => `${isMore ? "the first " : ""}${n} ${what}${n === 1 ? "" : "s"} matching${isMore ? "; add a word to narrow the search" : ""}`;
  return (
    <>
      <h1>Search</h1>
      <p className="lede">
        Devices by name, CPU, GPU, class or backend, and models by name, family or quantization: every word must match, in any case
        {audience === "public" ? "; published results only" : "; yours, published or not"}.
      </p>
      {/* A refused text is not echoed back (it may hold control characters). */}
      <SearchBox id="search-page-q" label="Search devices and models" value={q.ok && typeof text === "string" ? text : ""} className="search-box wide" />
      {!q.ok ? (
        <p className="field-error" role="alert" data-testid="search-problem">
          Not searched: {q.problem}.
        </p>
      ) : !r ? (
        <p className="hint">
          Type part of a name, for example a CPU (<Link href="/search?q=ryzen">ryzen</Link>), a backend (<Link href="/search?q=vulkan">vulkan</Link>) or a quantization (
          <Link href="/search?q=q4_0">q4_0</Link>). The whole list of devices is in the <Link href="/compare">compare picker</Link>.
        </p>
      ) : (
        <>
          <h2 id="devices-h">Devices</h2>
          {r.devices.length === 0 ? (
            <p className="empty" data-testid="search-no-devices">
              No device matches “{q.text}”.
            </p>
          ) : (
            <DataTable testId="search-devices" className="cards" caption={more(r.devices.length, r.moreDevices, "device")} columns={DEVICE_COLUMNS} rows={r.devices} rowKey={(d) => d.id} />
          )}
          <h2 id="models-h">Models</h2>
          {r.models.length === 0 ? (
            <p className="empty" data-testid="search-no-models">
              No model matches “{q.text}”.
            </p>
          ) : (
            <DataTable testId="search-models" className="cards" caption={more(r.models.length, r.moreModels, "model")} columns={MODEL_COLUMNS} rows={r.models} rowKey={(m) => m.id} />
          )}
          {r.devices.length > 1 && (
            <p className="hint">
              Compare these devices side by side:{" "}
              <Link href={`/compare?devices=${r.devices.slice(0, 4).map((d) => d.id).join(",")}`} data-testid="search-compare">
                compare the first {Math.min(4, r.devices.length)}
              </Link>{" "}
              or pick others in the <Link href="/compare">compare picker</Link>.
            </p>
          )}
        </>
      )}
    </>
  );
}
