/**
 * The device at a glance: its best configuration per headline workload (fastest pp512 and tg128
 * median, quickest TTFT) with what it ran, and the composite score (docs/methodology.md).
 */
import Link from "next/link";
import { bestScore, SCORE_REFERENCE } from "../../../lib/core/measure/score";
import { formatNumber, formatSpread } from "../../../lib/core/present/format";
import type { BestCell, ScoreRow, SummaryWorkload } from "../../../lib/server/read/device-summary";

const LABELS: Record<SummaryWorkload, { title: string; unit: string; best: string }> = {
  pp512: { title: "Prompt processing (pp512)", unit: "t/s", best: "fastest" },
  tg128: { title: "Generation (tg128)", unit: "t/s", best: "fastest" },
  ttft: { title: "Time to first token", unit: "ms", best: "quickest" },
};

const threadsOf = (config: string) => /threads (\d+)/.exec(config)?.[1];

function BestCard({ workload, cell }: { workload: SummaryWorkload; cell: BestCell | undefined }) {
  const l = LABELS[workload];
  return (
    <div className="glance-card" data-testid={`summary-${workload}`}>
      <dt>{l.title}</dt>
      {cell ? (
        <dd>
          <span className="glance-figure">
            {formatNumber(cell.value)} {l.unit}
          </span>
          {cell.promptTokens != null && <span className="hint"> @ {cell.promptTokens} tokens</span>}
          <span className="hint">{formatSpread(cell.p25, cell.p75, cell.reps)}</span>
          <br />
          <Link href={`/models/${cell.modelId}`}>
            {cell.modelName} {cell.quantization}
          </Link>{" "}
          {cell.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
          {cell.privateRuns > 0 && <span className="badge private">private</span>}
          <br />
          {cell.engine} · {cell.backend}
          {threadsOf(cell.config) && ` · ${threadsOf(cell.config)} threads`}
          <br />
          <span className="hint">
            {cell.config || "defaults"}; {cell.runs} run{cell.runs === 1 ? "" : "s"}
          </span>
        </dd>
      ) : (
        <dd className="hint">not measured{workload === "ttft" ? "" : ` (the ${l.best} configuration shows here once it is)`}</dd>
      )}
    </div>
  );
}

function ScoreCard({ rows }: { rows: ScoreRow[] }) {
  const best = bestScore(rows);
  const ref = SCORE_REFERENCE;
  return (
    <div className="glance-card score" data-testid="summary-score">
      <dt>
        Score <span className="hint">({ref.modelName} {ref.quantization})</span>
      </dt>
      {best.row ? (
        <dd>
          <span className="glance-figure" data-testid="score-value">
            {best.result.score.toLocaleString("en-US")}
          </span>
          <br />
          pp512 ×{formatNumber(best.result.ratios.pp512, 2)}, tg128 ×{formatNumber(best.result.ratios.tg128, 2)}, TTFT ×{formatNumber(best.result.ratios.ttft, 2)} the reference
          <br />
          {best.row.engine} · {best.row.backend}
          {threadsOf(best.row.config) && ` · ${threadsOf(best.row.config)} threads`}
        </dd>
      ) : (
        <dd className="hint" data-testid="score-none">
          No score: {best.reason}.
        </dd>
      )}
      <dd className="hint">
        1,000 is {ref.device}; <Link href="/docs/methodology#the-composite-score">how it is computed</Link>
      </dd>
    </div>
  );
}

export function DeviceSummary({ best, score }: { best: BestCell[]; score: ScoreRow[] }) {
  return (
    <section className="panel device-summary" aria-labelledby="summary-h" data-testid="device-summary">
      <h2 id="summary-h">At a glance</h2>
      {best.length === 0 && <p className="hint">No plausible pp512, tg128 or TTFT result yet: the best configuration per workload shows here once one is measured.</p>}
      <dl className="glance">
        {(["pp512", "tg128", "ttft"] as const).map((w) => (
          <BestCard key={w} workload={w} cell={best.find((c) => c.workloadId === w)} />
        ))}
        <ScoreCard rows={score} />
      </dl>
    </section>
  );
}
