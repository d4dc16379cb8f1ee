"use client";

import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ASSUMPTIONS, type AssumptionKey } from "../../lib/core/tco/assumptions";
import { inputsToSearchParams, validateInputs } from "../../lib/core/tco/inputs";
import { breakEvens, defaultInputs, evaluate, horizon, trajectory, type Party, type TcoInputs } from "../../lib/core/tco/model";
import { bottomUpPreset, REGIONS, tiriasPreset, withRegion, type RegionKey } from "../../lib/core/tco/presets";
import { medianNote, monteCarlo, tornado } from "../../lib/core/tco/uncertainty";
import { toCsv } from "../../lib/core/present/csv";
import { batchWhereDcBeatsDevice, CLOUD_MODELS, curveJPerToken } from "../../lib/core/tco/dc-energy";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";
import type { MeasuredDeviceEnergy } from "../../lib/server/read/measured-energy";

/** What the measured device J/token must be (lib/server/read/measured-energy.ts): said when there is none. */
const DEVICE_REFERENCE_TEXT = "tg128 result measured in a battery or SoC scope (wall readings include the charger; package readings leave out the rest of the device)";

/** A curve the helper offers: the reference run's (reported) or a measured one from published server-suite runs. */
interface HelperCurve {
  key: string;
  label: string;
  points: readonly (readonly [number, number])[];
  kind: "reported" | "measured here";
  source: string;
  submissionIds: string[];
}

function helperCurves(measuredCurves: MeasuredBatchCurve[]): HelperCurve[] {
  return [
    ...measuredCurves.map((c, i) => ({
      key: `measured:${i}`,
      label: `${c.model} ${c.quantization} on ${c.device} (${c.backend}, ${c.energyScope} scope): measured here`,
      points: c.points,
      kind: "measured here" as const,
      source: `Measured by Tokenwatt runners: ${c.runs} published server-suite result(s) of ${c.model} ${c.quantization} on ${c.device} (${c.backend}), median J/token at each batch`,
      submissionIds: c.submissionIds,
    })),
    ...Object.entries(CLOUD_MODELS).map(([k, m]) => ({ key: k, label: `${m.label}: reference run`, points: m.points, kind: "reported" as const, source: m.source, submissionIds: [] })),
  ];
}

/**
 * Derives the DC energy per token input from the cloud model and its serving batch size, on the
 * reference curve or a measured one; draws J/token against batch (log-log) beside the device's.
 */
