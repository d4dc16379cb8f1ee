/** Scenario A (the inputs on the page) beside scenario B (pinned earlier or loaded): the headline figures side by side. */
import { feasibility, worstFeasibility } from "../../lib/core/tco/feasibility";
import { fmt, mwh, pct, usd } from "../../lib/core/tco/format";
import { evaluate, horizon, type TcoInputs } from "../../lib/core/tco/model";
import { DataTable, type Column } from "../components/data-table";

function summary(i: TcoInputs) {
  const r = evaluate(i);
  const h = horizon(i);
  const f = feasibility(i, r);
  const w = worstFeasibility(i, h.results);
  const ok = f.level !== "infeasible";
  const npvOk = ok && w?.level !== "infeasible";
  return [
    ["Year, mode, replaced model", `${i.year}, ${i.mode === "topDown" ? "top-down" : "bottom-up"}, ${i.replacedModel === "fleet" ? "fleet average" : `${fmt(i.dcItJPerToken, 3)} J IT`}`],
    ["Offload share (effective)", pct(r.effectiveDcShare)],
    ["Feasibility", `${f.level} (${i.powerSource === "mains" ? "mains" : `${pct(f.batteryShare, 0)} of a battery`}, ${fmt(f.generationMinutesPerDay, 0)} min/day)`],
    ["DC cost avoided, long / short run", `${usd(r.dc.costAvoidedLongRunUsd)} / ${usd(r.dc.costAvoidedShortRunUsd)}`],
    ["DC power avoided", `${fmt(r.dc.avgPowerAvoidedMw, 0)} MW`],
    ["$ per million tokens, DC / devices", `$${fmt(r.usdPerMTokens.dc, 3)} / $${fmt(r.usdPerMTokens.device, 3)}`],
    ["Users pay", usd(-r.whoPays.users.usd)],
    ["Net dollars (society)", ok ? usd(r.net.usd) : "withheld"],
    ["Net energy saved", ok ? mwh(r.net.energySavedMwh) : "withheld"],
    [`NPV, society (${i.horizonYears} years)`, npvOk ? usd(h.npvNetUsd) : "withheld"],
  ] as const;
}

interface CompareRow {
  label: string;
  a: string;
  b: string;
}

const COMPARE_COLUMNS: Column<CompareRow>[] = [
  { header: "Measure", rowHeader: true, cell: (x) => x.label },
  { header: "A", numeric: true, cell: (x) => x.a, cellAttrs: () => ({ "data-label": "A" }) },
  { header: "B", numeric: true, cell: (x) => x.b, cellAttrs: () => ({ "data-label": "B" }) },
];

export function Compare({ a, b, nameB, onClear }: { a: TcoInputs; b: TcoInputs; nameB: string; onClear: () => void }) {
  const sa = summary(a);
  const sb = summary(b);
  return (
    <section aria-labelledby="compare-h" className="compare-ab" data-testid="compare">
      <h3 id="compare-h">Scenario A (on the page) and B ({nameB})</h3>
      <DataTable className="compare" columns={COMPARE_COLUMNS} rows={sa.map(([label, a], k) => ({ label, a, b: sb[k]![1] }))} rowKey={(x) => x.label} />
      <button type="button" className="no-print" onClick={onClear}>
        Clear B
      </button>
    </section>
  );
}
