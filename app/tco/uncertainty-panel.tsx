"use client";

/** Ranges: the Monte Carlo's P10-P90 of the headline figures, the energy and dollar tornados, and why the medians differ from the points. */
import { fmt, mwh, tons, usd } from "../../lib/core/tco/format";
import type { TcoResult } from "../../lib/core/tco/model";
import { METRICS } from "../../lib/core/tco/uncertainty";
import { RangeChart, Tornado } from "./range-charts";
import { DRAWS } from "./uncertainty-job";
import type { useUncertainty } from "./use-uncertainty";

export function UncertaintyPanel({ r, u, sampleLevers, setSampleLevers, withheld }: { r: TcoResult; u: ReturnType<typeof useUncertainty>; sampleLevers: boolean; setSampleLevers: (v: boolean) => void; withheld: boolean }) {
  const res = u.result;
  return (
    <section aria-labelledby="ranges-h" className="ranges">
      <h3 id="ranges-h">Ranges (Monte Carlo, {fmt(DRAWS, 0)} draws)</h3>
      <p className="hint" role="status" data-testid="mc-status">
        {u.pending ? "Updating…" : "Up to date"}; computed in {u.where === "worker" ? "a Web Worker, off the page's main thread" : "the main thread"}
        {res && ` in ${fmt(res.ms, 0)} ms`}. Triangular draws over each input&apos;s low, chosen and high values; the two grids correlated; the replaced model moves with
        the fleet (their ratio is a choice); the decision levers held unless sampled.
      </p>
      <label className="check no-print">
        <input type="checkbox" checked={sampleLevers} onChange={(e) => setSampleLevers(e.target.checked)} /> Sample the decision levers too (offload share and its routing, baseline, devices)
      </label>
      {res && (
        <>
          <p data-testid="mc">
            Net energy saved P10 {mwh(res.mc.netEnergySavedMwh.p10)}, P50 {mwh(res.mc.netEnergySavedMwh.p50)}, P90 {mwh(res.mc.netEnergySavedMwh.p90)} (point {mwh(r.net.energySavedMwh)}); DC
            cost avoided P10 {usd(res.mc.dcCostAvoidedUsd.p10)}, P50 {usd(res.mc.dcCostAvoidedUsd.p50)}, P90 {usd(res.mc.dcCostAvoidedUsd.p90)} (point {usd(r.dc.costAvoidedLongRunUsd)}).
          </p>
          <RangeChart
            caption="P10–P90 (bar), P50 (line) and the point result (dot), per year"
            rows={[
              { label: "DC cost avoided", p: res.mc.dcCostAvoidedUsd, point: METRICS.dcCostAvoidedUsd(r), format: usd },
              { label: "Users pay", p: res.mc.usersUsd, point: METRICS.usersUsd(r), format: usd },
              ...(withheld
                ? []
                : [
                    { label: "Net dollars (society)", p: res.mc.netUsd, point: METRICS.netUsd(r), format: usd },
                    { label: "Net energy saved", p: res.mc.netEnergySavedMwh, point: METRICS.netEnergySavedMwh(r), format: mwh },
                    { label: "Net carbon saved", p: res.mc.netCarbonSavedT, point: METRICS.netCarbonSavedT(r), format: tons },
                  ]),
            ]}
          />
          {res.notes.netEnergy && (
            <p className="hint" data-testid="median-note">
              {res.notes.netEnergy}
            </p>
          )}
          {res.notes.netUsd && <p className="hint">{res.notes.netUsd}</p>}
          <div className="tornados">
            <Tornado testId="tornado-energy" caption="What moves net energy the most" bars={res.tornado.netEnergy} base={r.net.energySavedMwh} format={mwh} />
            <Tornado testId="tornado-usd" caption="What moves net dollars the most" bars={res.tornado.netUsd} base={r.net.usd} format={usd} />
          </div>
        </>
      )}
    </section>
  );
}
