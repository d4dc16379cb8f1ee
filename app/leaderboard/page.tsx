import Link from "next/link";
import { publicReadDb } from "../../lib/server/context";
import { leaderboard, leaderboardFacets, leaderboardQuerySchema, SIZE_CLASSES, type LeaderboardQuery } from "../../lib/server/read/leaderboard";
import { formatBytes, formatJPerToken, formatNumber } from "../../lib/core/present/format";
import { isLeaderboardWorkload, parseWorkloadId } from "../../lib/core/contracts/workloads";
import { isPublic } from "../../lib/server/access/mode";
import { REPORTED_RESULTS } from "../../lib/core/present/reported";
import { pageAudience } from "../../lib/server/access/audience";

export const dynamic = "force-dynamic";
export const metadata = { title: "Leaderboard · Tokenwatt" };

const COLUMNS: { key: LeaderboardQuery["sort"]; label: string }[] = [
  { key: "pp_ts", label: "Prompt t/s" },
  { key: "tg_ts", label: "Generation t/s" },
  { key: "ttft_ms", label: "TTFT ms" },
  { key: "prefill_j_per_token", label: "Prefill J/token" },
  { key: "decode_j_per_token", label: "Decode J/token" },
  { key: "tokens_per_joule", label: "Tokens per J" },
  { key: "peak_rss_bytes", label: "Peak memory" },
  { key: "roofline_efficiency", label: "Decode roofline" },
  { key: "steady_ts", label: "Sustained t/s" },
  { key: "throttle_ratio", label: "Throttle ratio" },
  { key: "runs", label: "Runs" },
];

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  const parsed = leaderboardQuerySchema.safeParse(sp);
  const db = await publicReadDb();
  const q = parsed.success ? parsed.data : leaderboardQuerySchema.parse({});
  // The owner's board shows the owner's private runs only when asked ("include my private runs").
  const audience = q.private === "1" ? pageAudience() : "public";
  const facets = await leaderboardFacets(db, audience);
  const rows = await leaderboard(db, q, audience);
  // The owner's dashboard may include the owner's unpublished runs; a public server never does.
  const owner = !isPublic();
  const withPrivate = owner && q.private === "1";
  const href = (patch: Record<string, string>) => `/leaderboard?${new URLSearchParams({ ...sp, ...patch }).toString()}`;
  const select = (name: keyof typeof facets | "size", label: string, options: readonly string[]) => (
    <label className="filter">
      {label}
      <select name={name} defaultValue={sp[name] ?? ""}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  const reps = (n: unknown) => (n == null ? null : <span className="hint"> n {String(n)}</span>);
  const spread = (p25: unknown, p75: unknown) => (p25 == null || p75 == null ? "" : ` (${formatNumber(Number(p25))}–${formatNumber(Number(p75))})`);

  return (
    <>
      <h1>Leaderboard</h1>
      <p className="lede">
        {withPrivate ? "Plausible measurements, your unpublished runs included (marked private)" : "Published, plausible measurements only"}: one row per device, model, quantization, engine version and backend, with the
        median over runs of each run&apos;s median over its repetitions, the interquartile range in parentheses and n, the
        repetitions behind it. TTFT is in milliseconds at the prompt length shown. Different engine versions are separate rows. Every J/token
        says what it covers (wall, battery, SoC, or the CPU package, DRAM and GPU it sums) and how it was measured (external
        meter, on-chip counter, sampled power, battery drain); a cell never mixes scopes. Compare J/token within one scope.
        Sustained t/s is the steady state of minutes of continuous decoding (peak in parentheses); the throttle ratio is steady over
        peak, with the time it took to slow down.{" "}
        {owner && (
          <Link href={href(withPrivate ? { private: "" } : { private: "1" })} data-testid="private-toggle">
            {withPrivate ? "Published only" : "Include my private runs"}
          </Link>
        )}
      </p>
      {!parsed.success && (
        <p className="field-error" role="alert">
          Some filters were not understood ({parsed.error.issues.map((i) => i.path.join(".") || i.message).join(", ")}); showing the
          default board.
        </p>
      )}
      <form className="filters" method="get" action="/leaderboard">
        {select("model", "Model", facets.model)}
        {select("family", "Family", facets.family)}
        {select("size", "Size", Object.keys(SIZE_CLASSES))}
        {select("quant", "Quantization", facets.quant)}
        {select("deviceClass", "Device class", facets.deviceClass)}
        {select("vendor", "Vendor", facets.vendor)}
        {select("backend", "Backend", facets.backend)}
        {select("engine", "Engine", facets.engine)}
        {select("engineVersion", "Engine version", facets.engineVersion)}
        {select("energyScope", "Energy scope", facets.energyScope)}
        <label className="filter">
          <input type="checkbox" name="metered" value="1" defaultChecked={q.metered === "1"} /> Metered only
        </label>
        <label className="filter">
          Prompt workload
          <select name="pp" defaultValue={q.pp}>
            {[...new Set([q.pp, "pp512", ...facets.workload.filter((w) => isLeaderboardWorkload(w, "pp"))])].map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        <label className="filter">
          Generation workload
          <select name="tg" defaultValue={q.tg}>
            {[...new Set([q.tg, "tg128", ...facets.workload.filter((w) => isLeaderboardWorkload(w, "tg"))])].map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        <label className="filter">
          Sustained workload
          <select name="sustained" defaultValue={q.sustained}>
            {[...new Set([q.sustained, "sustained", ...facets.workload.filter((w) => parseWorkloadId(w)?.kind === "sustained")])].map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </label>
        {withPrivate && <input type="hidden" name="private" value="1" />}
        <button type="submit">Apply</button>
        <a href={`/api/v1/public/leaderboard?${new URLSearchParams({ ...sp, format: "csv" })}`}>CSV{withPrivate ? " (published only)" : ""}</a>
        <a href={`/api/v1/public/leaderboard?${new URLSearchParams(sp)}`}>JSON{withPrivate ? " (published only)" : ""}</a>
      </form>
      {rows.length === 0 ? (
        <div className="empty">
          <p>
            {withPrivate ? "No plausible results match." : "No published results match. Results are private until a publisher publishes them (npx tokenwatt publish, or the Publish button on a run or device page)."}
          </p>
        </div>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="leaderboard">
            <caption>
              {rows.length} rows; {q.pp}, {q.tg} and {q.sustained}; sorted by {COLUMNS.find((c) => c.key === q.sort)?.label} ({q.dir === "desc" ? "high to low" : "low to high"})
            </caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Model</th>
                <th scope="col">Quant</th>
                <th scope="col">Engine</th>
                <th scope="col">Backend</th>
                <th scope="col">Configuration</th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" className="num" aria-sort={q.sort === c.key ? (q.dir === "desc" ? "descending" : "ascending") : "none"}>
                    <Link href={href({ sort: c.key, dir: q.sort === c.key && q.dir === "desc" ? "asc" : "desc" })}>
                      {c.label}
                      {q.sort === c.key ? (q.dir === "desc" ? " ▼" : " ▲") : ""}
                    </Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.deviceId}-${r.modelId}-${r.engineName}-${r.engineVersion}-${r.backend}-${r.config}`}>
                  <td title={String(r.cpuModel ?? "")}>
                    <Link href={`/devices/${r.deviceId}`}>{r.deviceName ? String(r.deviceName) : `${r.deviceVendor} ${r.deviceModel}`}</Link>
                    {Number(r.privateRuns) > 0 && (
                      <span className="badge private" title={`${r.privateRuns} of ${r.runs} runs not published`}>
                        private
                      </span>
                    )}
                  </td>
                  <td>
                    {r.modelName} {r.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
                  </td>
                  <td>{r.quantization}</td>
                  <td>
                    {r.engineName} {r.engineVersion}
                  </td>
                  <td>{r.backend}</td>
                  <td className="hint">{r.config || "defaults"}</td>
                  <td className="num">
                    {formatNumber(r.ppTokensPerSec as number | null)}
                    <span className="spread">{spread(r.ppP25, r.ppP75)}</span>
                    {reps(r.ppReps)}
                  </td>
                  <td className="num">
                    {formatNumber(r.tgTokensPerSec as number | null)}
                    <span className="spread">{spread(r.tgP25, r.tgP75)}</span>
                    {reps(r.tgReps)}
                  </td>
                  <td className="num">
                    {formatNumber(r.ttftMs as number | null)}
                    <span className="spread">{spread(r.ttftP25Ms, r.ttftP75Ms)}</span>
                    {r.ttftPromptTokens != null && <span className="hint"> @ {String(r.ttftPromptTokens)} tokens</span>}
                    {reps(r.ttftReps)}
                  </td>
                  <td className="num">{formatJPerToken(r.prefillJPerToken as number | null, r.prefillEnergyScope as string | null, r.prefillEnergyTier as string | null)}</td>
                  <td className="num">{formatJPerToken(r.decodeJPerToken as number | null, r.decodeEnergyScope as string | null, r.decodeEnergyTier as string | null)}</td>
                  <td className="num">{formatNumber(r.tokensPerJoule as number | null, 2)}</td>
                  <td className="num">{formatBytes(r.peakRssBytes as number | null)}</td>
                  <td className="num">{r.rooflineEfficiency == null ? "—" : `${formatNumber(Number(r.rooflineEfficiency) * 100, 0)}%`}</td>
                  <td className="num">
                    {formatNumber(r.sustainedSteadyTokensPerSec as number | null)}
                    {r.sustainedPeakTokensPerSec != null && <span className="spread"> (peak {formatNumber(Number(r.sustainedPeakTokensPerSec))})</span>}
                  </td>
                  <td className="num">
                    {r.throttleRatio == null ? "—" : `×${formatNumber(Number(r.throttleRatio), 2)}`}
                    {r.throttleRatio != null && (
                      <span className="spread">
                        {r.timeToThrottleS == null ? " (no throttling)" : ` (after ${formatNumber(Number(r.timeToThrottleS), 0)} s)`}
                        {r.sustainedStartCpuC == null ? "" : `, from ${formatNumber(Number(r.sustainedStartCpuC), 0)} °C`}
                      </span>
                    )}
                  </td>
                  <td className="num">{r.runs}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Reported results (literature, not ranked)</h2>
      <div className="table-wrap" tabIndex={0}>
        <table data-testid="reported">
          <caption>Figures published by others, labelled reported with their source; never mixed into the measured ranking.</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Model</th>
              <th scope="col">Quant</th>
              <th scope="col" className="num">Decode t/s</th>
              <th scope="col" className="num">J/token</th>
              <th scope="col">Note</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {REPORTED_RESULTS.map((r) => (
              <tr key={`${r.device}-${r.model}`}>
                <td>
                  {r.device} <span className="badge reported">reported</span>
                </td>
                <td>{r.model}</td>
                <td>{r.quantization}</td>
                <td className="num">{r.decodeTokensPerSec == null ? "—" : formatNumber(r.decodeTokensPerSec)}</td>
                <td className="num">{r.decodeJPerToken == null ? "—" : `${formatNumber(r.decodeJPerToken, 2)} J (${r.energyScope ?? "scope not stated"})`}</td>
                <td className="source">{r.note}</td>
                <td className="source">{r.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
