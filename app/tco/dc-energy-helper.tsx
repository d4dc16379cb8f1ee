"use client";

/** The cloud-model helper: the replaced model's IT J/token from a J/token-vs-batch curve (reference or measured here). */
import { memo, useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { batchWhereDcBeatsDevice, CLOUD_MODELS, curveJPerToken, defaultServerOverhead, overheadScope, SERVER_OVERHEAD } from "../../lib/core/tco/dc-energy";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";
import { fmt } from "../../lib/core/tco/format";

/** A curve the helper offers: the reference run's (reported) or a measured one from published server-suite runs. */
interface HelperCurve {
  key: string;
  label: string;
  points: readonly (readonly [number, number])[];
  kind: "reported" | "measured here";
  source: string;
  /** What its J/token covers: decides whether the server overhead applies (overheadScope). */
  energyScope: string;
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
      energyScope: c.energyScope,
      submissionIds: c.submissionIds,
    })),
    ...Object.entries(CLOUD_MODELS).map(([k, m]) => ({ key: k, label: `${m.label}: reference run (gpu scope)`, points: m.points, kind: "reported" as const, source: m.source, energyScope: m.energyScope, submissionIds: [] })),
  ];
}

/** Beside the overhead field: what the curve's scope already holds, so what the overhead adds. */
const OVERHEAD_NOTES = {
  "gpu-only": `The curve is the GPU alone: x the server overhead for the rest of the server. ${SERVER_OVERHEAD.source}.`,
  whole: "The curve's scope is the whole machine (wall or battery): it already holds the rest of the server, so no overhead is applied.",
  partial:
    "The curve's scope holds part of the server (the CPU package, memory or SoC, with the GPU where measured), not the network, fans, storage or power-supply losses; no source gives their share, so the overhead starts at 1 (a lower bound): enter one for the rest if you have it.",
} as const;

/**
 * Derives the DC energy per token input from the cloud model and its serving batch size, on the
 * reference curve or a measured one; draws J/token against batch (log-log) beside the device's.
 */
/** Memoised on its numbers: a slider elsewhere on the form does not redraw its chart. */
export const DcEnergyHelper = memo(function DcEnergyHelper({
  onUse,
  measuredCurves,
  wallJPerToken,
  pue,
}: {
  onUse: (jPerToken: number, source: string, kind: "reported" | "measured here") => void;
  measuredCurves: MeasuredBatchCurve[];
  wallJPerToken: number;
  pue: number;
}) {
  const device = { wallJPerToken, pue };
  const curves = useMemo(() => helperCurves(measuredCurves), [measuredCurves]);
  const [key, setKey] = useState<string>(curves.find((c) => c.kind === "measured here")?.key ?? "phi-3-mini-3.8b");
  const curve = curves.find((c) => c.key === key) ?? curves[0]!;
  const [batch, setBatch] = useState("64");
  // null: the curve's own default (its scope decides); a choice of curve resets it.
  const [typedOverhead, setOverhead] = useState<string | null>(null);
  const scope = overheadScope(curve.energyScope);
  const overhead = scope === "whole" ? "1" : (typedOverhead ?? String(Number(defaultServerOverhead(curve.energyScope).toFixed(2))));
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
        <select
          id="dc-model"
          value={curve.key}
          onChange={(e) => {
            setKey(e.target.value);
            setOverhead(null);
          }}
        >
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
        <label htmlFor="dc-overhead">Server overhead over the measured scope&apos;s power (1 to 3)</label>
        <input id="dc-overhead" type="number" step="0.05" value={overhead} onChange={(e) => setOverhead(e.target.value)} aria-invalid={!ok} disabled={scope === "whole"} aria-describedby="dc-overhead-note" />
        <p className="hint" id="dc-overhead-note" data-testid="dc-overhead-note">
          {OVERHEAD_NOTES[scope]}
        </p>
      </div>
      {ok ? (
        <button type="button" onClick={() => onUse(Number(j!.toPrecision(3)), `${curve.source}: at batch ${b}, ${curve.energyScope} scope x ${o} server overhead`, curve.kind)}>
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
          : `The data center (facility: measured ${curve.energyScope} scope x ${fmt(o, 2)} x PUE ${fmt(device.pue, 2)}) uses less energy per token than the device (${fmt(device.wallJPerToken, 3)} J/token at the wall) from batch ${beats} on.`}
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
});
