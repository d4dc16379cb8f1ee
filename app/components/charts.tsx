"use client";

import { twoLines } from "../../lib/core/present/format";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";

const COLORS = ["#0b5cad", "#b5532a", "#2a7f62", "#7a3fb0"];

/** Power over time of one workload's timed repetitions. */
export function PowerTraceChart({ tMs, powerW, label }: { tMs: number[]; powerW: number[]; label: string }) {
  const data = tMs.map((t, k) => ({ s: t / 1000, w: powerW[k] }));
  return (
    <div className="chart" role="img" aria-label={`Line chart of power in watts over time for ${label}`}>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="s" type="number" unit=" s" domain={["dataMin", "dataMax"]} tickFormatter={(v) => Number(v).toFixed(1)} />
          <YAxis unit=" W" width={60} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)} W`} labelFormatter={(v) => `${Number(v).toFixed(2)} s`} />
          <Line dataKey="w" name="power" stroke="#b5532a" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Grouped bars: one group per category, one bar per series (devices). `horizontal`: one row per
 * category with its name beside it on up to two lines (every name stays readable at 390 px, where
 * names under vertical bars overlapped and the chart showed only some of them).
 */
export function GroupedBars({ data, series, unit, label, horizontal = false }: { data: Record<string, string | number | null>[]; series: string[]; unit: string; label: string; horizontal?: boolean }) {
  if (horizontal) {
    return (
      <HorizontalBars data={data} rows={series.length * data.length} unit={unit} label={label}>
        {series.map((s, k) => (
          <Bar key={s} dataKey={s} fill={COLORS[k % COLORS.length]} maxBarSize={28} isAnimationActive={false} />
        ))}
      </HorizontalBars>
    );
  }
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          {/* Room for a name that wraps to two lines above the legend (it overlapped at 390 px). */}
          <XAxis dataKey="category" height={48} />
          <YAxis unit={unit} width={80} />
          <Tooltip />
          <Legend />
          {series.map((s, k) => (
            // A lone bar (one device) would fill the chart's whole width.
            <Bar key={s} dataKey={s} fill={COLORS[k % COLORS.length]} maxBarSize={80} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** What a bar of StandingBars is: measured here, measured by others (Tokenwatt runners), imported from a published tool output, or reported in a publication. */
export type StandingKind = "this machine" | "measured" | "imported" | "reported";
const STANDING_COLORS: Record<StandingKind, string> = { "this machine": "#b5532a", measured: "#0b5cad", imported: "#2a7f62", reported: "#8a8a8a" };

/** A category axis tick on up to two lines, the whole name in its tooltip (a name cut at one line lost the model). */
function WrappedTick({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: string } }) {
  const label = String(payload?.value ?? "");
  const lines = twoLines(label);
  return (
    <text x={Number(x)} y={Number(y)} textAnchor="end" fontSize={12} fill="#444">
      <title>{label}</title>
      {lines.map((l, i) => (
        <tspan key={i} x={Number(x)} dy={i === 0 ? (lines.length === 1 ? "0.35em" : "-0.25em") : "1.15em"}>
          {l}
        </tspan>
      ))}
    </text>
  );
}

/**
 * Horizontal bars, one per device, coloured by what the figure is (the legend names each kind): where
 * this machine stands. Each row carries its value under its kind only, so the bars of one row never add up.
 */
export function StandingBars({ rows, unit, label, highlight = "this machine" }: { rows: { category: string; kind: StandingKind; value: number }[]; unit: string; label: string; /** The legend's name for the highlighted bar ("the newest device" on a public server). */ highlight?: string }) {
  const kinds = (Object.keys(STANDING_COLORS) as StandingKind[]).filter((k) => rows.some((r) => r.kind === k));
  const data = rows.map((r) => ({ category: r.category, [r.kind]: r.value }));
  return (
    <HorizontalBars data={data} rows={rows.length} unit={unit} label={label}>
      {kinds.map((k) => (
        <Bar key={k} dataKey={k} name={k === "this machine" ? highlight : k} stackId="one" fill={STANDING_COLORS[k]} isAnimationActive={false} />
      ))}
    </HorizontalBars>
  );
}

/** The frame of a horizontal bar chart: one row per category, its name beside it on up to two lines; `children` are the bars. */
function HorizontalBars({ data, rows, unit, label, children }: { data: Record<string, string | number | null>[]; rows: number; unit: string; label: string; children: React.ReactNode }) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={Math.max(140, 34 * rows + 70)}>
        <BarChart data={data} layout="vertical" margin={{ left: 4, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" unit={unit} />
          <YAxis type="category" dataKey="category" width={150} interval={0} tick={<WrappedTick />} />
          <Tooltip />
          <Legend />
          {children}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Peak memory against model file size, one colour per device. */
export function MemoryScatter({ points, label }: { points: { series: string; fileMiB: number; peakMiB: number }[]; label: string }) {
  const series = [...new Set(points.map((p) => p.series))];
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <ScatterChart>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="fileMiB" type="number" name="model file" unit=" MiB" />
          <YAxis dataKey="peakMiB" type="number" name="peak memory" unit=" MiB" width={90} />
          <ZAxis range={[60, 60]} />
          <Tooltip />
          <Legend />
          {series.map((s, k) => (
            <Scatter key={s} name={s} data={points.filter((p) => p.series === s)} fill={COLORS[k % COLORS.length]} isAnimationActive={false} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}

/** J/token and aggregate tokens/s against the batch (log-log), for a batch sweep (`--suite server`). */
export function BatchSweepChart({ points, label }: { points: { batch: number; tokensPerSec: number | null; jPerToken: number | null }[]; label: string }) {
  const hasEnergy = points.some((p) => p.jPerToken != null);
  return (
    <div className="chart" role="img" aria-label={`Log-log chart of aggregate tokens per second${hasEnergy ? " and joules per token" : ""} against the batch for ${label}`}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="batch" type="number" scale="log" domain={["dataMin", "dataMax"]} tickFormatter={(v) => String(v)} />
          <YAxis yAxisId="ts" type="number" scale="log" domain={["auto", "auto"]} width={80} unit=" t/s" tickFormatter={(v) => Number(v).toFixed(0)} />
          {hasEnergy && <YAxis yAxisId="j" orientation="right" type="number" scale="log" domain={["auto", "auto"]} width={60} tickFormatter={(v) => Number(v).toFixed(3)} />}
          <Tooltip labelFormatter={(v) => `batch ${v}`} />
          <Legend />
          <Line yAxisId="ts" dataKey="tokensPerSec" name="tokens/s (aggregate)" stroke="#0b5cad" isAnimationActive={false} />
          {hasEnergy && <Line yAxisId="j" dataKey="jPerToken" name="J/token" stroke="#b5532a" isAnimationActive={false} />}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Tokens/s of each run over time; the runs where a change beyond noise starts are marked. */
export function TimelineChart({ points, label }: { points: { t: number; tokensPerSec: number; changed: boolean; version: string }[]; label: string }) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(v) => new Date(Number(v)).toISOString().slice(0, 10)} />
          <YAxis unit=" t/s" width={80} />
          <Tooltip labelFormatter={(v) => new Date(Number(v)).toISOString().slice(0, 16).replace("T", " ")} formatter={(v, _n, item) => [`${Number(v).toFixed(1)} t/s`, (item.payload as { version: string }).version]} />
          <Line
            dataKey="tokensPerSec"
            name="tokens/s"
            stroke="#1a5fb4"
            isAnimationActive={false}
            dot={(p: { cx?: number; cy?: number; payload?: { changed: boolean }; index?: number }) => (
              <circle key={p.index} cx={p.cx} cy={p.cy} r={p.payload?.changed ? 6 : 3} fill={p.payload?.changed ? "#c01c28" : "#1a5fb4"} />
            )}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A sustained run: tokens/s of each interval over time, with power and temperature where measured. */
export function SustainedChart({ points, label, peak, steady }: { points: { s: number; tokensPerSec: number; powerW: number | null; cpuC: number | null; gpuC: number | null }[]; label: string; peak: number; steady: number }) {
  const hasPower = points.some((p) => p.powerW != null);
  const hasTemp = points.some((p) => p.cpuC != null || p.gpuC != null);
  const hasGpu = points.some((p) => p.gpuC != null);
  return (
    <div className="chart" role="img" aria-label={`Line chart of tokens per second${hasPower ? ", power" : ""}${hasTemp ? " and temperature" : ""} over the ${label} run: peak ${peak.toFixed(1)}, steady ${steady.toFixed(1)} tokens per second`}>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="s" type="number" unit=" s" domain={["dataMin", "dataMax"]} tickFormatter={(v) => Number(v).toFixed(0)} />
          <YAxis yAxisId="ts" width={70} unit=" t/s" domain={[0, "auto"]} tickFormatter={(v) => Number(v).toFixed(0)} />
          {(hasPower || hasTemp) && <YAxis yAxisId="right" orientation="right" width={60} domain={["auto", "auto"]} tickFormatter={(v) => Number(v).toFixed(Math.abs(Number(v)) < 20 ? 1 : 0)} />}
          <Tooltip labelFormatter={(v) => `${Number(v).toFixed(0)} s`} formatter={(v, name) => [Number(v).toFixed(1), name]} />
          <Legend />
          <Line yAxisId="ts" dataKey="tokensPerSec" name="tokens/s" stroke="#0b5cad" dot={false} isAnimationActive={false} />
          {hasPower && <Line yAxisId="right" dataKey="powerW" name="power (W)" stroke="#b5532a" dot={false} isAnimationActive={false} />}
          {hasTemp && <Line yAxisId="right" dataKey="cpuC" name="CPU/SoC (°C)" stroke="#2a7f62" dot={false} isAnimationActive={false} />}
          {hasGpu && <Line yAxisId="right" dataKey="gpuC" name="GPU (°C)" stroke="#7a3fb0" dot={false} isAnimationActive={false} />}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
