/**
 * Two charts drawn in plain HTML (they wrap their labels on a phone and print as they are): the
 * P10-P90 range of each headline figure with its point result, and a tornado of one-at-a-time swings.
 */
import type { TornadoBar } from "../../lib/core/tco/uncertainty";
import type { Percentiles } from "../../lib/core/tco/uncertainty";

export interface RangeRow {
  label: string;
  p: Percentiles;
  point: number;
  format: (v: number) => string;
}

/** Position of v in [lo, hi] as a CSS percentage. */
const at = (v: number, lo: number, hi: number) => `${(hi > lo ? ((v - lo) / (hi - lo)) * 100 : 50).toFixed(2)}%`;

export function RangeChart({ rows, caption }: { rows: RangeRow[]; caption: string }) {
  return (
    <figure className="range-chart" data-testid="range-chart">
      <figcaption>{caption}</figcaption>
      {rows.map(({ label, p, point, format }) => {
        const lo = Math.min(p.p10, point, 0);
        const hi = Math.max(p.p90, point, 0);
        return (
          <div className="range-row" key={label}>
            <div className="range-label">
              {label}: P10 {format(p.p10)}, <strong>P50 {format(p.p50)}</strong>, P90 {format(p.p90)} (point {format(point)})
            </div>
            <div className="range-track" aria-hidden="true">
              <span className="range-zero" style={{ left: at(0, lo, hi) }} />
              <span className="range-bar" style={{ left: at(p.p10, lo, hi), width: `calc(${at(p.p90, lo, hi)} - ${at(p.p10, lo, hi)})` }} />
              <span className="range-p50" style={{ left: at(p.p50, lo, hi) }} />
              <span className="range-point" style={{ left: at(point, lo, hi) }} />
            </div>
          </div>
        );
      })}
    </figure>
  );
}

export function Tornado({ bars, base, format, caption, testId }: { bars: TornadoBar[]; base: number; format: (v: number) => string; caption: string; testId: string }) {
  const max = Math.max(...bars.map((b) => Math.max(Math.abs(b.atLow - base), Math.abs(b.atHigh - base))), 1e-30);
  const half = (d: number) => `${((Math.abs(d) / max) * 50).toFixed(2)}%`;
  return (
    <figure className="tornado" data-testid={testId}>
      <figcaption>{caption}</figcaption>
      {bars.map((b) => {
        const dLow = b.atLow - base;
        const dHigh = b.atHigh - base;
        return (
          <div className="tornado-row" key={b.key}>
            <div className="range-label">
              {b.label}: low end {format(dLow)}, high end {format(dHigh)}
            </div>
            <div className="tornado-track" aria-hidden="true">
              {[
                ["low", dLow],
                ["high", dHigh],
              ].map(([cls, d]) => (
                <span
                  key={cls as string}
                  className={`tornado-bar ${cls}`}
                  style={(d as number) >= 0 ? { left: "50%", width: half(d as number) } : { right: "50%", width: half(d as number) }}
                />
              ))}
            </div>
          </div>
        );
      })}
      <p className="hint">
        <span className="swatch low" /> input at the low end of its range, <span className="swatch high" /> at the high end; the others at their chosen values.
      </p>
    </figure>
  );
}
