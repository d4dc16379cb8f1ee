/**
 * One run's downloads (GET /api/v1/runs/:id/{submission.json, llama-bench.json, llama-bench.csv}):
 * the submission given back is the one uploaded; llama-bench's JSON and CSV read back through
 * `import llama-bench` (runners/import/llama-bench.ts) to the same figures; the public gets
 * published runs only; the badge answers 404 for a device the public cannot see and 400 for a bad id.
 */
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/server/db/client";
import { submissionSchema, type Submission } from "../../lib/core/contracts/submission";
import { llamaBenchRows } from "../../lib/core/present/llama-bench";
import { deriveStats } from "../../lib/core/measure/stats";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { storedSubmission } from "../../lib/server/read/submission-export";
import { setPublished } from "../../lib/server/store/publish";
import { createToken } from "../../lib/server/store/tokens";
import { llamaBenchToSubmissions, readLlamaBench } from "../../runners/import/llama-bench";
import { importedDevice } from "../../runners/import/imported-device";
import { callApi } from "../../harness/api";
import { makeSubmission, makeSustainedRun } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

const get = (path: string, token?: string) => new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Reads llama-bench output back as `tokenwatt import llama-bench` does (another machine, described by the rows). */
function reimport(text: string): { format: string; subs: Submission[] } {
  const { format, rows } = readLlamaBench(text);
  const subs = llamaBenchToSubmissions(rows, { device: (m) => importedDevice(m, {}), source: { tool: "llama-bench", url: null, machine: "other", note: null }, format, importedAt: "2026-12-05T08:00:00.000Z" });
  return { format, subs: subs.map((s) => submissionSchema.parse(JSON.parse(JSON.stringify(s)))) };
}

/** Per llama-bench workload: mean tokens/s and its deviation, mean ns (what llama-bench prints). */
const figures = (s: Submission, only?: Set<string>) =>
  Object.fromEntries(
    s.workloads
      .filter((w) => !only || only.has(w.workloadId))
      .map((w) => {
        const a = w.aggregate;
        const st = deriveStats(w.samples)!;
        return [w.workloadId, { avgTs: a?.avgTokensPerSec ?? st.avgTokensPerSec, stddevTs: a ? a.stddevTokensPerSec : st.stddevTokensPerSec, avgNs: Math.round(a?.avgNs ?? st.avgNs) }];
      }),
  );

