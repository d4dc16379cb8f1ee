/**
 * Bounded reads of the device page and the board (issue 32 items 3 and 5): the timeline reads the
 * newest runs of each series plus the count and median of the older ones; the device's runs and the
 * leaderboard come a page at a time with their totals, a page past the last clamped.
 */
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { parsePageParam, pageNote } from "../../lib/core/present/paging";
import { rowsOf, type Db } from "../../lib/server/db/client";
import { deviceTimeline, deviceTimelineFromResults, deviceTimelinePage, getDevice, TIMELINE_RUNS, timelineSeriesKey } from "../../lib/server/read/runs";
import { leaderboard, leaderboardQuerySchema, leaderboardTotal } from "../../lib/server/read/leaderboard";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

const TG_RUNS = 300;
const PP_RUNS = 10;

async function ingest(db: Db, deviceModel: string) {
  const p = parseSubmission(makeSubmission({ workloads: 2, deviceModel }));
  if (!p.ok) throw new Error(JSON.stringify(p.issues));
  await ingestSubmission(db, p.submission, null);
  return p.submission.submissionId;
}

/**
 * Copies run `id` into runs 1..TG_RUNS, an hour apart, the tg128 result of run g at g tokens/s (the
 * pp512 result only in runs 1..PP_RUNS): a database-side copy, as ingesting 300 runs would be slow.
 */
async function cloneRuns(db: Db, id: string) {
  await db.execute(sql`create temp table tsub as select s.*, g from submissions s cross join generate_series(1, ${TG_RUNS}) g where s.id = ${id}::uuid`);
  await db.execute(sql`update tsub set id = md5('bounded' || g)::uuid, started_at = timestamptz '2026-01-01' + g * interval '1 hour'`);
  await db.execute(sql`create temp table twr as select wr.*, g from workload_results wr cross join generate_series(1, ${TG_RUNS}) g
    where wr.submission_id = ${id}::uuid and (wr.workload_id = 'tg128' or g <= ${PP_RUNS})`);
  await db.execute(sql`update twr set id = nextval(pg_get_serial_sequence('workload_results', 'id')), submission_id = md5('bounded' || g)::uuid,
    median_ts = case when workload_id = 'tg128' then g else median_ts end`);
  await db.execute(sql`alter table tsub drop column g`);
  await db.execute(sql`alter table twr drop column g`);
  await db.execute(sql`insert into submissions select * from tsub`);
  await db.execute(sql`insert into workload_results select * from twr`);
  await db.execute(sql`delete from submissions where id = ${id}::uuid`);
  await db.execute(sql`drop table tsub, twr`);
}

