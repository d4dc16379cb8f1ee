/**
 * The fault campaign, CI-sized: runners upload through their outboxes and agents run jobs while the
 * server is SIGKILLed and restarted and PostgreSQL (a cluster of the test's own) is restarted.
 */
import { describe, expect, it } from "vitest";
import { runFaultCampaign } from "../../harness/fault-campaign";

describe("fault campaign", () => {
  it("4 runners x 25 submissions and 3 agents x 4 jobs through 2 server SIGKILLs and a PostgreSQL restart: 0 lost, 0 duplicated, no partial rows, the server alive", { timeout: 600_000 }, async () => {
    const r = await runFaultCampaign({ runners: 4, perRunner: 25, serverKills: 2, postgresRestarts: 1, agents: 3, jobsPerAgent: 4 });
    console.log(`[fault campaign] ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ stored: 100, lost: 0, duplicated: 0, partial: 0, serverAlive: true });
    expect(r).toMatchObject({ jobs: 12, jobsCompleted: 12, jobsLost: 0, jobsWithoutSubmission: 0, jobsDuplicated: 0 });
    // every fault landed while submissions were still waiting to be delivered
    expect(r.pendingAtFaults.every((n) => n > 0), JSON.stringify(r.pendingAtFaults)).toBe(true);
    // and at least one while an agent held a job (measuring or delivering it)
    expect(r.jobsRunningAtFaults.some((n) => n > 0), JSON.stringify(r.jobsRunningAtFaults)).toBe(true);
  });
});
