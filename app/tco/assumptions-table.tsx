/** Every assumption with its value, range, kind and source ("measured here" where Tokenwatt measured it). Memoised: the page passes deferred inputs. */
import { memo } from "react";
import { ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";
import { fmt } from "../../lib/core/tco/format";
import type { TcoInputs } from "../../lib/core/tco/model";
import { DataTable, type Column } from "../components/data-table";

export type Provenance = Partial<Record<AssumptionKey, { kind: string; source: string }>>;

const KEYS = Object.keys(ASSUMPTIONS) as AssumptionKey[];

function columns(inputs: TcoInputs, provenance: Provenance): Column<AssumptionKey>[] {
  const kind = (k: AssumptionKey) => provenance[k]?.kind ?? ASSUMPTIONS[k].kind;
  return [
    { header: "Input", cell: (k) => ASSUMPTIONS[k].label },
    { header: "Value", numeric: true, cell: (k) => fmt(inputs[k], 4) },
    { header: "Unit", cell: (k) => ASSUMPTIONS[k].unit },
    { header: "Low – high", numeric: true, cell: (k) => `${fmt(ASSUMPTIONS[k].low, 4)} – ${fmt(ASSUMPTIONS[k].high, 4)}` },
    { header: "Kind", cell: (k) => <span className={`badge ${kind(k) === "measured here" ? "measured" : kind(k)}`}>{kind(k)}</span> },
    { header: "Source", cell: (k) => provenance[k]?.source ?? ASSUMPTIONS[k].source, cellAttrs: () => ({ className: "source" }) },
  ];
}

export const AssumptionsTable = memo(function AssumptionsTable({ inputs, provenance }: { inputs: TcoInputs; provenance: Provenance }) {
  return (
    <details className="assumptions-section" open>
      <summary>
        <h2 id="assumptions-h">Assumptions and sources</h2>
      </summary>
      <DataTable className="assumptions" columns={columns(inputs, provenance)} rows={KEYS} rowKey={(k) => k} />
    </details>
  );
});
