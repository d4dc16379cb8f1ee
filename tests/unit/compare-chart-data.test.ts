/**
 * The compare page's series (app/compare/chart-data.ts): cells matched by their whole identity
 * (model file, device, engine, backend, configuration, run), never by a name two of them can share.
 */
import { describe, expect, it } from "vitest";
import { byWorkload, deviceSeries, modelLabels, pickModel, runSeries } from "../../app/compare/chart-data";
import type { CompareCell } from "../../lib/server/read/runs";

const cell = (o: Partial<CompareCell>): CompareCell => ({
  deviceId: 1,
  deviceName: "Fixture Laptop",
  modelId: 1,
  modelName: "Llama-3.2-1B",
  quantization: "Q4_0",
  weights: "real",
  fileBytes: 770_000_000,
  engine: "node-llama-cpp 3.21.1",
  backend: "cpu",
  runId: null,
  workloadId: "tg128",
  config: "threads 8",
  medianTs: 30,
  ttftMs: null,
  p25: null,
  p75: null,
  reps: 3,
  promptTokens: null,
  decodeJPerToken: null,
  prefillJPerToken: null,
  energyScope: null,
  energyTier: null,
  peakRssBytes: null,
  rooflineEfficiency: null,
  runs: 1,
  privateRuns: 0,
  ...o,
});

describe("modelLabels", () => {
  it("names a model alone when no other file shares its name", () => {
    expect([...modelLabels([cell({ modelId: 1 }), cell({ modelId: 2, modelName: "Qwen2.5-0.5B" })]).values()]).toEqual(["Llama-3.2-1B", "Qwen2.5-0.5B"]);
  });

  it("adds the quantization, then only what still tells two files apart", () => {
    const labels = modelLabels([
      cell({ modelId: 1 }),
      cell({ modelId: 2, quantization: "Q8_0", fileBytes: 1_310_000_000 }),
      cell({ modelId: 3, weights: "synthetic" }),
      cell({ modelId: 4, quantization: "Q8_0", fileBytes: 1_600_000_000 }),
      // Two real IQ4 files whose sizes read alike: told apart by id.
      cell({ modelId: 5, quantization: "IQ4", fileBytes: 700_000_000 }),
      cell({ modelId: 6, quantization: "IQ4", fileBytes: 700_000_100 }),
    ]);
    expect(Object.fromEntries(labels)).toEqual({
      1: "Llama-3.2-1B (Q4_0)",
      2: "Llama-3.2-1B (Q8_0, 1.2 GiB)",
      3: "Llama-3.2-1B (Q4_0, synthetic weights)",
      4: "Llama-3.2-1B (Q8_0, 1.5 GiB)",
      5: "Llama-3.2-1B (IQ4, model 5)",
      6: "Llama-3.2-1B (IQ4, model 6)",
    });
    expect(new Set(labels.values()).size).toBe(labels.size);
  });
});

describe("pickModel", () => {
  const all = [
    cell({ deviceId: 1, modelId: 1 }),
    cell({ deviceId: 1, modelId: 2, quantization: "Q8_0" }),
    cell({ deviceId: 2, modelId: 2, quantization: "Q8_0" }),
    cell({ deviceId: 2, modelId: 3, modelName: "Qwen2.5-0.5B" }),
  ];

  it("offers each file, the one measured on the most devices first and by default", () => {
    const { models, model } = pickModel(all, undefined);
    expect(models).toEqual([
      { id: 2, label: "Llama-3.2-1B (Q8_0)", devices: 2 },
      { id: 1, label: "Llama-3.2-1B (Q4_0)", devices: 1 },
      { id: 3, label: "Qwen2.5-0.5B", devices: 1 },
    ]);
    expect(model?.id).toBe(2);
  });

  it("takes a model id, or a name (older links) for its most measured file; nothing for an unknown one", () => {
    expect(pickModel(all, "1").model?.id).toBe(1);
    expect(pickModel(all, "Llama-3.2-1B").model?.id).toBe(2);
    expect(pickModel(all, "Qwen2.5-0.5B").model?.id).toBe(3);
    expect(pickModel(all, "99").model).toBeUndefined();
    expect(pickModel(all, "Phi-3").model).toBeUndefined();
    expect(pickModel([], undefined)).toEqual({ models: [], model: undefined });
  });
});

