import { notFound } from "next/navigation";
import { agentDeviceClasses, countAgents, listAgents } from "../../lib/server/fleet/agents";
import { listBatches, listJobFailures } from "../../lib/server/read/agents";
import { serverDeps } from "../../lib/server/context";
import { EnqueueForm } from "./enqueue-form";
import { isPublic } from "../../lib/server/access/mode";

export const dynamic = "force-dynamic";
export const metadata = { title: "Agents · Tokenwatt" };

const ago = (d: Date) => {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");

export default async function AgentsPage() {
  // The fleet (host names, hardware, model paths, failures) is the owner's: a public server does
  // not show it; jobs are queued there through the API with an admin token.
  if (isPublic()) notFound();
  // The page reads tables only (serverDeps opens the job connection on first use, not now).
  const { db, agentTimeoutS } = await serverDeps();
  const [agents, totals, batches, failures, classes] = await Promise.all([
    listAgents(db, agentTimeoutS),
    countAgents(db, agentTimeoutS),
    listBatches(db),
    listJobFailures(db),
    agentDeviceClasses(db),
  ]);
  return (
    <>
      <h1>Agents</h1>
      <p className="lede">
        Devices running <code>npx tokenwatt agent --server URL --token T</code> (an agent token: <code>tokenwatt token create --name NAME --role agent</code>).
        An agent is online while it sends heartbeats; after {agentTimeoutS} s of silence it is offline and its running job is marked failed.
      </p>
      <div className="tco-grid">
        <EnqueueForm agents={agents.map((a) => ({ id: a.id, name: a.name }))} deviceClasses={classes} needsToken={false} />
        <div>
          {agents.length === 0 ? (
            <div className="empty">
              <p>No agent has registered yet.</p>
            </div>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <caption>
                  {totals.total} agents, {totals.online} online{totals.total > agents.length ? ` (the ${agents.length} seen last are listed)` : ""}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Device</th>
                    <th scope="col">State</th>
                    <th scope="col">Last seen</th>
                    <th scope="col">Current job</th>
                    <th scope="col" className="num">Done</th>
                    <th scope="col" className="num">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {agents.map((a) => (
                    <tr key={a.id}>
                      <td>
                        {a.name} <span className="hint">#{a.id} v{a.version}</span>
                      </td>
                      <td title={a.cpuModel}>
                        {a.deviceModel} <span className="badge">{a.deviceClass}</span>
                      </td>
                      <td>{a.online ? <span className="badge reported">online, {a.status}</span> : <span className="badge">offline</span>}</td>
                      <td>{ago(a.lastSeenAt)}</td>
                      <td>
                        {a.currentJobId ? (
                          <>
                            <code>{a.currentJobId.slice(0, 8)}</code>{" "}
                            {a.progress &&
                              `${a.progress.workloadId} (${a.progress.workloadIndex + 1}/${a.progress.workloads}), ${a.progress.phase} ${a.progress.repetitionsDone}/${a.progress.repetitions}`}
                          </>
                        ) : (
                          "-"
                        )}
                      </td>
                      <td className="num">{a.completedJobs}</td>
                      <td className="num">{a.failedJobs}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Queued suites</h2>
          {batches.length === 0 ? (
            <p className="hint">Nothing queued yet.</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Queued</th>
                    <th scope="col">For</th>
                    <th scope="col">Model</th>
                    <th scope="col">Workloads</th>
                    <th scope="col">Progress</th>
                  </tr>
                </thead>
                <tbody>
                  {batches.map((b) => (
                    <tr key={b.id}>
                      <td>{when(b.createdAt)}</td>
                      <td>{b.target.kind === "all" ? "all agents" : b.target.kind === "class" ? `class ${b.target.deviceClass}` : `agent #${b.target.agentId}`}</td>
                      <td>{b.request.model}</td>
                      <td>{b.request.workloads?.join(", ") ?? `suite ${b.request.suite}`} × {b.request.repetitions}</td>
                      <td>
                        {b.jobCount} jobs:{" "}
                        {Object.entries(b.counts)
                          .map(([s, n]) => `${n} ${s}`)
                          .join(", ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Recent failures</h2>
          {failures.length === 0 ? (
            <p className="hint">No failed or abandoned job.</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Ended</th>
                    <th scope="col">Agent</th>
                    <th scope="col">Job</th>
                    <th scope="col">State</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {failures.map((f) => (
                    <tr key={f.jobId}>
                      <td>{when(f.finishedAt)}</td>
                      <td>{f.agentName}</td>
                      <td>
                        <code>{f.jobId.slice(0, 8)}</code>
                      </td>
                      <td>
                        <span className="badge failed">{f.state}</span>
                      </td>
                      <td style={{ whiteSpace: "normal" }}>{f.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </>
  );
}