function DcEnergyHelper({
  onUse,
  measuredCurves,
  device,
}: {
  onUse: (jPerToken: number, source: string, kind: "reported" | "measured here") => void;
  measuredCurves: MeasuredBatchCurve[];
  device: { wallJPerToken: number; pue: number };
}) {
  const curves = useMemo(() => helperCurves(measuredCurves), [measuredCurves]);
  const [key, setKey] = useState<string>(curves.find((c) => c.kind === "measured here")?.key ?? "phi-3-mini-3.8b");
  const curve = curves.find((c) => c.key === key) ?? curves[0]!;
  const [batch, setBatch] = useState("64");
  const [overhead, setOverhead] = useState("1.4");
  const b = Number(batch);
  const o = Number(overhead);
  const ok = Number.isFinite(b) && b >= 1 && b <= 4096 && Number.isFinite(o) && o >= 1 && o <= 3;
  const j = ok ? curveJPerToken(curve.points, b) * o : null;
  const beats = ok ? batchWhereDcBeatsDevice(curve.points, o, device.pue, device.wallJPerToken) : null;
  const chart = curve.points.map(([x, y]) => ({ batch: x, dc: y * (ok ? o : 1) * device.pue }));
  return (
    <fieldset className="helper">
      <legend>Cloud model size and batching</legend>
      <div className="field">
        <label htmlFor="dc-model">Cloud model it replaces (J/token vs batch)</label>
        <select id="dc-model" value={curve.key} onChange={(e) => setKey(e.target.value)}>
          {curves.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="dc-batch">Serving batch size (1 to 4096)</label>
        <input id="dc-batch" type="number" value={batch} onChange={(e) => setBatch(e.target.value)} aria-invalid={!ok} />
      </div>
      <div className="field">
        <label htmlFor="dc-overhead">Server overhead over GPU power (1 to 3)</label>
        <input id="dc-overhead" type="number" step="0.05" value={overhead} onChange={(e) => setOverhead(e.target.value)} aria-invalid={!ok} />
      </div>
      {ok ? (
        <button type="button" onClick={() => onUse(Number(j!.toPrecision(3)), `${curve.source}: at batch ${b}, x ${o} server overhead`, curve.kind)}>
          Use {Number(j!.toPrecision(3))} J/token (IT)
        </button>
      ) : (
        <p className="field-error" role="alert">Batch must be 1 to 4096 and overhead 1 to 3.</p>
      )}
      <div className="chart" role="img" aria-label="Log-log chart of data-center facility J/token against serving batch, with the device's wall J/token">
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={chart} margin={{ left: 4, right: 8, top: 8, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="batch" type="number" scale="log" domain={["dataMin", "dataMax"]} allowDataOverflow tickFormatter={(v) => fmt(Number(v), 0)} />
            <YAxis type="number" scale="log" domain={["auto", "auto"]} width={50} tickFormatter={(v) => fmt(Number(v), 2)} />
            <Tooltip formatter={(v) => `${fmt(Number(v), 3)} J/token`} labelFormatter={(l) => `batch ${l}`} />
            <ReferenceLine y={device.wallJPerToken} stroke="#b5532a" strokeDasharray="4 2" label={{ value: "device (wall)", fontSize: 10, position: "insideTopRight" }} />
            <Line dataKey="dc" name="data center (facility)" stroke="#0b5cad" dot isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="hint" data-testid="dc-beats-device">
        {beats == null
          ? `Within this curve the data center never reaches the device's ${fmt(device.wallJPerToken, 3)} J/token at the wall.`
          : `The data center (facility: GPU x ${fmt(o, 2)} x PUE ${fmt(device.pue, 2)}) uses less energy per token than the device (${fmt(device.wallJPerToken, 3)} J/token at the wall) from batch ${beats} on.`}
      </p>
      <p className="hint">
        <span className={`badge ${curve.kind === "measured here" ? "measured" : "reported"}`}>{curve.kind}</span> {curve.source}; log-log interpolation between measured batch sizes
        {curve.submissionIds.length > 0 && (
          <>
            {" "}(runs{" "}
            {curve.submissionIds.slice(0, 5).map((id, i) => (
              <span key={id}>
                {i > 0 && ", "}
                <a href={`/runs/${id}`}>{id.slice(0, 8)}</a>
              </span>
            ))}
            )
          </>
        )}
        .
      </p>
    </fieldset>
  );
}

type Raw = Record<string, string>;
const EXEC: AssumptionKey[] = [
  "offloadShare",
  "dcCostUsd",
  "dcPowerMw",
  "fleetItJPerToken",
  "dcItJPerToken",
  "deviceJPerToken",
  "dcElectricityUsdPerKwh",
  "residentialUsdPerKwh",
  "dcGridGPerKwh",
  "deviceGridGPerKwh",
];
const DEMAND_LABELS = {
  users: "Users (bottom-up)",
  queriesPerUserPerDay: "Queries per user per day (bottom-up)",
  tokensPerQuery: "Tokens per query (bottom-up)",
  baseYear: "Base year of the baseline",
  offloadShareStart: "Offload share at the base year, when it ramps (fraction)",
  rampYears: "Years to reach the target offload share (0: no ramp)",
  horizonYears: "Horizon for totals and NPV (years)",
} as const;
const ADVANCED = (Object.keys(ASSUMPTIONS) as AssumptionKey[]).filter((k) => !EXEC.includes(k));

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : "—");
const usd = (v: number) => (Math.abs(v) >= 1e9 ? `$${fmt(v / 1e9, 2)}B` : `$${fmt(v / 1e6, 1)}M`);
const mwh = (v: number) => (Math.abs(v) >= 1e6 ? `${fmt(v / 1e6, 2)} TWh` : `${fmt(v / 1e3, 1)} GWh`);
const tons = (v: number) => `${fmt(v / 1e6, 2)} MtCO2e`;
const m3 = (v: number) => `${fmt(v / 1e6, 2)} million m³`;
const signedUsd = (v: number) => (v < 0 ? `−${usd(-v)}` : usd(v));

const rawOf = (i: TcoInputs): Raw => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, String(v)]));

