import Link from "next/link";
import { publicReadDb } from "../lib/server/context";
import { listResults } from "../lib/server/read/results";
import { formatBytes, formatJPerToken, formatNumber, formatSpread } from "../lib/core/present/format";
import { homeChart } from "../lib/server/read/home";
import { REPORTED_RESULTS } from "../lib/core/present/reported";
import { GroupedBars } from "./components/charts";
import { pageAudience } from "../lib/server/access/audience";

export const dynamic = "force-dynamic";

export default async function ResultsPage() {
  const db = await publicReadDb();
  // The owner's dashboard: private (unpublished) results too, unless this server is public.
  const audience = pageAudience();
  const publicServer = audience === "public";
  const { results } = await listResults(db, { limit: 200, plausible: "all", format: "json" }, audience);
  const chart = await homeChart(db, audience);
  // Literature figures for the same model (by name), labelled reported with their source.
  const reported = chart ? REPORTED_RESULTS.filter((r) => r.decodeTokensPerSec != null && r.model.toLowerCase().startsWith(chart.modelName.toLowerCase())) : [];
  return (
    <>
      <h1>Measured results</h1>
      <p className="lede">
        Every row is one workload of one benchmark session, measured by a Tokenwatt runner on a real device. Mean
        tokens/s over the repetitions, ± the sample standard deviation. Synthetic weights give a model&apos;s speed and
        memory, not its answers.{" "}
        {publicServer
          ? "Published results only."
          : "This is the owner's dashboard: private (unpublished) results are listed too. The public leaderboard shows published ones."}
      </p>
      {chart && (
        <section className="panel" aria-labelledby="home-chart-h" data-testid="home-chart">
          <h2 id="home-chart-h">
            This machine against the others: {chart.modelName} {chart.quantization}, {chart.workloadId}
            {chart.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
          </h2>
          <GroupedBars
            data={[
              ...chart.bars.map((b) => ({ category: `${b.thisMachine ? "▶ this machine: " : ""}${b.deviceName} (${b.engine} ${b.backend})`, "tokens/s (median)": Math.round(b.medianTs * 10) / 10 })),
              ...reported.map((r) => ({ category: `${r.device} (reported)`, "tokens/s (median)": r.decodeTokensPerSec })),
            ]}
            series={["tokens/s (median)"]}
            unit=""
            label={`Median ${chart.workloadId} tokens per second of ${chart.modelName} ${chart.quantization}: this machine and the other devices measured with it`}
          />
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="home-chart-table">
              <caption>The bars, in order</caption>
              <tbody>
                {chart.bars.map((b) => (
                  <tr key={`${b.deviceId}-${b.engine}-${b.backend}`}>
                    <th scope="row">{b.thisMachine ? <strong>this machine: {b.deviceName}</strong> : <Link href={`/devices/${b.deviceId}`}>{b.deviceName}</Link>}</th>
                    <td>
                      {b.engine} {b.backend}
                    </td>
                    <td className="num">{formatNumber(b.medianTs)} t/s</td>
                  </tr>
                ))}
                {reported.map((r) => (
                  <tr key={r.source + r.device}>
                    <th scope="row">{r.device}</th>
                    <td>reported</td>
                    <td className="num">{formatNumber(r.decodeTokensPerSec)} t/s</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">
            {reported.length
              ? `Reported: ${reported.map((r) => `${r.device}, ${r.note} (${r.source})`).join("; ")}.`
              : `No reported figure for ${chart.modelName} in the literature list; the leaderboard shows published measurements.`}{" "}
            {!publicServer && "Your private runs are included."}
          </p>
          {!publicServer && (
            <>
              <h3>Next steps</h3>
              <ul data-testid="next-steps">
                <li>
                  Another model: <code>npx tokenwatt bench -m synthetic:llama-3.2-1b:Q4_0</code> (or any GGUF path)
                </li>
                <li>
                  A phone: open <Link href="/run">Benchmark this browser</Link> and &quot;Show a pairing code&quot;; scan its QR code with the phone
                </li>
                <li>
                  An agent on another machine: <code>npx tokenwatt token create --name lab-1 --role agent</code>, then <code>npx tokenwatt agent --server … --token …</code> (<Link href="/agents">Agents</Link>)
                </li>
                <li>
                  Compare your machines: <Link href={`/compare?devices=${[...new Set(chart.bars.map((b) => b.deviceId))].slice(0, 4).join(",")}`}>these devices side by side</Link>
                </li>
                <li>
                  Publish: &quot;Publish this run&quot; on a run&apos;s page, or <code>npx tokenwatt publish --all</code>
                </li>
              </ul>
            </>
          )}
        </section>
      )}
      {results.length === 0 ? (
        <div className="empty">
          <p>No results yet. Measure this machine with <code>npx tokenwatt bench</code>, or point a runner at this server.</p>
        </div>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption>{results.length} most recent workload results</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Quant</th>
                <th scope="col">Device</th>
                <th scope="col">Backend</th>
                <th scope="col">Engine</th>
                <th scope="col">Workload</th>
                <th scope="col" className="num">tokens/s median (IQR) · TTFT ms</th>
                <th scope="col" className="num">Repetitions</th>
                <th scope="col" className="num">Peak RSS</th>
                <th scope="col" className="num">J/token (scope, tier)</th>
                <th scope="col">Measured</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.modelName} {r.modelWeights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
                  </td>
                  <td>{r.modelQuantization}</td>
                  <td title={r.cpuModel}>
                    <Link href={`/devices/${r.deviceId}`}>
                      {r.deviceName ?? `${r.deviceVendor} ${r.deviceModel}`}
                    </Link>
                  </td>
                  <td>{r.backend}</td>
                  <td>
                    {r.engineName} {r.engineVersion}
                  </td>
                  <td>
                    <Link href={`/runs/${r.submissionId}`}>
                      <code>{r.workloadId}</code>
                    </Link>
                  </td>
                  <td className="num">
                    {r.status !== "ok" ? (
                      <span className="badge failed" title={r.error ?? ""}>{r.status}</span>
                    ) : (
                      <>
                        {r.workloadId === "ttft"
                          ? `${formatNumber(r.medianNs == null ? null : r.medianNs / 1e6)} ms @ ${r.nPrompt} tokens`
                          : `${formatNumber(r.medianTokensPerSec)}${formatSpread(r.p25TokensPerSec, r.p75TokensPerSec, null)}`}
                        {!r.plausible && <span className="badge flagged"> implausible</span>}
                      </>
                    )}
                  </td>
                  <td className="num">{r.repetitions}</td>
                  <td className="num">{formatBytes(r.peakRssBytes)}</td>
                  <td className="num">{formatJPerToken(r.jPerToken, r.energyScope, r.energyTier, 3, r.jPerTokenRange)}</td>
                  <td>
                    {r.startedAt.toISOString().slice(0, 16).replace("T", " ")} {!r.published && <span className="badge">private</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
