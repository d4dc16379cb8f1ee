import Link from "next/link";
import type { TimelineSeries, TimelineSeriesSummary } from "../../../lib/server/read/runs";
import { TIMELINE_SERIES } from "../../../lib/server/read/runs";
import { TimelineChart } from "../../components/charts";

/** A configuration change (other threads, context...) is a different setting, not the same work getting faster or slower. */
const CHANGE_LABEL = { improvement: "Improvement", regression: "Regression", configuration: "Configuration change" } as const;

/** Per model, backend and workload: tokens/s over time and engine versions, changes beyond noise flagged; the newest runs drawn, older ones summarized. */
export function Timeline({ series, others = [], seriesHref }: { series: TimelineSeries[]; others?: TimelineSeriesSummary[]; seriesHref?: (key: string) => string }) {
  if (!series.length) return null;
  return (
    <section className="panel" aria-labelledby="timeline-h" data-testid="timeline">
      <h2 id="timeline-h">Performance over time</h2>
      <p className="hint">
        Each run&apos;s median tokens/s over its repetitions, grouped by engine version, build and options. A change is flagged when two consecutive groups differ by more than their
        measured run-to-run noise (Welch&apos;s t above Student&apos;s t at p = 0.002), not by a fixed percentage. A change of options
        (threads, context, flash attention, GPU layers) is a configuration change, never an improvement or a regression.
      </p>
      {series.map((s) => {
        const changedAt = new Set(s.changes.map((c) => c.at));
        const title = `${s.modelName} ${s.quantization} · ${s.backend} · ${s.workloadId}`;
        return (
          <div key={title}>
            <h3>{title}</h3>
            <TimelineChart
              points={s.runs.map((r, i) => ({ t: Date.parse(r.startedAt), tokensPerSec: r.tokensPerSec, changed: changedAt.has(i), version: `${r.setup.engineVersion}${r.setup.engineBuild ? ` (${r.setup.engineBuild})` : ""}` }))}
              label={`Tokens per second of ${title} over ${s.runs.length} runs`}
            />
            {s.older && (
              <p className="hint" data-testid="timeline-older">
                The newest {s.runs.length} runs are drawn; {s.older.runs.toLocaleString("en-US")} older run{s.older.runs === 1 ? "" : "s"} ({s.older.from.slice(0, 10)} to {s.older.to.slice(0, 10)}) had a median of{" "}
                {s.older.medianTokensPerSec.toFixed(1)} t/s.
              </p>
            )}
            {s.changes.length === 0 ? (
              <p className="hint">No change beyond run-to-run noise over {s.runs.length} runs.</p>
            ) : (
              <ul data-testid="timeline-changes">
                {s.changes.map((c) => (
                  <li key={c.at} className={c.kind === "regression" ? "field-error" : undefined} data-kind={c.kind}>
                    {CHANGE_LABEL[c.kind]} at {s.runs[c.at]!.startedAt.slice(0, 16).replace("T", " ")}: {c.before.toFixed(1)} → {c.after.toFixed(1)} t/s (
                    {(c.relative * 100).toFixed(0)}%, t = {c.z.toFixed(1)} &gt; {c.threshold.toFixed(1)}); {c.what.join("; ") || "nothing recorded changed"}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      {others.length > 0 && (
        <div data-testid="timeline-others">
          <h3>
            {others.length.toLocaleString("en-US")} more series
          </h3>
          <p className="hint">
            The {TIMELINE_SERIES} series with the newest runs are drawn above; draw another one from this list.
          </p>
          <ul>
            {others.map((o) => (
              <li key={o.key}>
                {seriesHref ? <Link href={seriesHref(o.key)}>{`${o.modelName} ${o.quantization} · ${o.backend} · ${o.workloadId}`}</Link> : `${o.modelName} ${o.quantization} · ${o.backend} · ${o.workloadId}`}: {o.runs.toLocaleString("en-US")} run{o.runs === 1 ? "" : "s"}, newest {o.newestAt.slice(0, 10)} at{" "}
                {o.newestTokensPerSec.toFixed(1)} t/s
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
