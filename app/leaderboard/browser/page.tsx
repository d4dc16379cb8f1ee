import Link from "next/link";
import { publicReadDb } from "../../../lib/server/context";
import { browserBoard, browserBoardQuerySchema } from "../../../lib/server/read/browser-board";
import { formatNumber } from "../../../lib/core/present/format";
import { pageAudience } from "../../../lib/server/access/audience";

export const dynamic = "force-dynamic";
export const metadata = { title: "Browser leaderboard · Tokenwatt" };

const LIMITS_SHOWN = ["maxBufferSize", "maxStorageBufferBindingSize"];

export default async function BrowserBoardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const parsed = browserBoardQuerySchema.safeParse({ workload: typeof sp.workload === "string" && sp.workload ? sp.workload : undefined });
  const workload = parsed.success ? parsed.data.workload : "tg128";
  const db = await publicReadDb();
  const rows = await browserBoard(db, workload, pageAudience());
  return (
    <>
      <h1>Browser leaderboard</h1>
      <p className="lede">
        In-browser LLM engines keyed by the WebGPU adapter they ran on: vendor and architecture, the features and limits that decide whether an engine can
        run at all (shader-f16, buffer sizes), the engine, and where the model really went (a llama.cpp WebGPU run that fell back to the CPU is listed as
        wasm). Only ok, plausible runs rank: a run whose output differs from native llama.cpp on the CPU for the same file is kept off.{" "}
        <Link href="/leaderboard">Native leaderboard</Link>
      </p>
      <form className="filters" method="get">
        <label className="filter">
          Workload
          <input name="workload" defaultValue={workload} size={10} />
        </label>
        <button type="submit">Show</button>
      </form>
      {!parsed.success && (
        <p className="field-error" role="alert">
          workload: {parsed.error.issues[0]?.message}; showing tg128
        </p>
      )}
      {rows.length === 0 ? (
        <p data-testid="browser-board-empty">No browser runs of {workload} yet. Run the suite on /run (or `npx tokenwatt bench-browser --engine all`).</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="browser-board">
            <caption>{workload}: median tokens/s per adapter, engine and model</caption>
            <thead>
              <tr>
                <th scope="col">Adapter</th>
                <th scope="col">Features</th>
                <th scope="col">Limits</th>
                <th scope="col">Engine</th>
                <th scope="col">Ran on</th>
                <th scope="col">Model</th>
                <th scope="col" className="num">t/s</th>
                <th scope="col" className="num">Runs (devices)</th>
                <th scope="col">Output check</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    {r.adapter}
                    {r.isFallbackAdapter && <span className="hint"> (software adapter)</span>}
                  </td>
                  <td>{r.features.includes("shader-f16") ? "shader-f16" : <span className="hint">no shader-f16</span>}{r.features.includes("subgroups") ? ", subgroups" : ""}</td>
                  <td className="hint">
                    {LIMITS_SHOWN.filter((k) => r.limits[k] != null)
                      .map((k) => `${k} ${(r.limits[k]! / 2 ** 20).toFixed(0)} MiB`)
                      .join("; ") || "—"}
                  </td>
                  <td>{r.engine}</td>
                  <td>{r.placement}</td>
                  <td>
                    {r.modelName} {r.quantization} {r.weights === "synthetic" && <span className="badge synthetic">synthetic weights</span>}
                  </td>
                  <td className="num">{formatNumber(r.medianTs)}</td>
                  <td className="num">
                    {r.runs} ({r.devices})
                  </td>
                  <td>
                    {Object.entries(r.outputs)
                      .map(([o, n]) => `${o === "none" ? "no fingerprint" : o} ${n}`)
                      .join(", ")}
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
