/**
 * `npm run fault:campaign`: the fault campaign at any size (harness/fault-campaign.ts).
 * Env: FAULT_RUNNERS (8), FAULT_PER_RUNNER (50), FAULT_SERVER_KILLS (3), FAULT_PG_RESTARTS (1), FAULT_AGENTS (4),
 * FAULT_JOBS_PER_AGENT (5). PostgreSQL is a cluster of the campaign's own (harness/private-postgres.ts).
 */
import { runFaultCampaign } from "../harness/fault-campaign";

const n = (k: string, d: number) => Number(process.env[k] || d);
const r = await runFaultCampaign({
  runners: n("FAULT_RUNNERS", 8),
  perRunner: n("FAULT_PER_RUNNER", 50),
  serverKills: n("FAULT_SERVER_KILLS", 3),
  postgresRestarts: n("FAULT_PG_RESTARTS", 1),
  agents: n("FAULT_AGENTS", 4),
  jobsPerAgent: n("FAULT_JOBS_PER_AGENT", 5),
  log: (m) => console.error(`[fault] ${m}`),
});
console.log(JSON.stringify(r, null, 2));
const jobsOk = r.jobsLost === 0 && r.jobsWithoutSubmission === 0 && r.jobsDuplicated === 0;
process.exit(r.lost === 0 && r.duplicated === 0 && r.partial === 0 && r.serverAlive && jobsOk ? 0 : 1);
