/** The fault campaign, CI-sized: runners upload through their outboxes while the server is SIGKILLed and restarted. */
import { describe, expect, it } from "vitest";
import { runFaultCampaign } from "../helpers/fault-campaign";

describe("fault campaign", () => {
  it("4 runners x 25 submissions through 2 server SIGKILLs: 0 lost, 0 duplicated, no partial rows, the server alive", { timeout: 600_000 }, async () => {
    const r = await runFaultCampaign({ runners: 4, perRunner: 25, serverKills: 2 });
    console.log(`[fault campaign] ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ stored: 100, lost: 0, duplicated: 0, partial: 0, serverAlive: true });
    // every kill landed while submissions were still waiting to be delivered
    expect(r.pendingAtFaults.every((n) => n > 0), JSON.stringify(r.pendingAtFaults)).toBe(true);
  });
});
