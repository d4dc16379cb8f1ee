/** The headline: the verdict sentence, the feasibility panel, data-center-only versus net. Net figures are withheld for an infeasible scenario. */
import type { Feasibility } from "../../lib/core/tco/feasibility";
import { fmt, m3, mwh, pct, tons, usd } from "../../lib/core/tco/format";
import type { TcoInputs, TcoResult } from "../../lib/core/tco/model";
import { verdict } from "../../lib/core/tco/verdict";

const WITHHELD = "withheld: infeasible";

export function FeasibilityPanel({ f, inputs }: { f: Feasibility; inputs: TcoInputs }) {
  return (
    <div className={`readouts feasibility ${f.level}`} data-testid="feasibility">
      <h3>
        Feasibility per device per day: <span className={`badge level-${f.level}`}>{f.level}</span>
      </h3>
      <ul>
        <li>
          <strong>{fmt(f.tokensPerDeviceDay, 0)}</strong> tokens on each of {fmt(inputs.mode === "bottomUp" ? inputs.users / 1e9 : inputs.devices / 1e9, 2)} billion devices
        </li>
        {f.checks.map((c) => (
          <li key={c.key} className={`level-${c.level}`}>
            {c.label}: <strong data-testid={`feasibility-${c.key}`}>{c.unit === "fraction" ? pct(c.value) : `${fmt(c.value, 0)} ${c.unit}`}</strong> ({c.level}; strain above{" "}
            {c.unit === "fraction" ? pct(c.strainedAbove, 0) : `${c.strainedAbove} ${c.unit}`}, infeasible above {c.unit === "fraction" ? pct(c.infeasibleAbove, 0) : `${c.infeasibleAbove} ${c.unit}`})
          </li>
        ))}
        <li>
          at {fmt(inputs.deviceTokensPerSec, 1)} tokens/s sustained and {fmt(inputs.deviceJPerToken, 2)} J/token: {fmt(f.powerWhileGeneratingW, 1)} W while generating,{" "}
          {inputs.powerSource === "mains" ? "from the mains (no battery: minutes only)" : `from a ${fmt(inputs.batteryWh, 2)} Wh battery`}
        </li>
      </ul>
      <p className="hint">
        Limits are estimates: a phone is sized for a day of its owner&apos;s other use, and its sustained speed is about half its peak once hot (arXiv 2603.23640). Change the
        share, the devices, the fleet&apos;s J/token or the device class to make an infeasible scenario feasible.
      </p>
    </div>
  );
}

export function Headline({ inputs, r, f }: { inputs: TcoInputs; r: TcoResult; f: Feasibility }) {
  const ok = f.level !== "infeasible";
  const net = (v: string, negative: boolean, testId?: string) => (
    <td className={`num ${ok && negative ? "negative" : ""}`} data-testid={testId} data-label="Net (DC minus devices)">
      {ok ? v : WITHHELD}
    </td>
  );
  return (
    <>
      <p className={`verdict ${f.level}`} data-testid="verdict">
        {verdict(inputs, r, f)}
      </p>
      {r.replacedCapped && (
        <p className="notice" role="status" data-testid="capped">
          The replaced model ({fmt(inputs.dcItJPerToken, 3)} J/token IT) at this share would need more energy than the whole fleet uses; the work moved is capped at the
          baseline ({usd(r.baseline.costUsd)}, {mwh(r.baseline.energyMwh)}).
        </p>
      )}
      <FeasibilityPanel f={f} inputs={inputs} />
      <div className="table-wrap">
        <table className="compare" data-testid="results">
          <caption>Data-center-only versus net (system-wide), per year</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" className="num">Data center only</th>
              <th scope="col" className="num">Net (DC minus devices)</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Cost avoided (long run: capacity too / short run: energy bill of an existing fleet)</th>
              <td className="num" data-testid="cost" data-label="Data center only">
                {usd(r.dc.costAvoidedLongRunUsd)} / {usd(r.dc.costAvoidedShortRunUsd)}
              </td>
              {net(`${usd(r.net.usd)} (after users' electricity, battery wear and upgrades)`, r.net.usd < 0, "net-usd")}
            </tr>
            <tr>
              <th scope="row">Average power avoided</th>
              <td className="num" data-testid="power" data-label="Data center only">
                {fmt(r.dc.avgPowerAvoidedMw, 0)} MW (provisioned {fmt(r.dc.provisionedAvoidedMw, 0)} MW)
              </td>
              {net(`${fmt(r.dc.avgPowerAvoidedMw - r.device.avgPowerAddedMw, 0)} MW`, r.dc.avgPowerAvoidedMw < r.device.avgPowerAddedMw)}
            </tr>
            <tr>
              <th scope="row">Energy saved</th>
              <td className="num" data-label="Data center only">{mwh(r.dc.energyAvoidedMwh)}</td>
              {net(mwh(r.net.energySavedMwh), r.net.energySavedMwh < 0, "net-energy")}
            </tr>
            <tr>
              <th scope="row">Carbon saved</th>
              <td className="num" data-label="Data center only">{tons(r.dc.carbonAvoidedT)}</td>
              {net(tons(r.net.carbonSavedT), r.net.carbonSavedT < 0)}
            </tr>
            <tr>
              <th scope="row">Water saved</th>
              <td className="num" data-label="Data center only">{m3(r.dc.waterAvoidedM3)}</td>
              {net(m3(r.net.waterSavedM3), r.net.waterSavedM3 < 0)}
            </tr>
            <tr>
              <th scope="row">$ per million tokens moved (DC cost avoided / devices&apos; cost added)</th>
              <td className="num" data-testid="usd-per-mtok-dc" data-label="Data center only">
                ${fmt(r.usdPerMTokens.dc, 3)}
              </td>
              <td className="num" data-testid="usd-per-mtok-device" data-label="Devices">
                ${fmt(r.usdPerMTokens.device, 3)} on the devices
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </>
  );
}