describe.each(DB_KINDS)("bounded device page reads on %s", (kind) => {
  const h = withTestDb(kind);
  let deviceId = 0;
  let smallId = 0;
  beforeAll(async () => {
    const first = await ingest(h.db, "Bounded Box");
    // The clones need no power rows (one submission_power row per run since drizzle/0030).
    await h.db.execute(sql`delete from submission_power where submission_id = ${first}::uuid`);
    await cloneRuns(h.db, first);
    // A second device with 3 runs: every series under the bound is read whole.
    for (let i = 0; i < 3; i++) await ingest(h.db, "Small Box");
    await setPublished(h.db, { allPlausible: true }, true);
    const ids = rowsOf<{ id: number; model: string }>(await h.db.execute(sql`select id, model from devices`));
    deviceId = ids.find((d) => d.model === "Bounded Box")!.id;
    smallId = ids.find((d) => d.model === "Small Box")!.id;
  });

  it("reads the newest runs of a long series and the count and median of the older ones", async () => {
    for (const audience of ["owner", "public"] as const) {
      const series = await deviceTimeline(h.db, deviceId, audience);
      const tg = series.find((s) => s.workloadId === "tg128")!;
      expect(tg.runs).toHaveLength(TIMELINE_RUNS);
      // The newest 50 (runs 251..300), oldest first.
      expect(tg.runs.map((r) => r.tokensPerSec)).toEqual(Array.from({ length: TIMELINE_RUNS }, (_, i) => TG_RUNS - TIMELINE_RUNS + 1 + i));
      expect(tg.runs[0]!.startedAt < tg.runs.at(-1)!.startedAt).toBe(true);
      // Runs 1..250: median 125.5 tokens/s, from the first to the 250th hour.
      expect(tg.older).toMatchObject({ runs: TG_RUNS - TIMELINE_RUNS, medianTokensPerSec: 125.5, from: "2026-01-01T01:00:00.000Z", to: "2026-01-11T10:00:00.000Z" });
      // A series under the bound is complete, with nothing older.
      const pp = series.find((s) => s.workloadId === "pp512")!;
      expect(pp.runs).toHaveLength(PP_RUNS);
      expect(pp.older).toBeNull();
    }
    const small = await deviceTimeline(h.db, smallId, "public");
    expect(small.map((s) => [s.workloadId, s.runs.length, s.older])).toEqual([
      ["pp512", 3, null],
      ["tg128", 3, null],
    ]);
  });

  it("the maintained timeline table holds what the results give, for both audiences, before and after runs are hidden", async () => {
    const same = async () => {
      for (const audience of ["owner", "public"] as const) {
        for (const id of [deviceId, smallId]) expect(await deviceTimeline(h.db, id, audience)).toEqual(await deviceTimelineFromResults(h.db, id, audience));
      }
    };
    await same();
    const hidden = rowsOf<{ id: string }>(await h.db.execute(sql`select id from submissions where device_id = ${deviceId} order by started_at desc limit 20`)).map((r) => r.id);
    await setPublished(h.db, { submissionIds: hidden }, false);
    try {
      // The newest 20 hidden: the public's drawn runs move back to runs 231..280, and 230 are older.
      const pub = (await deviceTimeline(h.db, deviceId, "public")).find((s) => s.workloadId === "tg128")!;
      expect([pub.runs[0]!.tokensPerSec, pub.runs.at(-1)!.tokensPerSec, pub.older!.runs]).toEqual([231, 280, 230]);
      await same();
    } finally {
      await setPublished(h.db, { submissionIds: hidden }, true);
    }
    await same();
  });

  it("draws the series with the newest runs and lists the others, any of which a pick draws too", async () => {
    const all = await deviceTimeline(h.db, deviceId, "owner");
    const one = await deviceTimelinePage(h.db, deviceId, "owner", { maxSeries: 1 });
    // tg128's newest run is hour 300, pp512's hour 10: tg128 is drawn, pp512 listed.
    expect(one.series).toEqual(all.filter((s) => s.workloadId === "tg128"));
    const [pp] = rowsOf<{ model_id: number; median_ts: number; started_at: string }>(
      await h.db.execute(sql`select wr.model_id, wr.median_ts, s.started_at::text from workload_results wr join submissions s on s.id = wr.submission_id
        where wr.device_id = ${deviceId} and wr.workload_id = 'pp512' order by s.started_at desc limit 1`),
    );
    expect(one.others).toEqual([
      { key: timelineSeriesKey(pp!.model_id, "cpu", "pp512"), modelName: all[0]!.modelName, quantization: all[0]!.quantization, backend: "cpu", workloadId: "pp512", runs: PP_RUNS, newestAt: "2026-01-01T10:00:00.000Z", newestTokensPerSec: pp!.median_ts },
    ]);
    const picked = await deviceTimelinePage(h.db, deviceId, "owner", { maxSeries: 1, pick: one.others[0]!.key });
    expect([picked.series, picked.others]).toEqual([all, []]);
    // The default draws every series of a device with fewer than TIMELINE_SERIES; an unknown pick changes nothing.
    expect(await deviceTimelinePage(h.db, deviceId, "public", { pick: "9999~cpu~tg128" })).toEqual({ series: await deviceTimeline(h.db, deviceId, "public"), others: [] });
  });

  it("a smaller bound moves the line between drawn and summarized runs", async () => {
    const tg = (await deviceTimeline(h.db, deviceId, "owner", { limit: 10 })).find((s) => s.workloadId === "tg128")!;
    expect(tg.runs.map((r) => r.tokensPerSec)).toEqual([291, 292, 293, 294, 295, 296, 297, 298, 299, 300]);
    expect(tg.older).toMatchObject({ runs: 290, medianTokensPerSec: 145.5 });
    const pp = (await deviceTimeline(h.db, deviceId, "owner", { limit: 10 })).find((s) => s.workloadId === "pp512")!;
    expect([pp.runs.length, pp.older]).toEqual([10, null]);
  });

  it("the public's timeline leaves unpublished runs out of both the drawn runs and the older count", async () => {
    const hidden = rowsOf<{ id: string }>(await h.db.execute(sql`select id from submissions where device_id = ${deviceId} order by started_at limit 100`)).map((r) => r.id);
    await setPublished(h.db, { submissionIds: hidden }, false);
    try {
      const pub = (await deviceTimeline(h.db, deviceId, "public")).find((s) => s.workloadId === "tg128")!;
      expect(pub.older).toMatchObject({ runs: 150, medianTokensPerSec: 175.5 });
      const own = (await deviceTimeline(h.db, deviceId, "owner")).find((s) => s.workloadId === "tg128")!;
      expect(own.older!.runs).toBe(250);
      const d = await getDevice(h.db, deviceId, "public");
      expect([d!.totalRuns, d!.publishedRuns]).toEqual([200, 200]);
      const o = await getDevice(h.db, deviceId, "owner");
      expect([o!.totalRuns, o!.publishedRuns]).toEqual([300, 200]);
    } finally {
      await setPublished(h.db, { submissionIds: hidden }, true);
    }
  });

  it("lists the device's runs a page at a time, newest first, with the total; a page past the last is clamped", async () => {
    const p1 = (await getDevice(h.db, deviceId, "public"))!;
    expect([p1.totalRuns, p1.page, p1.pages, p1.runs.length]).toEqual([300, 1, 6, 50]);
    const p2 = (await getDevice(h.db, deviceId, "public", { page: 2 }))!;
    expect(p2.runs).toHaveLength(50);
    expect(p2.runs[0]!.startedAt.getTime()).toBeLessThan(p1.runs.at(-1)!.startedAt.getTime());
    expect(new Set([...p1.runs, ...p2.runs].map((r) => r.id)).size).toBe(100);
    const past = (await getDevice(h.db, deviceId, "public", { page: 99 }))!;
    expect([past.page, past.runs.length, past.runs[0]!.id]).toEqual([6, 50, (await getDevice(h.db, deviceId, "public", { page: 6 }))!.runs[0]!.id]);
    expect((await getDevice(h.db, smallId, "public", { page: 5 }))!).toMatchObject({ page: 1, pages: 1, totalRuns: 3 });
  });
});

