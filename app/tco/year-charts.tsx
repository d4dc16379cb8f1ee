/**
 * Charts over the chosen horizon, drawn in plain HTML (cheap to redraw while a slider moves, they
 * print as they are): DC cost avoided and net dollars by year; energy on each side in the chosen year.
 * Negative bars are red.
 */
import { fmt, mwh, usd } from "../../lib/core/tco/format";
import type { TcoResult } from "../../lib/core/tco/model";

interface Bar {
  label: string;
  value: number;
  kind: "dc" | "net";
}

function Bars({ groups, format, label }: { groups: { name: string; bars: Bar[] }[]; format: (v: number) => string; label: string }) {
  const all = groups.flatMap((g) => g.bars.map((b) => b.value));
  const max = Math.max(...all.map(Math.abs), 1e-30);
  const hasNeg = all.some((v) => v < 0);
  const w = (v: number) => `${((Math.abs(v) / max) * (hasNeg ? 50 : 100)).toFixed(2)}%`;
  return (
    <figure className="bars" role="img" aria-label={label}>
      {groups.map((g) => (
        <div className="bars-group" key={g.name}>
          <div className="range-label">{g.name}</div>
          {g.bars.map((b) => (
            <div className="bars-row" key={b.label}>
              <div className="bars-track">
                <span className={`bars-bar ${b.value < 0 ? "negative" : b.kind}`} style={b.value >= 0 ? { left: hasNeg ? "50%" : "0", width: w(b.value) } : { right: "50%", width: w(b.value) }} />
                {hasNeg && <span className="bars-zero" />}
              </div>
              <span className="bars-value">
                {b.label} {format(b.value)}
              </span>
            </div>
          ))}
        </div>
      ))}
    </figure>
  );
}

export function YearCharts({ years, r, withheld }: { years: TcoResult[]; r: TcoResult; withheld: boolean }) {
  return (
    <>
      <h3>
        By year over the horizon ({years[0]?.year}–{years.at(-1)?.year})
      </h3>
      <Bars
        label="Data-center cost avoided and net dollars by year"
        format={usd}
        groups={years.map((y) => ({
          name: String(y.year),
          bars: [{ label: "DC cost avoided", value: y.dc.costAvoidedLongRunUsd, kind: "dc" as const }, ...(withheld ? [] : [{ label: "net (society)", value: y.net.usd, kind: "net" as const }])],
        }))}
      />
      <h3>Energy: data center versus devices ({r.year})</h3>
      <Bars
        label={`Data-center energy avoided ${mwh(r.dc.energyAvoidedMwh)}, device energy added ${mwh(r.device.energyAddedMwh)}`}
        format={mwh}
        groups={[
          {
            name: `${fmt(r.perDevice.devices / 1e9, 2)} billion devices`,
            bars: [
              { label: "Data center avoided", value: r.dc.energyAvoidedMwh, kind: "dc" },
              { label: "Devices added", value: -r.device.energyAddedMwh, kind: "dc" },
              ...(withheld ? [] : [{ label: "Net saved", value: r.net.energySavedMwh, kind: "net" as const }]),
            ],
          },
        ]}
      />
    </>
  );
}