describe("deviceSeries", () => {
  it("names a device measured one way by the device alone", () => {
    const s = deviceSeries([cell({ workloadId: "pp512" }), cell({ workloadId: "tg128" }), cell({ deviceId: 2, deviceName: "Fixture Desktop" })]);
    expect([...new Set(s.map((c) => c.series))]).toEqual(["Fixture Laptop", "Fixture Desktop"]);
  });

  it("draws a series per engine, backend and configuration of a device, named by what differs", () => {
    const cells = [
      cell({ medianTs: 30 }),
      cell({ medianTs: 80, backend: "vulkan" }),
      cell({ medianTs: 12, engine: "wllama 2.3.0", backend: "wasm" }),
      cell({ medianTs: 20, config: "threads 4" }),
      cell({ deviceId: 2, deviceName: "Fixture Desktop", medianTs: 50 }),
    ];
    const s = deviceSeries(cells);
    expect(s.map((c) => c.series)).toEqual([
      "Fixture Laptop (node-llama-cpp 3.21.1 cpu; threads 8)",
      "Fixture Laptop (node-llama-cpp 3.21.1 vulkan; threads 8)",
      "Fixture Laptop (wllama 2.3.0 wasm; threads 8)",
      "Fixture Laptop (node-llama-cpp 3.21.1 cpu; threads 4)",
      "Fixture Desktop",
    ]);
    expect(new Set(s.map((c) => c.seriesKey)).size).toBe(5);
    // Each bar is its own cell's figure: no lane shows another's.
    expect(byWorkload(s, (c) => c.medianTs)).toEqual([{ category: "tg128", ...Object.fromEntries(s.map((c) => [c.series, c.medianTs])) }]);
  });

  it("tells apart two devices of one name by their ids", () => {
    const s = deviceSeries([cell({ deviceId: 1, medianTs: 30 }), cell({ deviceId: 7, medianTs: 31 })]);
    expect(s.map((c) => c.series)).toEqual(["Fixture Laptop · device 1", "Fixture Laptop · device 7"]);
    expect(byWorkload(s, (c) => c.medianTs)).toEqual([{ category: "tg128", "Fixture Laptop · device 1": 30, "Fixture Laptop · device 7": 31 }]);
  });
});

describe("runSeries", () => {
  const run = (id: string, o: Partial<CompareCell> = {}) => cell({ runId: id, deviceName: `Fixture Laptop · run ${id} (2026-11-28 10:00)`, ...o });

  it("draws every run; names it by its model only where the runs are of several", () => {
    expect(runSeries([run("aaaaaaaa"), run("bbbbbbbb")]).map((c) => c.series)).toEqual(["Fixture Laptop · run aaaaaaaa (2026-11-28 10:00)", "Fixture Laptop · run bbbbbbbb (2026-11-28 10:00)"]);
    const two = runSeries([run("aaaaaaaa", { medianTs: 30 }), run("bbbbbbbb", { modelId: 2, quantization: "Q8_0", medianTs: 18 }), run("cccccccc", { modelId: 3, modelName: "Qwen2.5-0.5B", medianTs: 60 })]);
    expect(two.map((c) => c.series)).toEqual([
      "Fixture Laptop · run aaaaaaaa (2026-11-28 10:00) · Llama-3.2-1B (Q4_0)",
      "Fixture Laptop · run bbbbbbbb (2026-11-28 10:00) · Llama-3.2-1B (Q8_0)",
      "Fixture Laptop · run cccccccc (2026-11-28 10:00) · Qwen2.5-0.5B",
    ]);
    expect(byWorkload(two, (c) => c.medianTs)).toEqual([{ category: "tg128", ...Object.fromEntries(two.map((c) => [c.series, c.medianTs])) }]);
  });
});

describe("byWorkload", () => {
  it("leaves a series null where it has no cell of a workload, and keeps only the workloads asked for", () => {
    const s = deviceSeries([cell({ workloadId: "pp512", medianTs: 300 }), cell({ workloadId: "tg128" }), cell({ deviceId: 2, deviceName: "Fixture Desktop", workloadId: "tg128", medianTs: 50 })]);
    expect(byWorkload(s, (c) => c.medianTs)).toEqual([
      { category: "pp512", "Fixture Laptop": 300, "Fixture Desktop": null },
      { category: "tg128", "Fixture Laptop": 30, "Fixture Desktop": 50 },
    ]);
    expect(byWorkload(s, (c) => c.medianTs, ["tg128"])).toHaveLength(1);
  });
});
