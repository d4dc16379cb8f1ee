/**
 * The compare page's reads (lib/server/read/runs.ts: compareDevices, compareRuns) and its series
 * (app/compare/chart-data.ts) on a real database: cells are matched by the model file's identity,
 * never its name, and a run's J/token reads the same in both modes.
 */
import { describe, expect, it, beforeAll } from "vitest";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { compareDevices, compareRuns } from "../../lib/server/read/runs";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { makeSubmission, readingOver, scaleSpeed } from "../../harness/fixtures";
import { byWorkload, deviceSeries, pickModel, runSeries } from "../../app/compare/chart-data";
import { DB_KINDS, withTestDb } from "../helpers/db";

function sub(mutate: (s: any) => void = () => {}): Submission {
  const s = structuredClone(makeSubmission({ workloads: 2 }));
  mutate(s);
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}
/** Every workload k times faster (its readings and J/token kept consistent, as the server checks). */
const faster = (k: number) => (s: any) => s.workloads.forEach((w: any) => scaleSpeed(w, k));
/** The same model at 8 bits: its own file (1.31 GB) on the same device, engine and configuration. */
const q8 = (s: any) => Object.assign(s.model, { quantization: "Q8_0", fileBytes: 1_310_000_000 });
/** The same file's real weights (the fixture's are synthetic). */
const real = (s: any) => Object.assign(s.model, { weights: "real" });
/** A CPU energy modelled from utilisation (no sensor): labelled, never charted or compared as measured. */
const modelled = (s: any) => {
  s.device.model = "Sensorless";
  for (const w of s.workloads) {
    const tokens = w.samples.reduce((a: number, x: any) => a + x.promptTokens + x.genTokens, 0);
    const e = { totalJ: 0.4, aboveIdleJ: null, scope: "package", sensors: ["modelled:cpu"], tier: "modelled", rangeJ: [0.2, 0.9] };
    w.power = [{ ...readingOver(w, { scope: "package", sensor: "modelled:cpu", tier: "modelled" }, 0.4 * tokens), method: "estimated", rangeJ: [0.2 * tokens, 0.9 * tokens] }];
    Object.assign(w, { energyPerToken: e, decodeEnergyPerToken: w.decodeEnergyPerToken ? e : null, prefillEnergyPerToken: w.prefillEnergyPerToken ? e : null });
  }
};

describe.each(DB_KINDS)("compare on %s", (kind) => {
  const h = withTestDb(kind);
  const runs = { q4: sub(), q8: sub((s) => { q8(s); faster(0.6)(s); }), real: sub((s) => { real(s); faster(1.2)(s); }), modelled: sub(modelled) };
  beforeAll(async () => {
    for (const [name, s] of Object.entries(runs)) expect((await ingestSubmission(h.db, s, null)).flags, name).toEqual([]);
    await setPublished(h.db, { submissionIds: Object.values(runs).map((s) => s.submissionId) }, true);
  });
  const deviceOf = async (s: Submission) => (await compareRuns(h.db, [s.submissionId], "public"))[0]!.deviceId;

  it("keeps two quantizations, and real and synthetic weights, of one model on one device apart", async () => {
    const device = await deviceOf(runs.q4);
    const all = await compareDevices(h.db, [device], "public");
    // One device, engine and configuration; three files of Llama-3.2-1B, each with its own cells.
    expect(new Set(all.map((c) => c.modelName))).toEqual(new Set(["Llama-3.2-1B"]));
    expect(new Set(all.map((c) => c.config)).size).toBe(1);
    const tg = (modelId: number) => all.filter((c) => c.modelId === modelId && c.workloadId === "tg128");
    const { models } = pickModel(all, undefined);
    expect(models.map((m) => m.label).sort()).toEqual(["Llama-3.2-1B (Q4_0)", "Llama-3.2-1B (Q4_0, synthetic weights)", "Llama-3.2-1B (Q8_0)"]);
    for (const m of models) expect(tg(m.id)).toHaveLength(1);
    const speed = (label: string) => tg(models.find((m) => m.label === label)!.id)[0]!.medianTs!;
    expect(speed("Llama-3.2-1B (Q8_0)") / speed("Llama-3.2-1B (Q4_0, synthetic weights)")).toBeCloseTo(0.6, 2);
    expect(speed("Llama-3.2-1B (Q4_0)") / speed("Llama-3.2-1B (Q4_0, synthetic weights)")).toBeCloseTo(1.2, 2);
    // The page draws the picked file's cells only: the Q8_0 tg128 bar is the Q8_0 run's, whatever the order.
    const q8Model = models.find((m) => m.label.endsWith("(Q8_0)"))!;
    expect(pickModel(all, String(q8Model.id)).model).toEqual(q8Model);
    const drawn = deviceSeries(all.filter((c) => c.modelId === q8Model.id));
    expect(byWorkload(drawn, (c) => c.medianTs, ["tg128"])).toEqual([{ category: "tg128", [drawn[0]!.series]: speed("Llama-3.2-1B (Q8_0)") }]);
    // The read's own filter is by the file too.
    expect((await compareDevices(h.db, [device], "public", { modelId: q8Model.id })).map((c) => c.modelId)).toEqual([q8Model.id, q8Model.id]);
  });

  it("charts runs of two models side by side, each named by its model", async () => {
    const cells = await compareRuns(h.db, [runs.q4.submissionId, runs.q8.submissionId], "public");
    const series = runSeries(cells);
    const names = [...new Set(series.map((c) => c.series))];
    expect(names).toHaveLength(2);
    expect(names.some((n) => n.endsWith("· Llama-3.2-1B (Q4_0)"))).toBe(true);
    expect(names.some((n) => n.endsWith("· Llama-3.2-1B (Q8_0)"))).toBe(true);
    const [row] = byWorkload(series, (c) => c.medianTs, ["tg128"]);
    expect(names.every((n) => typeof row![n] === "number")).toBe(true);
  });

  it("gives a run's J/token the same in both modes: measured with its scope, a modelled estimate in neither", async () => {
    const fig = (c: { workloadId: string; decodeJPerToken: number | null; prefillJPerToken: number | null; energyScope: string | null; energyTier: string | null }) => [c.workloadId, c.decodeJPerToken, c.prefillJPerToken, c.energyScope, c.energyTier];
    const measured = (await compareRuns(h.db, [runs.q8.submissionId], "public")).map(fig);
    expect(measured).toEqual([["pp512", null, 0.05, "package", "counter"], ["tg128", 0.5, null, "package", "counter"]]);
    const q8Id = (await compareRuns(h.db, [runs.q8.submissionId], "public"))[0]!.modelId;
    expect((await compareDevices(h.db, [await deviceOf(runs.q8)], "public", { modelId: q8Id })).map(fig)).toEqual(measured);
    const estimate = (await compareRuns(h.db, [runs.modelled.submissionId], "public")).map(fig);
    expect(estimate).toEqual([["pp512", null, null, null, null], ["tg128", null, null, null, null]]);
    expect((await compareDevices(h.db, [await deviceOf(runs.modelled)], "public")).map(fig)).toEqual(estimate);
  });
});
