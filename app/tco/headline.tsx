/** The headline: the verdict sentence, the feasibility panel, data-center-only versus net. Net figures are withheld for an infeasible scenario. */
import type { Feasibility } from "../../lib/core/tco/feasibility";
import { count, fmt, m3, mwh, pct, tons, usd } from "../../lib/core/tco/format";
import type { TcoInputs, TcoResult } from "../../lib/core/tco/model";
import { verdict } from "../../lib/core/tco/verdict";
import { DataTable, type Column } from "../components/data-table";

const WITHHELD = "withheld: infeasible";

export function FeasibilityPanel({ f, inputs }: { f: Feasibility; inputs: TcoInputs }) {
  return (
    <div className={`readouts feasibility ${f.level}`} data-testid="feasibility">
      <h3>
        Feasibility per device per day: <span className={`badge level-${f.level}`}>{f.level}</span>
      </h3>
      <ul>
        <li>
          <strong>{fmt(f.tokensPerDeviceDay, 0)}</strong> tokens generated on each of {fmt(inputs.mode === "bottomUp" ? inputs.users / 1e9 : inputs.devices / 1e9, 2)} billion devices (moved and
          tried-then-escalated both)
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

/**
 * What the devices are charged for: the tokens they serve instead of the data center, and the
 * requests they try and then escalate (model.ts: T_esc), said with the figures of this year.
 */
export function DeviceCharged({ inputs, r }: { inputs: TcoInputs; r: TcoResult }) {
  const moved = r.device.tokensPerYear;
  const escalated = r.device.escalatedTokensPerYear;
  const attempts =
    inputs.offloadMode === "coverage"
      ? "Coverage mode takes the queries the small model does not cover to go to the data center without a device attempt, so no failed attempt is charged (a lower bound if devices try first)."
      : `and ${count(escalated)} tokens of requests tried on the devices and then escalated to the data center (${pct(inputs.cloudFallbackRate, 1)} of the on-device requests): the data center serves those again, and the devices' attempt is charged in full.`;
  return (
    <p className="hint" data-testid="device-charged">
      The devices are charged, at {fmt(inputs.deviceJPerToken * (1 - inputs.deviceEfficiencyGain) ** (r.year - inputs.baseYear), 3)} J/token battery side in {r.year}, for the {count(moved)} tokens a year they serve instead of the data center
      {inputs.offloadMode === "coverage" ? ". " : ", "}
      {attempts}
    </p>
  );
}

/** One measure: the data center's figure and the net one (or, for the last, the devices' own). */
interface HeadlineRow {
  measure: string;
  dc: string;
  dcTestId?: string;
  net: string;
  /** The net figure is a loss (shown red). */
  negative: boolean;
  netTestId?: string;
  /** The third cell is the devices' cost, shown even when net figures are withheld. */
  devices?: boolean;
}

export function Headline({ inputs, r, f }: { inputs: TcoInputs; r: TcoResult; f: Feasibility }) {
  const ok = f.level !== "infeasible";
  const rows: HeadlineRow[] = [
    {
      measure: "Cost avoided (long run: capacity too / short run: energy bill of an existing fleet)",
      dc: `${usd(r.dc.costAvoidedLongRunUsd)} / ${usd(r.dc.costAvoidedShortRunUsd)}`,
      dcTestId: "cost",
      net: `${usd(r.net.usd)} (after users' electricity, battery wear and upgrades)`,
      negative: r.net.usd < 0,
      netTestId: "net-usd",
    },
    {
      measure: "Average power avoided",
      dc: `${fmt(r.dc.avgPowerAvoidedMw, 0)} MW (provisioned ${fmt(r.dc.provisionedAvoidedMw, 0)} MW)`,
      dcTestId: "power",
      net: `${fmt(r.dc.avgPowerAvoidedMw - r.device.avgPowerAddedMw, 0)} MW`,
      negative: r.dc.avgPowerAvoidedMw < r.device.avgPowerAddedMw,
    },
    { measure: "Energy saved", dc: mwh(r.dc.energyAvoidedMwh), net: mwh(r.net.energySavedMwh), negative: r.net.energySavedMwh < 0, netTestId: "net-energy" },
    { measure: "Carbon saved", dc: tons(r.dc.carbonAvoidedT), net: tons(r.net.carbonSavedT), negative: r.net.carbonSavedT < 0 },
    { measure: "Water saved", dc: m3(r.dc.waterAvoidedM3), net: m3(r.net.waterSavedM3), negative: r.net.waterSavedM3 < 0 },
    {
      measure: "$ per million tokens moved (DC cost avoided / devices' cost added)",
      dc: `$${fmt(r.usdPerMTokens.dc, 3)}`,
      dcTestId: "usd-per-mtok-dc",
      net: `$${fmt(r.usdPerMTokens.device, 3)} on the devices`,
      negative: false,
      netTestId: "usd-per-mtok-device",
      devices: true,
    },
  ];
  const columns: Column<HeadlineRow>[] = [
    { header: "Measure", rowHeader: true, cell: (x) => x.measure },
    { header: "Data center only", numeric: true, cell: (x) => x.dc, cellAttrs: (x) => ({ "data-testid": x.dcTestId, "data-label": "Data center only" }) },
    {
      header: "Net (DC minus devices)",
      numeric: true,
      // An infeasible scenario's net figures are withheld; the devices' own cost per token is not a net figure.
      cell: (x) => (ok || x.devices ? x.net : WITHHELD),
      cellAttrs: (x) => ({ className: ok && x.negative ? "negative" : undefined, "data-testid": x.netTestId, "data-label": x.devices ? "Devices" : "Net (DC minus devices)" }),
    },
  ];
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
      {r.longRunBelowShortRun && (
        <p className="notice" role="status" data-testid="long-below-short">
          In {r.year} the long-run cost avoided ({usd(r.dc.costAvoidedLongRunUsd)}) is below the short run&apos;s energy bill ({usd(r.dc.costAvoidedShortRunUsd)}): the baseline cost does not
          grow with the electricity price, which escalates by {pct(inputs.priceEscalation, 1)} a year. The inputs contradict each other in this year; lower the price escalation or raise
          the baseline cost.
        </p>
      )}
      <FeasibilityPanel f={f} inputs={inputs} />
      <DataTable className="compare" testId="results" caption="Data-center-only versus net (system-wide), per year" columns={columns} rows={rows} rowKey={(x) => x.measure} />
      <DeviceCharged inputs={inputs} r={r} />
    </>
  );
}
