"use client";

/**
 * The results for one set of inputs. The page passes a deferred copy of its inputs (useDeferredValue)
 * and this component is memoised, so while a slider moves React redraws the field at once and these
 * figures in an interruptible background render.
 */
import { memo, useMemo } from "react";
import { feasibility, worstFeasibility } from "../../lib/core/tco/feasibility";
import { breakEvens, evaluate, horizon, type TcoInputs } from "../../lib/core/tco/model";
import { BreakEvens } from "./break-evens";
import { Compare } from "./compare";
import { Headline } from "./headline";
import { UncertaintyPanel } from "./uncertainty-panel";
import type { useUncertainty } from "./use-uncertainty";
import { WhoPays } from "./who-pays";
import { YearCharts } from "./year-charts";

export interface ResultsProps {
  inputs: TcoInputs;
  u: ReturnType<typeof useUncertainty>;
  sampleLevers: boolean;
  setSampleLevers: (v: boolean) => void;
  pinned: { inputs: TcoInputs; name: string } | null;
  clearPinned: () => void;
}

export const Results = memo(function Results({ inputs, u, sampleLevers, setSampleLevers, pinned, clearPinned }: ResultsProps) {
  const result = useMemo(() => evaluate(inputs), [inputs]);
  const totals = useMemo(() => horizon(inputs), [inputs]);
  const feas = useMemo(() => feasibility(inputs, result), [inputs, result]);
  const worst = useMemo(() => worstFeasibility(inputs, totals.results), [inputs, totals]);
  const be = useMemo(() => breakEvens(inputs), [inputs]);
  const withheld = feas.level === "infeasible";
  return (
    <section aria-labelledby="results-h" className="panel results-panel">
      <h2 id="results-h">Results for {inputs.year}</h2>
      <Headline inputs={inputs} r={result} f={feas} />
      <WhoPays inputs={inputs} r={result} f={feas} totals={totals} worst={worst} />
      <BreakEvens be={be} inputs={inputs} />
      <UncertaintyPanel r={result} u={u} sampleLevers={sampleLevers} setSampleLevers={setSampleLevers} withheld={withheld} />
      {pinned && <Compare a={inputs} b={pinned.inputs} nameB={pinned.name} onClear={clearPinned} />}
      <YearCharts years={totals.results} r={result} withheld={withheld || worst?.level === "infeasible"} />
    </section>
  );
});
