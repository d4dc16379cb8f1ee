/**
 * The device page's summary and score (lib/server/read/device-summary.ts, lib/core/measure/score.ts)
 * and its engines table (lib/server/read/runs.ts enginesSideBySide), on PGlite and PostgreSQL: the
 * best configuration per workload, never a median pooled over configurations; the score's reference
 * figures are the stored medians of the reference run's file; the public sees published runs only.
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { bestScore, SCORE_REFERENCE } from "../../lib/core/measure/score";
import { rowsOf } from "../../lib/server/db/client";
import { bestPerWorkload, scoreRows } from "../../lib/server/read/device-summary";
import { enginesSideBySide } from "../../lib/server/read/runs";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";

describe.each(DB_KINDS)("a device's summary on %s", (kind) => {
  const h = withTestDb(kind);
  const ingest = async (s: unknown) => {
    const p = parseSubmission(s);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    return ingestSubmission(h.db, p.submission, null);
  };
  const deviceOf = async (submissionId: string) => Number(rowsOf<{ id: number }>(await h.db.execute(sql`select device_id as id from submissions where id = ${submissionId}`))[0]!.id);
  let refDevice = 0;
  let sweepDevice = 0;
  let threads1 = "";

  beforeAll(async () => {
    const ref = await ingest(JSON.parse(fs.readFileSync(SCORE_REFERENCE.source, "utf8")));
    expect(ref.plausible).toBe(true);
    await setPublished(h.db, { submissionIds: [ref.submissionId] }, true);
    refDevice = await deviceOf(ref.submissionId);
    // A thread sweep on one device: threads 1 at 0.5x the speed of threads 8, both published.
    const slow = makeSubmission({ deviceModel: "Sweep Box" });
    slow.options.threads = 1;
    for (const w of slow.workloads) scaleSpeed(w, 0.5);
    const fast = makeSubmission({ deviceModel: "Sweep Box" });
    const a = await ingest(slow);
    const b = await ingest(fast);
    threads1 = a.submissionId;
    await setPublished(h.db, { submissionIds: [a.submissionId, b.submissionId] }, true);
    sweepDevice = await deviceOf(a.submissionId);
  });

  it("has the reference's figures as the stored medians of its file", async () => {
    const got = rowsOf<{ workloadId: string; ts: number; ns: number; tokens: number }>(
      await h.db.execute(sql`select workload_id as "workloadId", median_ts as ts, median_ns as ns, samples_prompt_tokens[1] as tokens from workload_results where device_id = ${refDevice}`),
    );
    const w = (id: string) => got.find((x) => x.workloadId === id)!;
    expect(Number(w("pp512").ts)).toBeCloseTo(SCORE_REFERENCE.pp512Ts, 1);
    expect(Number(w("tg128").ts)).toBeCloseTo(SCORE_REFERENCE.tg128Ts, 2);
    expect(Number(w("ttft").ns) / 1e6).toBeCloseTo(SCORE_REFERENCE.ttftMs, 1);
    expect(Number(w("ttft").tokens)).toBe(SCORE_REFERENCE.ttftPromptTokens);
  });

  it("scores the reference device 1,000, and a device of another model not at all", async () => {
    const ref = bestScore(await scoreRows(h.db, refDevice, "public"));
    expect(ref.row && ref.result.score).toBe(1000);
    // The sweep box ran Llama-3.2-1B Q4_0 too, but its TTFT prompt is the fixture's length, not the reference's.
    const sweep = bestScore(await scoreRows(h.db, sweepDevice, "public"));
    expect(sweep.row).toBeNull();
    if (!sweep.row) expect(sweep.reason).toMatch(/prompt tokens/);
  });

  it("gives the best configuration per workload, with what it ran, never a pooled median", async () => {
    const best = await bestPerWorkload(h.db, sweepDevice, "public");
    expect(best.map((b) => b.workloadId)).toEqual(["pp512", "tg128", "ttft"]);
    const tg = best.find((b) => b.workloadId === "tg128")!;
    expect(tg.config).toMatch(/^threads 8/);
    expect(tg).toMatchObject({ modelName: "Llama-3.2-1B", quantization: "Q4_0", backend: "cpu", runs: 1, privateRuns: 0 });
    // The run's own median: 30 t/s (harness/fixtures.ts), not the 22.5 a median over both configurations gives.
    expect(tg.value).toBeCloseTo(30, 0);
    const ttft = best.find((b) => b.workloadId === "ttft")!;
    expect(ttft.config).toMatch(/^threads 8/); // the quickest: lowest milliseconds
    expect(ttft.promptTokens).toBeGreaterThan(0);
  });

  it("shows the public published runs only, the owner their private ones too", async () => {
    const s = makeSubmission({ deviceModel: "Private Box" });
    const r = await ingest(s);
    const id = await deviceOf(r.submissionId);
    expect(await bestPerWorkload(h.db, id, "public")).toEqual([]);
    const owner = await bestPerWorkload(h.db, id, "owner");
    expect(owner.length).toBe(3);
    expect(owner.every((b) => b.privateRuns === 1)).toBe(true);
    // Hiding the sweep's threads-1 run changes nothing the public sees on the summary: it was not the best.
    await setPublished(h.db, { submissionIds: [threads1] }, false);
    expect((await bestPerWorkload(h.db, sweepDevice, "public")).find((b) => b.workloadId === "tg128")!.value).toBeCloseTo(30, 0);
    await setPublished(h.db, { submissionIds: [threads1] }, true);
  });

  it("puts each engine's fastest configuration side by side, saying there were others", async () => {
    const cells = await enginesSideBySide(h.db, sweepDevice, "public");
    const tg = cells.find((c) => c.workloadId === "tg128")!;
    expect(tg).toMatchObject({ lane: "node-llama-cpp cpu", configs: 2, runs: 1 });
    expect(tg.config).toMatch(/^threads 8/);
    expect(tg.medianTs).toBeCloseTo(30, 0);
  });
});
