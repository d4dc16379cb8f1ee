/**
 * SYNTHETIC LOAD DATA for the scale benchmarks (bench:leaderboard, bench:pages): devices named
 * "LOAD TEST", 10 workload results per submission, all published and plausible. Never shipped as
 * content; the benchmarks fill a fresh database and drop it afterwards.
 */
import { sql } from "drizzle-orm";
import type { DbHandle } from "../lib/server/db/client";
import { ensureResultPartitions } from "../lib/server/db/partitions";
import { deriveAll } from "../lib/server/store/derived";

export const WORKLOADS = ["pp512", "tg128", "pp512+tg128", "tg128@d4096", "ttft", "pp128", "tg32", "pp128+tg32", "pp1024", "tg256"];

export async function fillLoadData(h: DbHandle, results: number) {
  const subs = Math.ceil(results / WORKLOADS.length);
  const devicesN = 500;
  const modelsN = 30;
  await h.db.execute(sql`
    insert into devices (fingerprint, vendor, model, device_class, os_platform, os_release, cpu_model, cpu_cores, cpu_threads, ram_bytes, gpus, published)
    select 'load-' || g, 'LOAD TEST', 'Synthetic load device ' || g, (array['phone','laptop','desktop','server'])[1 + g % 4], 'linux', '6.1',
      'Load CPU ' || (g % 20), 8, 16, 17179869184, '[]'::jsonb, true
    from generate_series(1, ${devicesN}) g`);
  await h.db.execute(sql`
    insert into models (key, name, family, parameter_count, quantization, file_bytes, weights)
    select 'load-' || g, 'Load-Model-' || (g % 10), 'load', (g % 10 + 1)::bigint * 500000000, (array['Q4_0','Q8_0','F16'])[1 + g % 3], (g % 10 + 1)::bigint * 300000000, 'synthetic'
    from generate_series(1, ${modelsN}) g`);
  await h.db.execute(sql`insert into engines (key, name, version, build) values ('load-1', 'node-llama-cpp', '3.21.1', 'load'), ('load-2', 'node-llama-cpp', '3.22.0', 'load'), ('load-3', 'llama.cpp', 'b5000', 'load')`);
  // Results are spread over the months before now (one submission a minute), in their monthly partitions.
  await ensureResultPartitions(h.db, 3, new Date(Date.now() - (subs + 1) * 60_000));
  const t0 = performance.now();
  await h.db.execute(sql`
    insert into submissions (id, schema_version, suite_version, device_id, model_id, engine_id, backend, runner_name, runner_version,
      options, device_snapshot, memory_bandwidth_gbps, started_at, finished_at, plausible, published)
    select md5('load' || g)::uuid, 1, '1', 1 + g % ${devicesN}, 1 + (g / 7) % ${modelsN}, 1 + g % 3, (array['cpu','cuda','metal','vulkan'])[1 + g % 4],
      'load', '0', '{}'::jsonb, '{}'::jsonb, 50, now() - (g || ' minutes')::interval, now(), true, true
    from generate_series(1, ${subs}) g`);
  await h.db.execute(sql`
    insert into workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen, n_depth, status,
      samples_ns, samples_prompt_tokens, samples_gen_tokens, avg_ns, stddev_ns, avg_ts, stddev_ts, peak_rss_bytes, model_bytes,
      decode_j_per_token, prefill_j_per_token, plausible, published, created_at, median_ts, p25_ts, p75_ts, median_ns, p25_ns, p75_ns)
    select s.id, s.device_id, s.model_id, s.engine_id, s.backend, w.id, 512, 128, 0, 'ok',
      array[1000000000, 1010000000]::bigint[], array[512, 512], array[0, 0], 1e9, 1e7, x.ts, 1, 800000000, 700000000,
      0.1 + random(), 0.01 + random() / 10, true, true, s.started_at, x.ts, x.ts * 0.98, x.ts * 1.02, 1e9, 0.99e9, 1.01e9
    from submissions s cross join unnest(${`{${WORKLOADS.join(",")}}`}::text[]) as w(id)
    -- The medians the views rank by (without them every leaderboard row is empty and the board renders none).
    cross join lateral (select 10 + random() * 100 + 0 * s.device_id as ts) x
    where s.runner_name = 'load'`);
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await deriveAll(h.db);
  return { loadS, refreshS: (performance.now() - t1) / 1000 };
}

