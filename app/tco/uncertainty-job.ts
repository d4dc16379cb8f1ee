/**
 * The page's uncertainty work (pure, about 10,000 model evaluations): the Monte Carlo, the notes on
 * its medians and the two tornados. Runs in a Web Worker (mc.worker.ts) so that dragging a slider
 * never blocks the main thread; falls back to the main thread where workers are unavailable.
 */
import type { TcoInputs } from "../../lib/core/tco/model";
import { medianNote, monteCarlo, tornado, type MonteCarloResult, type TornadoBar } from "../../lib/core/tco/uncertainty";
import { mwh, usd } from "../../lib/core/tco/format";

export const DRAWS = 10_000;

export interface UncertaintyRequest {
  /** Which inputs this is for (echoed back): the page shows "updating" until the latest key answers. */
  key: string;
  inputs: TcoInputs;
  sampleLevers: boolean;
}

export interface UncertaintyResult {
  key: string;
  mc: MonteCarloResult;
  notes: { netEnergy: string | null; netUsd: string | null };
  tornado: { netEnergy: TornadoBar[]; netUsd: TornadoBar[] };
  /** Time the job took where it ran (ms). */
  ms: number;
}

export function runUncertainty({ key, inputs, sampleLevers }: UncertaintyRequest): UncertaintyResult {
  const t0 = performance.now();
  const mc = monteCarlo(inputs, DRAWS, 1, { sampleLevers });
  return {
    key,
    mc,
    notes: {
      netEnergy: medianNote(inputs, "netEnergySavedMwh", mc.netEnergySavedMwh, "net energy saved", sampleLevers, mwh),
      netUsd: medianNote(inputs, "netUsd", mc.netUsd, "net dollars", sampleLevers, usd),
    },
    tornado: { netEnergy: tornado(inputs, "netEnergySavedMwh"), netUsd: tornado(inputs, "netUsd") },
    ms: performance.now() - t0,
  };
}
