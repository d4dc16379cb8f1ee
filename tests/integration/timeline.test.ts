import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { rowsOf } from "../../lib/server/db/client";
import { deviceTimeline } from "../../lib/server/read/runs";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

/** A run of the fixture device whose tg128 is `k` times the fixture's speed, on engine `version`. */
function run(k: number, version: string, day: number) {
  const s = structuredClone(makeSubmission({ workloads: 2, deviceModel: "Timeline Box" })) as any;
  s.engine.version = version;
  s.startedAt = new Date(Date.UTC(2026, 10, day)).toISOString();
  s.finishedAt = new Date(Date.UTC(2026, 10, day, 0, 5)).toISOString();
  scaleSpeed(s.workloads[1], k);
  const p = parseSubmission(s);
  if (!p.ok) throw new Error(JSON.stringify(p.issues));
  return p.submission;
}

describe.each(DB_KINDS)("the device timeline on %s", (kind) => {
  const h = withTestDb(kind);
  beforeAll(async () => {
    // Five runs on 3.21.1 within +-1.5% of each other, then three on 3.22.0 at a third of the speed.
    const speeds = [1, 1.012, 0.991, 1.005, 0.988];
    for (const [i, k] of speeds.entries()) await ingestSubmission(h.db, run(k, "3.21.1", i + 1), null);
    for (const [i, k] of [0.34, 0.335, 0.342].entries()) await ingestSubmission(h.db, run(k, "3.22.0", 10 + i), null);
  });

  it("flags the regression after the engine update, names it, and not the noise of repeated runs", async () => {
    const [dev] = rowsOf<{ id: number }>(await h.db.execute(sql`select id from devices where model = 'Timeline Box'`));
    const series = await deviceTimeline(h.db, dev!.id, "owner");
    const tg = series.find((s) => s.workloadId === "tg128")!;
    expect(tg.runs).toHaveLength(8);
    expect(tg.changes).toHaveLength(1);
    expect(tg.changes[0]).toMatchObject({ at: 5, what: ["engine 3.21.1 → 3.22.0"] });
    expect(tg.changes[0]!.relative).toBeCloseTo(-0.66, 1);
    // pp512 ran at the same speed in every run: the update changed nothing there, and nothing is flagged.
    const pp = series.find((s) => s.workloadId === "pp512")!;
    expect(pp.runs).toHaveLength(8);
    expect(pp.changes).toEqual([]);
  });
});