export function TcoApp({
  initialRaw,
  baseInputs,
  measured,
  measuredCurves,
}: {
  initialRaw: Raw;
  baseInputs: TcoInputs;
  measured: MeasuredDeviceEnergy | null;
  measuredCurves: MeasuredBatchCurve[];
}) {
  const [raw, setRaw] = useState<Raw>(initialRaw);
  const validation = useMemo(() => validateInputs(raw), [raw]);
  const lastValid = useRef<TcoInputs>(validation.ok ? validation.inputs : baseInputs);
  if (validation.ok) lastValid.current = validation.inputs;
  const inputs = lastValid.current;
  const errors = validation.ok ? {} : validation.errors;
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    if (!validation.ok) return;
    const q = inputsToSearchParams(validation.inputs).toString();
    window.history.replaceState(null, "", q ? `/tco?${q}` : "/tco");
  }, [validation]);

  const result = useMemo(() => evaluate(inputs), [inputs]);
  const years = useMemo(() => trajectory(inputs, inputs.year + 7), [inputs]);
  const totals = useMemo(() => horizon(inputs), [inputs]);
  const deferred = useDeferredValue(inputs);
  const [sampleLevers, setSampleLevers] = useState(false);
  const mc = useMemo(() => monteCarlo(deferred, 10_000, 1, { sampleLevers }), [deferred, sampleLevers]);
  const note = useMemo(() => medianNote(deferred, "netEnergySavedMwh", mc.netEnergySavedMwh, "net energy saved", sampleLevers), [deferred, mc, sampleLevers]);
  const bars = useMemo(() => tornado(deferred, "netEnergySavedMwh"), [deferred]);
  const be = useMemo(() => breakEvens(inputs), [inputs]);

  /** Where an input's value came from when it is not the table's default: measured here, with its source. */
  const [provenance, setProvenance] = useState<Partial<Record<AssumptionKey, { kind: string; source: string }>>>({});
  const set = (k: string, v: string) => {
    setRaw((r) => ({ ...r, [k]: v }));
    // A value typed by hand is the user's own, whatever it was before.
    setProvenance((p) => (k in p ? Object.fromEntries(Object.entries(p).filter(([x]) => x !== k)) : p));
  };
  const applyPreset = (i: TcoInputs) => {
    setRaw(rawOf(i));
    setProvenance({});
  };
  const applyRegion = (side: "dc" | "users", region: string) => {
    if (region in REGIONS) setRaw(rawOf(withRegion(inputs, side, region as RegionKey)));
  };
  const plainField = (k: keyof typeof DEMAND_LABELS) => (
    <div className="field" key={k}>
      <label htmlFor={`in-${k}`}>{DEMAND_LABELS[k]}</label>
      <input id={`in-${k}`} type="number" step="any" value={raw[k] ?? ""} onChange={(e) => set(k, e.target.value)} aria-invalid={Boolean(errors[k])} />
      {errors[k] && (
        <p className="field-error" role="alert">
          {errors[k]}
        </p>
      )}
    </div>
  );

  const field = (k: AssumptionKey) => {
    const a = ASSUMPTIONS[k];
    const id = `in-${k}`;
    return (
      <div className="field" key={k}>
        <label htmlFor={id}>
          {a.label} <span className="unit">({a.unit})</span>
        </label>
        {a.unit === "fraction" ? (
          <div className="slider">
            <input id={id} type="range" min={a.min} max={a.max} step={0.01} value={Number(raw[k]) || 0} onChange={(e) => set(k, e.target.value)} aria-describedby={`${id}-err`} />
            <input aria-label={`${a.label} (value)`} type="number" step="any" value={raw[k] ?? ""} onChange={(e) => set(k, e.target.value)} />
          </div>
        ) : (
          <input id={id} type="number" step="any" value={raw[k] ?? ""} onChange={(e) => set(k, e.target.value)} aria-describedby={`${id}-err`} aria-invalid={Boolean(errors[k])} />
        )}
        {errors[k] && (
          <p className="field-error" id={`${id}-err`} role="alert">
            {errors[k]}
          </p>
        )}
      </div>
    );
  };

  const exportCsv = () => {
    const rows = years.map((r) => ({
      year: r.year,
      dc_cost_avoided_usd: r.dc.costAvoidedLongRunUsd,
      dc_energy_avoided_mwh: r.dc.energyAvoidedMwh,
      dc_power_avoided_mw: r.dc.avgPowerAvoidedMw,
      device_energy_added_mwh: r.device.energyAddedMwh,
      users_cost_usd: -r.whoPays.users.usd,
      net_usd: r.whoPays.society.usd,
      net_energy_saved_mwh: r.net.energySavedMwh,
      net_carbon_saved_t: r.net.carbonSavedT,
      net_water_saved_m3: r.net.waterSavedM3,
    }));
    const blob = new Blob([toCsv(rows, Object.keys(rows[0]!) as (keyof (typeof rows)[number] & string)[])], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "tokenwatt-tco.csv";
    a.click();
  };

  const save = async () => {
    const name = window.prompt("Name this scenario", `Offload ${fmt(inputs.offloadShare * 100, 0)}% in ${inputs.year}`);
    if (!name) return;
    const r = await fetch("/api/v1/scenarios", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, inputs }) });
    const body = await r.json();
    setSaved(r.ok ? `${window.location.origin}${body.url}` : `Not saved: ${body.error?.message ?? r.status}`);
  };

  // GWh below 1 TWh so that axis ticks stay readable.
  const big = Math.max(result.dc.energyAvoidedMwh, result.device.energyAddedMwh) >= 1e6;
  const eUnit = big ? "TWh" : "GWh";
  const eDiv = big ? 1e6 : 1e3;
  const energyBars = [
    { name: "Data center avoided", energy: result.dc.energyAvoidedMwh / eDiv },
    { name: "Devices added", energy: -result.device.energyAddedMwh / eDiv },
    { name: "Net saved", energy: result.net.energySavedMwh / eDiv },
  ];

  return (
    <div className="tco">
      <div className="toolbar no-print">
        <button onClick={() => applyPreset(tiriasPreset())}>Preset: Tirias 2028</button>
        <button
          onClick={() => {
            applyPreset(bottomUpPreset(measured?.jPerToken ?? null));
            setProvenance(
              measured
                ? { deviceJPerToken: { kind: "measured here", source: `Median of ${measured.runs} published ${measured.reference.workloadId} results measured by Tokenwatt runners (${measured.scopes.join(", ")} scope)` } }
                : {},
            );
          }}
        >
          Preset: bottom-up{measured ? " (measured devices)" : ""}
        </button>
        <button onClick={() => applyPreset(defaultInputs())}>Reset</button>
        <button onClick={save}>Save scenario</button>
        <button onClick={exportCsv}>Export CSV</button>
        <button onClick={() => window.print()}>Print report</button>
      </div>
      {saved && (
        <p className="notice" role="status">
          Shareable link: <a href={saved}>{saved}</a>
        </p>
      )}
      {!validation.ok && (
        <p className="field-error" role="alert">
          Some inputs are invalid; the results below use the last valid values.
        </p>
      )}
      <div className="tco-grid">
        <section aria-labelledby="inputs-h" className="panel">
          <h2 id="inputs-h">Inputs</h2>
          <div className="field">
            <label htmlFor="in-mode">Demand</label>
            <select id="in-mode" value={raw.mode} onChange={(e) => set("mode", e.target.value)}>
              <option value="topDown">Top-down: DC cost and power baseline</option>
              <option value="bottomUp">Bottom-up: users x queries x tokens</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="in-offloadMode">Offload share</label>
            <select id="in-offloadMode" value={raw.offloadMode} onChange={(e) => set("offloadMode", e.target.value)}>
              <option value="direct">Direct: the share is an input</option>
              <option value="coverage">Coverage: small-model coverage x capable devices</option>
            </select>
          </div>
          {(["dc", "users"] as const).map((side) => (
            <div className="field" key={side}>
              <label htmlFor={`region-${side}`}>{side === "dc" ? "Data-center region" : "Users' region"} (grid, water, price)</label>
              <select id={`region-${side}`} defaultValue="" onChange={(e) => applyRegion(side, e.target.value)}>
                <option value="">Keep the values below</option>
                {Object.entries(REGIONS).map(([k, r]) => (
                  <option key={k} value={k}>
                    {r.label}
                  </option>
                ))}
              </select>
              {side === "users" && <p className="hint">Regions set only sourced figures ({Object.values(REGIONS).map((r) => `${r.label}: ${r.source}`).join("; ")}).</p>}
            </div>
          ))}
          <div className="field">
            <label htmlFor="in-year">Year</label>
            <input id="in-year" type="number" value={raw.year ?? ""} onChange={(e) => set("year", e.target.value)} aria-invalid={Boolean(errors.year)} />
            {errors.year && <p className="field-error" role="alert">{errors.year}</p>}
          </div>
          <DcEnergyHelper
            measuredCurves={measuredCurves}
            device={{ wallJPerToken: inputs.deviceJPerToken / inputs.chargingEfficiency, pue: inputs.pue }}
            onUse={(j, source, kind) => {
              set("dcItJPerToken", String(j));
              setProvenance((p) => ({ ...p, dcItJPerToken: { kind, source } }));
            }}
          />
          {EXEC.filter((k) => inputs.mode === "topDown" || (k !== "dcCostUsd" && k !== "dcPowerMw")).map(field)}
          {inputs.mode === "bottomUp" && (["users", "queriesPerUserPerDay", "tokensPerQuery"] as const).map(plainField)}
          {plainField("horizonYears")}
          <p className="hint" data-testid="measured-device-energy">
            Device energy:{" "}
            {measured ? (
              <>
                {fmt(measured.jPerToken, 3)} J/token above idle (median; {fmt(measured.p25, 3)}–{fmt(measured.p75, 3)}) from {measured.runs} published{" "}
                {measured.reference.workloadId} results of {measured.models == null ? "all models" : "model" in measured.models ? measured.models.model : `${measured.models.sizeClass} models`} measured in the{" "}
                {measured.scopes.join(" and ")} scope (runs{" "}
                {measured.submissionIds.slice(0, 5).map((id, i) => (
                  <span key={id}>
                    {i > 0 && ", "}
                    <a href={`/runs/${id}`}>{id.slice(0, 8)}</a>
                  </span>
                ))}
                {measured.submissionIds.length > 5 && ", …"}); the bottom-up preset uses it.
              </>
            ) : (
              `no published ${DEVICE_REFERENCE_TEXT} yet: the default is the reported phone figure`
            )}
          </p>
          {/* Opens by itself when one of its fields is invalid, so every message is visible. */}
          <details open={[...ADVANCED, "users", "queriesPerUserPerDay", "tokensPerQuery", "baseYear", "offloadShareStart", "rampYears"].some((k) => (errors as Record<string, string>)[k]) || undefined}>
            <summary>Advanced (engineers)</summary>
            {(inputs.mode === "topDown" ? (["users", "queriesPerUserPerDay", "tokensPerQuery", "baseYear"] as const) : (["baseYear"] as const)).map(plainField)}
            {(["offloadShareStart", "rampYears"] as const).map(plainField)}
            {ADVANCED.map(field)}
          </details>
        </section>

        <section aria-labelledby="results-h" className="panel">
          <h2 id="results-h">Results for {inputs.year}</h2>
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
                <th scope="row">Cost avoided (long run / short run)</th>
                <td className="num" data-testid="cost">{usd(result.dc.costAvoidedLongRunUsd)} / {usd(result.dc.costAvoidedShortRunUsd)}</td>
                <td className={`num ${result.net.usd < 0 ? "negative" : ""}`} data-testid="net-usd">
                  {signedUsd(result.net.usd)} (after users&apos; electricity, battery wear and upgrades)
                </td>
              </tr>
              <tr>
                <th scope="row">Average power avoided</th>
                <td className="num" data-testid="power">{fmt(result.dc.avgPowerAvoidedMw, 0)} MW (provisioned {fmt(result.dc.provisionedAvoidedMw, 0)} MW)</td>
                <td className="num">{fmt(result.dc.avgPowerAvoidedMw - result.device.avgPowerAddedMw, 0)} MW</td>
              </tr>
              <tr>
                <th scope="row">Energy saved</th>
                <td className="num">{mwh(result.dc.energyAvoidedMwh)}</td>
                <td className={`num ${result.net.energySavedMwh < 0 ? "negative" : ""}`} data-testid="net-energy">{mwh(result.net.energySavedMwh)}</td>
              </tr>
              <tr>
                <th scope="row">Carbon saved</th>
                <td className="num">{tons(result.dc.carbonAvoidedT)}</td>
                <td className={`num ${result.net.carbonSavedT < 0 ? "negative" : ""}`}>{tons(result.net.carbonSavedT)}</td>
              </tr>
              <tr>
                <th scope="row">Water saved</th>
                <td className="num">{m3(result.dc.waterAvoidedM3)}</td>
                <td className="num">{m3(result.net.waterSavedM3)}</td>
              </tr>
            </tbody>
          </table>
          <div className="readouts" data-testid="sanity">
            <h3>Is the volume plausible? Per device per day ({fmt(result.perDevice.devices / 1e9, 2)} billion devices)</h3>
            <ul>
              <li>
                <strong>{fmt(result.perDevice.tokensPerDay, 0)}</strong> tokens moved to the device (offload share {fmt(result.offloadShare * 100, 1)}%)
              </li>
              <li>
                <strong>{fmt(result.perDevice.batteryWhPerDay, 2)} Wh</strong> from the battery ({fmt(result.perDevice.wallWhPerDay, 2)} Wh at the wall):{" "}
                <strong data-testid="battery-share">{fmt(result.perDevice.batteryShare * 100, 1)}%</strong> of a {fmt(inputs.batteryWh, 2)} Wh battery
              </li>
              <li>
                <strong>{fmt(result.perDevice.usdPerDay * 100, 2)} US cents</strong> paid by the user (electricity, battery wear, upgrades)
              </li>
            </ul>
          </div>
          <div className="readouts" data-testid="break-evens">
            <h3>Break-evens (device energy per token above which offload loses)</h3>
            <ul>
              <li>
                Energy, battery side: <strong>{be.energyBatteryJPerToken == null ? "—" : `${fmt(be.energyBatteryJPerToken, 3)} J/token`}</strong> (compare with the
                device input, {fmt(inputs.deviceJPerToken, 3)} J/token, battery side)
              </li>
              <li>
                Energy, wall side (charger included): <strong>{be.energyWallJPerToken == null ? "—" : `${fmt(be.energyWallJPerToken, 3)} J/token`}</strong>
              </li>
              <li>
                Carbon, battery side:{" "}
                <strong>
                  {be.carbonBatteryJPerToken != null
                    ? `${fmt(be.carbonBatteryJPerToken, 3)} J/token`
                    : be.energyBatteryJPerToken == null
                      ? "—"
                      : "none: the devices' embodied carbon alone outweighs the data center's (or the users' grid is carbon-free)"}
                </strong>
              </li>
            </ul>
            <p className="hint">Both sides scale with the offload share, so the sign of the net effect does not depend on it.</p>
          </div>

          <table className="compare" data-testid="who-pays">
            <caption>Who pays, per year ({inputs.year}): + saves, − pays</caption>
            <thead>
              <tr>
                <th scope="col">Party</th>
                <th scope="col" className="num">Dollars</th>
                <th scope="col" className="num">Energy</th>
                <th scope="col" className="num">Carbon</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["Data-center operator", result.whoPays.operator],
                  ["Users (devices)", result.whoPays.users],
                  ["Society (net)", result.whoPays.society],
                ] as [string, Party][]
              ).map(([name, p]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className={`num ${p.usd < 0 ? "negative" : ""}`}>{signedUsd(p.usd)}</td>
                  <td className={`num ${p.mwh < 0 ? "negative" : ""}`}>{mwh(p.mwh)}</td>
                  <td className={`num ${p.tCo2e < 0 ? "negative" : ""}`}>{tons(p.tCo2e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            Users pay {usd(result.device.electricityUsd)} of electricity, {usd(result.device.batteryWearUsd)} of battery wear and {usd(result.device.upgradesUsd)} of
            AI-attributed upgrades; their carbon is {tons(result.device.carbonElectricityT)} from electricity and {tons(result.device.carbonEmbodiedT)} embodied.
          </p>

          <p data-testid="npv">
            Over {totals.years} years from {totals.fromYear}: society {signedUsd(totals.netUsd)} (NPV at {fmt(inputs.discountRate * 100, 1)}%:{" "}
            <strong data-testid="npv-net">{signedUsd(totals.npvNetUsd)}</strong>), the operator {signedUsd(totals.operatorUsd)} (NPV {signedUsd(totals.npvOperatorUsd)}), users{" "}
            {signedUsd(totals.usersUsd)} (NPV {signedUsd(totals.npvUsersUsd)}); net energy {mwh(totals.netEnergySavedMwh)}, net carbon {tons(totals.netCarbonSavedT)}.
          </p>
          <p data-testid="mc">
            Monte Carlo, 10,000 draws (triangular low/chosen/high; the two grids correlated): net energy saved P10 {mwh(mc.netEnergySavedMwh.p10)}, P50{" "}
            {mwh(mc.netEnergySavedMwh.p50)}, P90 {mwh(mc.netEnergySavedMwh.p90)} (point {mwh(result.net.energySavedMwh)}); DC cost avoided P10{" "}
            {usd(mc.dcCostAvoidedUsd.p10)}, P50 {usd(mc.dcCostAvoidedUsd.p50)}, P90 {usd(mc.dcCostAvoidedUsd.p90)} (point {usd(result.dc.costAvoidedLongRunUsd)}).
          </p>
          <label className="check">
            <input type="checkbox" checked={sampleLevers} onChange={(e) => setSampleLevers(e.target.checked)} /> Sample the decision levers too (offload share,
            baseline, devices): held at their chosen values by default
          </label>
          {note && (
            <p className="hint" data-testid="median-note">
              {note}
            </p>
          )}

          <h3>Data-center cost avoided by year</h3>
          <div className="chart" role="img" aria-label="Bar chart of data-center cost avoided by year, in billions of dollars">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={years.map((r) => ({ year: r.year, costB: r.dc.costAvoidedLongRunUsd / 1e9 }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="year" />
                <YAxis unit=" $B" width={70} />
                <Tooltip formatter={(v) => `$${fmt(Number(v), 2)}B`} />
                <Bar dataKey="costB" name="DC cost avoided" fill="#0b5cad" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>

          <h3>Energy: data center versus devices ({inputs.year})</h3>
          <div className="chart" role="img" aria-label={`Bar chart of data-center energy avoided, device energy added and net energy saved, in ${eUnit}`}>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={energyBars}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis unit={` ${eUnit}`} width={80} tickFormatter={(v) => fmt(Number(v), 2)} />
                <Tooltip formatter={(v) => `${fmt(Number(v), 3)} ${eUnit}`} />
                <ReferenceLine y={0} stroke="#14181f" />
                <Bar dataKey="energy" name={`${eUnit} per year`} fill="#2a7f62" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>

          <h3>What moves net energy the most (tornado)</h3>
          <div className="chart" role="img" aria-label="Tornado chart: change in net energy saved when each input goes to its low or high end">
            <ResponsiveContainer width="100%" height={40 + bars.length * 30}>
              <BarChart layout="vertical" data={bars.map((b) => ({ name: ASSUMPTIONS[b.key].label.slice(0, 38), low: (b.atLow - result.net.energySavedMwh) / 1e6, high: (b.atHigh - result.net.energySavedMwh) / 1e6 }))} stackOffset="sign">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" unit=" TWh" />
                <YAxis type="category" dataKey="name" width={230} tick={{ fontSize: 11 }} />
                <Tooltip formatter={(v) => `${fmt(Number(v), 3)} TWh`} />
                <Legend />
                <ReferenceLine x={0} stroke="#14181f" />
                <Bar dataKey="low" name="input at low end" fill="#b5532a" stackId="s" isAnimationActive={false} />
                <Bar dataKey="high" name="input at high end" fill="#0b5cad" stackId="s" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      </div>

      <section aria-labelledby="assumptions-h">
        <h2 id="assumptions-h">Assumptions and sources</h2>
        <div className="table-wrap" tabIndex={0}>
          <table className="assumptions">
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col" className="num">Value</th>
                <th scope="col">Unit</th>
                <th scope="col" className="num">Low – high</th>
                <th scope="col">Kind</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {(Object.keys(ASSUMPTIONS) as AssumptionKey[]).map((k) => {
                const a = ASSUMPTIONS[k];
                return (
                  <tr key={k}>
                    <td>{a.label}</td>
                    <td className="num">{fmt(inputs[k], 4)}</td>
                    <td>{a.unit}</td>
                    <td className="num">
                      {fmt(a.low, 4)} – {fmt(a.high, 4)}
                    </td>
                    <td>
                      <span className={`badge ${provenance[k]?.kind === "measured here" ? "measured" : (provenance[k]?.kind ?? a.kind)}`}>{provenance[k]?.kind ?? a.kind}</span>
                    </td>
                    <td className="source">{provenance[k]?.source ?? a.source}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
