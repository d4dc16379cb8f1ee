/** Who pays, per year (long and short run), and the horizon's totals and NPV; withheld while the scenario is infeasible. */
import type { Feasibility } from "../../lib/core/tco/feasibility";
import { fmt, mwh, tons, usd } from "../../lib/core/tco/format";
import type { HorizonTotals, Party, TcoInputs, TcoResult } from "../../lib/core/tco/model";
import { DataTable, type Column } from "../components/data-table";

interface PartyRow {
  name: string;
  p: Party;
  /** Dollars in the short run (an existing fleet saves only its energy bill). */
  shortRun: number;
}

/** A figure's cell: red where the party pays, labelled for the phone layout's cards. */
const figure = (header: string, value: (x: PartyRow) => number, show: (v: number) => string): Column<PartyRow> => ({
  header,
  numeric: true,
  cell: (x) => show(value(x)),
  cellAttrs: (x) => ({ className: value(x) < 0 ? "negative" : undefined, "data-label": header }),
});

const WHO_PAYS_COLUMNS: Column<PartyRow>[] = [
  { header: "Party", rowHeader: true, cell: (x) => x.name },
  figure("Dollars, long run", (x) => x.p.usd, usd),
  figure("Dollars, short run", (x) => x.shortRun, usd),
  figure("Energy", (x) => x.p.mwh, mwh),
  figure("Carbon", (x) => x.p.tCo2e, tons),
];

export function WhoPays({ inputs, r, f, totals, worst }: { inputs: TcoInputs; r: TcoResult; f: Feasibility; totals: HorizonTotals; worst: Feasibility | null }) {
  if (f.level === "infeasible") {
    return (
      <p className="notice" data-testid="who-pays-withheld">
        Who pays and the NPV are withheld: the scenario is infeasible on the devices (see feasibility).
      </p>
    );
  }
  const rows: PartyRow[] = [
    { name: "Data-center operator", p: r.whoPays.operator, shortRun: r.whoPays.operatorShortRunUsd },
    { name: "Users (devices)", p: r.whoPays.users, shortRun: r.whoPays.users.usd },
    { name: "Society (net)", p: r.whoPays.society, shortRun: r.whoPays.societyShortRunUsd },
  ];
  return (
    <>
      <DataTable className="compare" testId="who-pays" caption={`Who pays, per year (${inputs.year}): + saves, − pays`} columns={WHO_PAYS_COLUMNS} rows={rows} rowKey={(x) => x.name} />
      <p className="hint">
        Long run: the operator builds less capacity too; short run: an existing fleet saves only its energy bill. Users pay {usd(r.device.electricityUsd)} of electricity,{" "}
        {usd(r.device.batteryWearUsd)} of battery wear (${fmt(r.device.batteryWearUsdPerKwh, 2)}/kWh: ${fmt(inputs.batteryServiceUsd, 0)} service over {fmt(inputs.batteryCycleLife, 0)} cycles,{" "}
        {fmt(inputs.batteryWearMarginalShare * 100, 0)}% of it marginal) and {usd(r.device.upgradesUsd)} of AI-attributed upgrades (on the {fmt(r.device.attributedPurchaseShare * 100, 1)}% of purchases the offload needs AI-capable
        beyond the {fmt(r.device.capableSalesShare * 100, 0)}% sold AI-capable anyway in {r.year}).
        {inputs.carbonPriceUsdPerT > 0 && ` With carbon at $${fmt(inputs.carbonPriceUsdPerT, 0)}/t, society's dollars are ${usd(r.net.usdWithCarbon)}.`}
      </p>
      {worst && worst.level === "infeasible" ? (
        <p className="notice" data-testid="npv">
          Totals and NPV over {totals.years} years are withheld: in {worst.year} the volume needs {fmt(worst.batteryShare * 100, 0)}% of a battery and {fmt(worst.generationMinutesPerDay, 0)} minutes of
          generation per device per day (demand grows {fmt(inputs.demandGrowth * 100, 0)}% a year on a fixed number of devices).
        </p>
      ) : (
        <p data-testid="npv">
          Over {totals.years} years from {totals.fromYear} (valued at the start of {totals.fromYear}, at {fmt(inputs.discountRate * 100, 1)}% real, each year discounted from its {inputs.discounting === "mid" ? "middle" : inputs.discounting}
          {inputs.priceEscalation !== 0 && `, electricity prices ${inputs.priceEscalation > 0 ? "+" : "−"}${fmt(Math.abs(inputs.priceEscalation) * 100, 1)}% a year real`}): society {usd(totals.netUsd)} (NPV{" "}
          <strong data-testid="npv-net">{usd(totals.npvNetUsd)}</strong>; short run {usd(totals.npvNetShortRunUsd)}
          {inputs.carbonPriceUsdPerT > 0 && `; with carbon ${usd(totals.npvNetWithCarbonUsd)}`}), the operator {usd(totals.operatorUsd)} (NPV {usd(totals.npvOperatorUsd)}, short run{" "}
          {usd(totals.npvOperatorShortRunUsd)}), users {usd(totals.usersUsd)} (NPV {usd(totals.npvUsersUsd)}); net energy {mwh(totals.netEnergySavedMwh)}, net carbon {tons(totals.netCarbonSavedT)}.
        </p>
      )}
    </>
  );
}
