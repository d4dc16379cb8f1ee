/**
 * `npm run fault:campaign`: the fault campaign at any size (tests/helpers/fault-campaign.ts).
 * Env: FAULT_RUNNERS (8), FAULT_PER_RUNNER (50), FAULT_SERVER_KILLS (3), FAULT_PG_RESTARTS (1: restarts
 * the local PostgreSQL cluster with pg_ctlcluster; do not run it beside other users of that cluster).
 */
import { runFaultCampaign } from "../tests/helpers/fault-campaign";

const n = (k: string, d: number) => Number(process.env[k] || d);
const r = await runFaultCampaign({
  runners: n("FAULT_RUNNERS", 8),
  perRunner: n("FAULT_PER_RUNNER", 50),
  serverKills: n("FAULT_SERVER_KILLS", 3),
  postgresRestarts: n("FAULT_PG_RESTARTS", 1),
  log: (m) => console.error(`[fault] ${m}`),
});
console.log(JSON.stringify(r, null, 2));
process.exit(r.lost === 0 && r.duplicated === 0 && r.partial === 0 && r.serverAlive ? 0 : 1);