describe.each(DB_KINDS)("leaderboard pages on %s", (kind) => {
  const h = withTestDb(kind);
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) await ingest(h.db, `Board Box ${i}`);
    await setPublished(h.db, { allPlausible: true }, true);
  });

  it("page 2 holds the rows after page 1, the total counts every page, a page past the last is empty", async () => {
    const q = (o: Record<string, string>) => leaderboardQuerySchema.parse({ limit: "2", ...o });
    expect(await leaderboardTotal(h.db, q({}))).toBe(5);
    const all = await leaderboard(h.db, q({ limit: "10" }));
    const pages = [await leaderboard(h.db, q({ page: "1" })), await leaderboard(h.db, q({ page: "2" })), await leaderboard(h.db, q({ page: "3" }))];
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((r) => r.deviceId)).toEqual(all.map((r) => r.deviceId));
    expect(await leaderboard(h.db, q({ page: "4" }))).toEqual([]);
    expect(await leaderboardTotal(h.db, q({ backend: "cuda" }))).toBe(0);
  });

  it("a page that is not a positive whole number is refused by the API's schema and read as page 1 with a note by the pages", () => {
    for (const bad of ["0", "-1", "1.5", "x", "10000000"]) expect(leaderboardQuerySchema.safeParse({ page: bad }).success).toBe(false);
    expect(leaderboardQuerySchema.parse({ page: "3" }).page).toBe(3);
    expect(parsePageParam("2")).toEqual({ page: 2, invalid: null });
    expect(parsePageParam(undefined)).toEqual({ page: 1, invalid: null });
    for (const bad of ["0", "abc", "1e3", "99999999", "-2"]) expect(parsePageParam(bad)).toEqual({ page: 1, invalid: bad });
    expect(pageNote(parsePageParam("abc"), { page: 1, pages: 3 })).toMatch(/not a page number/);
    expect(pageNote(parsePageParam("9"), { page: 3, pages: 3 })).toBe("Page 9 is past the last page (3); showing page 3.");
    expect(pageNote(parsePageParam("2"), { page: 2, pages: 3 })).toBeNull();
  });
});
