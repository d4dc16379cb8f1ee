/** Who pays, per year (long and short run), and the horizon's totals and NPV; withheld while the scenario is infeasible. */
import type { Feasibility } from "../../lib/core/tco/feasibility";
import { fmt, mwh, tons, usd } from "../../lib/core/tco/format";
import type { HorizonTotals, Party, TcoInputs, TcoResult } from "../../lib/core/tco/model";

export function WhoPays({ inputs, r, f, totals, worst }: { inputs: TcoInputs; r: TcoResult; f: Feasibility; totals: HorizonTotals; worst: Feasibility | null }) {
  if (f.level === "infeasible") {
    return (
      <p className="notice" data-testid="who-pays-withheld">
        Who pays and the NPV are withheld: the scenario is infeasible on the devices (see feasibility).
      </p>
    );
  }
  const rows: [string, Party, number][] = [
    ["Data-center operator", r.whoPays.operator, r.whoPays.operatorShortRunUsd],
    ["Users (devices)", r.whoPays.users, r.whoPays.users.usd],
    ["Society (net)", r.whoPays.society, r.whoPays.societyShortRunUsd],
  ];
  const cls = (v: number) => `num ${v < 0 ? "negative" : ""}`;
  return (
    <>
      <div className="table-wrap">
        <table className="compare" data-testid="who-pays">
          <caption>Who pays, per year ({inputs.year}): + saves, − pays</caption>
          <thead>
            <tr>
              <th scope="col">Party</th>
              <th scope="col" className="num">Dollars, long run</th>
              <th scope="col" className="num">Dollars, short run</th>
              <th scope="col" className="num">Energy</th>
              <th scope="col" className="num">Carbon</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, p, shortRun]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className={cls(p.usd)} data-label="Dollars, long run">
                  {usd(p.usd)}
                </td>
                <td className={cls(shortRun)} data-label="Dollars, short run">
                  {usd(shortRun)}
                </td>
                <td className={cls(p.mwh)} data-label="Energy">
                  {mwh(p.mwh)}
                </td>
                <td className={cls(p.tCo2e)} data-label="Carbon">
                  {tons(p.tCo2e)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
