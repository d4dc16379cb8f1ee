import { notFound } from "next/navigation";
import { agentDeviceClasses, countAgents, listAgents, type AgentRow } from "../../lib/server/fleet/agents";
import { listBatches, listJobFailures, type BatchRow, type FailureRow } from "../../lib/server/read/agents";
import { serverDeps } from "../../lib/server/context";
import { EnqueueForm } from "./enqueue-form";
import { isPublic } from "../../lib/server/access/mode";
import { DataTable, type Column } from "../components/data-table";
import { pageMetadata } from "../components/page-metadata";

export const dynamic = "force-dynamic";
export const metadata = pageMetadata({ title: "Agents · Tokenwatt", description: "The agents of the fleet and their queued suites." });

const ago = (d: Date) => {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");

const AGENT_COLUMNS: Column<AgentRow>[] = [
  {
    header: "Agent",
    cell: (a) => (
      <>
        {a.name} <span className="hint">#{a.id} v{a.version}</span>
      </>
    ),
  },
  {
    header: "Device",
    cell: (a) => (
      <>
        {a.deviceModel} <span className="badge">{a.deviceClass}</span>
      </>
    ),
    cellAttrs: (a) => ({ title: a.cpuModel }),
  },
  { header: "State", cell: (a) => (a.online ? <span className="badge reported">online, {a.status}</span> : <span className="badge">offline</span>) },
  { header: "Last seen", cell: (a) => ago(a.lastSeenAt) },
  {
    header: "Current job",
    cell: (a) =>
      a.currentJobId ? (
        <>
          <code>{a.currentJobId.slice(0, 8)}</code>{" "}
          {a.progress &&
            `${a.progress.workloadId} (${a.progress.workloadIndex + 1}/${a.progress.workloads}), ${a.progress.phase} ${a.progress.repetitionsDone}/${a.progress.repetitions}`}
        </>
      ) : (
        "-"
      ),
  },
  { header: "Done", numeric: true, cell: (a) => a.completedJobs },
  { header: "Failed", numeric: true, cell: (a) => a.failedJobs },
];

const BATCH_COLUMNS: Column<BatchRow>[] = [
  { header: "Queued", cell: (b) => when(b.createdAt) },
  { header: "For", cell: (b) => (b.target.kind === "all" ? "all agents" : b.target.kind === "class" ? `class ${b.target.deviceClass}` : `agent #${b.target.agentId}`) },
  { header: "Model", cell: (b) => b.request.model },
  { header: "Workloads", cell: (b) => `${b.request.workloads?.join(", ") ?? `suite ${b.request.suite}`} × ${b.request.repetitions}` },
  {
    header: "Progress",
    cell: (b) =>
      `${b.jobCount} jobs: ${Object.entries(b.counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(", ")}`,
  },
];

const FAILURE_COLUMNS: Column<FailureRow>[] = [
  { header: "Ended", cell: (f) => when(f.finishedAt) },
  { header: "Agent", cell: (f) => f.agentName },
  { header: "Job", cell: (f) => <code>{f.jobId.slice(0, 8)}</code> },
  { header: "State", cell: (f) => <span className="badge failed">{f.state}</span> },
  { header: "Why", cell: (f) => f.error, cellAttrs: () => ({ style: { whiteSpace: "normal" } }) },
];

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
            <DataTable
              caption={`${totals.total} agents, ${totals.online} online${totals.total > agents.length ? ` (the ${agents.length} seen last are listed)` : ""}`}
              columns={AGENT_COLUMNS}
              rows={agents}
              rowKey={(a) => a.id}
            />
          )}
          <h2>Queued suites</h2>
          {batches.length === 0 ? (
            <p className="hint">Nothing queued yet.</p>
          ) : (
            <DataTable columns={BATCH_COLUMNS} rows={batches} rowKey={(b) => b.id} />
          )}
          <h2>Recent failures</h2>
          {failures.length === 0 ? (
            <p className="hint">No failed or abandoned job.</p>
          ) : (
            <DataTable columns={FAILURE_COLUMNS} rows={failures} rowKey={(f) => f.jobId} />
          )}
        </div>
      </div>
    </>
  );
}
