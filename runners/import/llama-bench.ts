/**
 * llama-bench JSON (array) or JSONL output → submissions. Fields are read by name; unknown ones are
 * ignored. Rows of one model, build, backend, thread count and GPU layers form one submission whose
 * id is derived from the rows, so importing the same file twice stores it once.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Backend, Device, Submission } from "../../lib/core/contracts/submission";
import { parseWorkloadId, workloadId } from "../../lib/core/contracts/workloads";
import { buildSubmission, workloadResult } from "../../lib/core/measure/build-submission";

const row = z
  .object({
    build_commit: z.string().default("unknown"),
    build_number: z.number().optional(),
    cpu_info: z.string().default("unknown"),
    gpu_info: z.string().default(""),
    backends: z.string().default("CPU"),
    model_filename: z.string(),
    model_type: z.string().default(""),
    model_size: z.number().int().positive(),
    model_n_params: z.number().int().positive().optional(),
    n_batch: z.number().int().positive().optional(),
    n_ubatch: z.number().int().positive().optional(),
    n_threads: z.number().int().positive().optional(),
    n_gpu_layers: z.number().int().min(0).optional(),
    flash_attn: z.union([z.boolean(), z.number()]).optional(),
    n_prompt: z.number().int().min(0),
    n_gen: z.number().int().min(0),
    n_depth: z.number().int().min(0).default(0),
    test_time: z.string(),
    samples_ns: z.array(z.number().int().positive()).min(1),
  })
  .loose();
export type LlamaBenchRow = z.infer<typeof row>;

export class ImportError extends Error {}

export function parseLlamaBench(text: string): LlamaBenchRow[] {
  const trimmed = text.trim();
  if (!trimmed) throw new ImportError("the file is empty");
  let raw: unknown[];
  try {
    raw = trimmed.startsWith("[") ? JSON.parse(trimmed) : trimmed.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch (e) {
    throw new ImportError(`not llama-bench JSON or JSONL: ${(e as Error).message}`);
  }
  return raw.map((r, i) => {
    const p = row.safeParse(r);
    if (!p.success) throw new ImportError(`row ${i + 1}: ${p.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return p.data;
  });
}

function backendOf(b: string): Backend {
  const s = b.toLowerCase();
  if (s.includes("cuda")) return "cuda";
  if (s.includes("metal")) return "metal";
  if (s.includes("vulkan")) return "vulkan";
  return "cpu";
}

function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Groups rows into submissions; `device` describes the machine llama-bench ran on. */
export function llamaBenchToSubmissions(rows: LlamaBenchRow[], device: (backend: Backend, cpuInfo: string) => Device): Submission[] {
  const groups = new Map<string, LlamaBenchRow[]>();
  for (const r of rows) {
    const k = [r.model_filename, r.build_commit, r.backends, r.n_threads, r.n_gpu_layers, r.n_batch].join("|");
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const times = g.map((r) => r.test_time).sort();
    const quant = first.model_type.split(/\s+/).pop() || "unknown";
    const workloads = g.map((r) => {
      const id = workloadId(r.n_prompt, r.n_gen, r.n_depth);
      const spec = parseWorkloadId(id);
      if (!spec) throw new ImportError(`a row with n_prompt ${r.n_prompt}, n_gen ${r.n_gen}, n_depth ${r.n_depth} is not a workload Tokenwatt knows (${id || "no tokens"})`);
      const samples = r.samples_ns.map((ns) => ({ durationNs: ns, promptTokens: r.n_prompt, genTokens: r.n_gen }));
      return workloadResult(spec, { status: "ok", samples }, { memory: { modelBytes: r.model_size } });
    });
    const backend = backendOf(first.backends);
    return buildSubmission({
      submissionId: uuidFrom(JSON.stringify(g)),
      runner: { name: "llama-bench-import" },
      startedAt: new Date(times[0]!).toISOString(),
      finishedAt: new Date(times[times.length - 1]!).toISOString(),
      device: device(backend, first.cpu_info),
      engine: { name: "llama.cpp", version: first.build_number != null ? `b${first.build_number}` : first.build_commit, build: first.build_commit },
      model: {
        name: first.model_filename.split("/").pop()!.replace(/\.gguf$/, ""),
        family: first.model_type.split(/\s+/)[0] || null,
        parameterCount: first.model_n_params ?? null,
        quantization: quant,
        fileBytes: first.model_size,
        sha256: null,
        weights: "real",
        source: first.model_filename,
      },
      options: {
        threads: first.n_threads ?? null,
        gpuLayers: first.n_gpu_layers ?? null,
        batchSize: first.n_batch ?? null,
        ubatchSize: first.n_ubatch ?? null,
        repetitions: first.samples_ns.length,
        flashAttention: first.flash_attn == null ? null : Boolean(first.flash_attn),
      },
      workloads,
    });
  });
}