describe.each(DB_KINDS)("a run's downloads on %s", (kind) => {
  const h = withTestDb(kind);

  it("give back the submission as uploaded, and llama-bench JSON and CSV that import to the same figures", async () => {
    // The CPU load as a Linux runner sends it (a quiet machine: not busy), on all but the last workload.
    const raw = makeSubmission({ workloads: 10, deviceModel: "Download Box" }) as ReturnType<typeof makeSubmission> & { workloads: Record<string, unknown>[] };
    raw.workloads.slice(0, -1).forEach((w, i) => (w.load = { wallNs: 3e9 + i, ownCpuNs: 2.4e9, otherCpuNs: 0.1e9, stealNs: i % 2 ? null : 0, logicalCpus: 8, source: "procfs" }));
    const original = submissionSchema.parse(raw);
    expect(original.workloads.filter((w) => w.load)).toHaveLength(9);
    expect((await ingestSubmission(h.db, original, null)).status).toBe("created");
    const admin = await createToken(h.db, "dl-admin", "admin");

    const r = await callApi(get(`/api/v1/runs/${original.submissionId}/submission.json`, admin), h.db);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain("submission.json");
    const back = submissionSchema.parse(await r.json());
    // Every field the runner sent, as sent, the CPU load included.
    expect(back).toEqual(original);

    // llama-bench -o json: the repetitions themselves; importing them gives the same samples and figures.
    const json = await callApi(get(`/api/v1/runs/${original.submissionId}/llama-bench.json`, admin), h.db);
    expect(json.headers.get("content-type")).toContain("application/json");
    const jsonText = await json.text();
    const rows = JSON.parse(jsonText) as Record<string, unknown>[];
    // TTFT has no llama-bench test: the other nine workloads are rows, with llama-bench's field types.
    const exported = new Set(original.workloads.map((w) => w.workloadId).filter((id) => id !== "ttft"));
    expect(rows.map((x) => x.n_prompt === 0 ? `tg${x.n_gen}` : x.n_gen === 0 ? `pp${x.n_prompt}` : `pp${x.n_prompt}+tg${x.n_gen}`)).toHaveLength(exported.size);
    expect(rows[0]).toMatchObject({ build_commit: "prebuilt", cpu_info: "Fixture CPU 8-core", backends: "CPU", model_size: 770_000_000, model_n_params: 1_235_814_400, n_threads: 8, n_batch: 512, n_ubatch: 512, n_gpu_layers: 0, test_time: original.startedAt });
    expect(typeof rows[0]!.avg_ns).toBe("number");
    expect(Array.isArray(rows[0]!.samples_ns)).toBe(true);
    const fromJson = reimport(jsonText);
    expect(fromJson.format).toBe("json");
    expect(fromJson.subs).toHaveLength(1);
    const j = fromJson.subs[0]!;
    expect(new Set(j.workloads.map((w) => w.workloadId))).toEqual(exported);
    for (const w of j.workloads) expect(w.samples.map((x) => x.durationNs)).toEqual(original.workloads.find((o) => o.workloadId === w.workloadId)!.samples.map((x) => x.durationNs));
    expect(figures(j)).toEqual(figures(original, exported));
    expect(j.options).toMatchObject({ threads: 8, batchSize: 512, ubatchSize: 512, gpuLayers: 0, repetitions: 3 });
    expect(j.model).toMatchObject({ name: "Llama-3.2-1B", quantization: "Q4_0", fileBytes: 770_000_000, parameterCount: 1_235_814_400 });
    expect(j.device.cpu.model).toBe("Fixture CPU 8-core");
    expect(j.startedAt).toBe(original.startedAt);

    // llama-bench -o csv: means and deviations only (as llama-bench's own CSV): the same figures, as summaries.
    const csv = await callApi(get(`/api/v1/runs/${original.submissionId}/llama-bench.csv`, admin), h.db);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const csvText = await csv.text();
    expect(csvText.startsWith("build_commit,build_number,cpu_info,gpu_info,backends,model_filename,model_type,model_size,model_n_params,")).toBe(true);
    const c = reimport(csvText);
    expect(c.format).toBe("csv");
    const fc = figures(c.subs[0]!);
    const fo = figures(original, exported);
    for (const id of exported) {
      expect(fc[id]!.avgTs).toBeCloseTo(fo[id]!.avgTs, 9);
      expect(fc[id]!.stddevTs!).toBeCloseTo(fo[id]!.stddevTs!, 9);
      expect(fc[id]!.avgNs).toBe(fo[id]!.avgNs);
    }
    // Stored, an imported CSV keeps llama-bench's mean time and deviations (its mean rate is derived
    // from the mean time at ingest); exported again, it prints the stored figures.
    expect((await ingestSubmission(h.db, c.subs[0]!, null)).status).toBe("created");
    const stored = (await storedSubmission(h.db, c.subs[0]!.submissionId, "owner"))!;
    const again = await callApi(get(`/api/v1/runs/${c.subs[0]!.submissionId}/llama-bench.csv`, admin), h.db);
    const reread = reimport(await again.text()).subs[0]!;
    expect(figures(reread)).toEqual(figures(stored));
    for (const id of exported) {
      expect(figures(stored)[id]!.stddevTs).toBe(fc[id]!.stddevTs);
      expect(figures(stored)[id]!.avgNs).toBe(fc[id]!.avgNs);
    }
  });

  it("give back the model's layout as stated and each phase energy's own scope, sensors, tier and range; a run stored before they were kept gives the workload's", async () => {
    const raw = makeSubmission({ workloads: 3, deviceModel: "Layout Box" });
    // Llama-3.2-1B's layout as a runner reads it from the GGUF: most of the file read per token, 16 layers x 8 KV heads x 64 x 2 x 2 bytes of KV cache.
    raw.model = { ...raw.model, weightsReadPerTokenBytes: 700_000_000, kvBytesPerToken: 32_768 };
    const decode = raw.workloads.find((w) => w.decodeEnergyPerToken)!;
    const prefill = raw.workloads.find((w) => w.prefillEnergyPerToken)!;
    // The decode phase measured on more sensors than the workload's figure; the prefill phase modelled, with its range.
    decode.decodeEnergyPerToken = { ...decode.decodeEnergyPerToken!, scope: "package+dram", sensors: ["intel-rapl:0", "intel-rapl:0:0"] };
    prefill.prefillEnergyPerToken = { ...prefill.prefillEnergyPerToken!, tier: "modelled", rangeJ: [0.04, 0.06] };
    const original = submissionSchema.parse(raw);
    expect((await ingestSubmission(h.db, original, null)).status).toBe("created");
    const back = (await storedSubmission(h.db, original.submissionId, "owner"))!;
    expect(back).toEqual(original);
    expect(back.model).toMatchObject({ weightsReadPerTokenBytes: 700_000_000, kvBytesPerToken: 32_768 });
    const d = back.workloads.find((w) => w.workloadId === decode.workloadId)!;
    expect(d.decodeEnergyPerToken).toMatchObject({ totalJ: 0.5, scope: "package+dram", sensors: ["intel-rapl:0", "intel-rapl:0:0"], tier: "counter" });
    expect(d.energyPerToken).toMatchObject({ scope: "package", sensors: ["intel-rapl:0"] });
    expect(back.workloads.find((w) => w.workloadId === prefill.workloadId)!.prefillEnergyPerToken).toMatchObject({ tier: "modelled", rangeJ: [0.04, 0.06] });
    // Only what differs from the workload's own is stored: phases that share it leave the column empty.
    const kept = rowsOf<{ workload_id: string; phase_energy: unknown }>(await h.db.execute(sql`select workload_id, phase_energy from workload_results where submission_id = ${original.submissionId} order by id`));
    expect(kept.filter((r) => r.phase_energy != null).map((r) => r.workload_id).sort()).toEqual([decode.workloadId, prefill.workloadId].sort());

    // A run stored before drizzle/0035: no layout, and each phase labelled with its workload's scope, sensors and tier.
    await h.db.execute(sql`update submissions set model_weights_read_per_token_bytes = null, model_kv_bytes_per_token = null where id = ${original.submissionId}`);
    await h.db.execute(sql`update workload_results set phase_energy = null where submission_id = ${original.submissionId}`);
    const before = (await storedSubmission(h.db, original.submissionId, "owner"))!;
    expect(before).not.toEqual(original);
    expect(before.model).toMatchObject({ weightsReadPerTokenBytes: null, kvBytesPerToken: null });
    expect(before.workloads.find((w) => w.workloadId === decode.workloadId)!.decodeEnergyPerToken).toMatchObject({ totalJ: 0.5, scope: "package", sensors: ["intel-rapl:0"], tier: "counter" });
    expect(before.workloads.find((w) => w.workloadId === prefill.workloadId)!.prefillEnergyPerToken).toMatchObject({ tier: "counter", rangeJ: null });
  });

  it("leave out what llama-bench cannot run, and show the public published runs only", async () => {
    const sustained = submissionSchema.parse(makeSustainedRun({ peak: 40, steady: 22.6, throttleAtS: 24, deviceModel: "Hot Phone" }));
    // pp512 and tg128 are rows; the sustained workload (tg256 timed in 2 s intervals) is not, nor a TTFT or a batched one.
    expect(llamaBenchRows(sustained).map((r) => [r.n_prompt, r.n_gen])).toEqual([[512, 0], [0, 128]]);
    // A sustained run with its temperatures, and a browser run with its fingerprint and WebGPU placement, come back as sent.
    const browserRun = submissionSchema.parse({
      ...makeSubmission({ workloads: 2, deviceModel: "Browser Box" }),
      fingerprint: { version: "fp1", promptTokens: 5, tokenIds: Array.from({ length: 32 }, (_, i) => 100 + i) },
      webgpu: { adapter: { vendor: "google", architecture: "swiftshader", device: null, description: null, isFallbackAdapter: true }, features: ["subgroups"], limits: { maxBufferSize: 2 ** 30 }, requestedGpuLayers: 999, placement: { modelGpuBytes: 0, modelCpuBytes: 2 ** 27, kvGpuBytes: 0, kvCpuBytes: 2 ** 22 }, fallbackReason: "no shader-f16" },
    });
    for (const x of [sustained, browserRun]) {
      await ingestSubmission(h.db, x, null);
      expect(await storedSubmission(h.db, x.submissionId, "owner")).toEqual(x);
    }
    const ttft = submissionSchema.parse(makeSubmission({ workloads: 5 }));
    expect(ttft.workloads.map((w) => w.workloadId)).toContain("ttft");
    expect(llamaBenchRows(ttft)).toHaveLength(4);
    const s = submissionSchema.parse(makeSubmission({ workloads: 2, deviceModel: "Private Box" }));
    await ingestSubmission(h.db, s, null);
    for (const file of ["submission.json", "llama-bench.json", "llama-bench.csv"]) {
      expect((await callApi(get(`/api/v1/runs/${s.submissionId}/${file}`), h.db)).status).toBe(404);
      expect((await callApi(get(`/api/v1/runs/not-a-uuid/${file}`), h.db)).status).toBe(400);
    }
    expect((await callApi(get(`/api/v1/runs/${s.submissionId}/llama-bench.json`, "tw_not_a_token"), h.db)).status).toBe(401);
    await setPublished(h.db, { submissionIds: [s.submissionId] }, true);
    const pub = await callApi(get(`/api/v1/runs/${s.submissionId}/submission.json`), h.db);
    expect(pub.status).toBe(200);
    expect(((await pub.json()) as Submission).submissionId).toBe(s.submissionId);
  });

  it("badges a published device only: 404 for one the public cannot see, 400 for a bad id", async () => {
    const pub = submissionSchema.parse(makeSubmission({ workloads: 2, deviceModel: "Badge Box" }));
    const priv = submissionSchema.parse(makeSubmission({ workloads: 2, deviceModel: "Secret Box" }));
    await ingestSubmission(h.db, pub, null);
    await ingestSubmission(h.db, priv, null);
    await setPublished(h.db, { submissionIds: [pub.submissionId] }, true);
    const admin = await createToken(h.db, "badge-admin", "admin");
    const results = (await (await callApi(get("/api/v1/results?limit=100", admin), h.db)).json()) as { results: { submissionId: string; deviceId: number }[] };
    const deviceOf = (id: string) => results.results.find((x) => x.submissionId === id)!.deviceId;
    for (const path of [`/api/v1/public/badge/device/${deviceOf(pub.submissionId)}`, `/api/v1/public/badge/device/${deviceOf(pub.submissionId)}.svg`]) {
      const r = await callApi(get(path), h.db);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toContain("image/svg+xml");
      expect(r.headers.get("cache-control")).toBe("public, max-age=300");
      // The fixture decodes tg128 at 30 tokens/s (1 % slower each repetition): the median repetition's 29.7.
      expect(await r.text()).toContain("tokenwatt tg128: 29.7 t/s · Llama-3.2-1B Q4_0 (synthetic)");
    }
    expect((await callApi(get(`/api/v1/public/badge/device/${deviceOf(priv.submissionId)}`), h.db)).status).toBe(404);
    expect((await callApi(get("/api/v1/public/badge/device/99999"), h.db)).status).toBe(404);
    for (const bad of ["abc", "0", "1.png", "-1"]) expect((await callApi(get(`/api/v1/public/badge/device/${bad}`), h.db)).status).toBe(400);
  });
});
