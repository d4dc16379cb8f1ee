/**
 * `npm run bench:leaderboard`: leaderboard speed at scale on the real PostgreSQL.
 *
 * Fills a fresh database with SYNTHETIC LOAD DATA (devices named "LOAD TEST", never shipped as
 * content; the database is dropped afterwards): 10 workload results per submission, all published
 * and plausible, at 10,000 and at 1,000,000 workload results. Refreshes the leaderboard view, then
 * times the leaderboard queries (default board, filtered, sorted), the facet and compare queries on the server
 * (p50/p95 over repeated runs), and the rendered /leaderboard page over HTTP.
 *
 * Env: BENCH_SIZES (default "10000,1000000"), TEST_DATABASE_URL (admin URL).
 */
import { sql } from "drizzle-orm";
import { openDb, rowsOf, type DbHandle } from "../lib/server/db/client";
import { leaderboard, leaderboardFacets, leaderboardQuerySchema, refreshLeaderboard } from "../lib/server/read/leaderboard";
import { compareDevices } from "../lib/server/read/runs";
import { percentile } from "../lib/core/measure/stats";
import { createPostgresDatabase } from "../tests/helpers/db";
import { startServer } from "../tests/helpers/server";

const SIZES = (process.env.BENCH_SIZES || "10000,1000000").split(",").map(Number);
const WORKLOADS = ["pp512", "tg128", "pp512+tg128", "tg128@d4096", "ttft", "pp128", "tg32", "pp128+tg32", "pp1024", "tg256"];

async function fill(h: DbHandle, results: number) {
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
      decode_j_per_token, prefill_j_per_token, plausible, published)
    select s.id, s.device_id, s.model_id, s.engine_id, s.backend, w.id, 512, 128, 0, 'ok',
      array[1000000000, 1010000000]::bigint[], array[512, 512], array[0, 0], 1e9, 1e7, 10 + random() * 100, 1, 800000000, 700000000,
      0.1 + random(), 0.01 + random() / 10, true, true
    from submissions s cross join unnest(${`{${WORKLOADS.join(",")}}`}::text[]) as w(id)
    where s.runner_name = 'load'`);
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await refreshLeaderboard(h.db);
  return { loadS, refreshS: (performance.now() - t1) / 1000 };
}

async function timeIt(fn: () => Promise<unknown>, n = 40) {
  for (let k = 0; k < 3; k++) await fn();
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

async function main() {
  const out: Record<number, Record<string, { p50: number; p95: number }>> = {};
  for (const size of SIZES) {
    const dbase = await createPostgresDatabase();
    const h = await openDb({ databaseUrl: dbase.url });
    try {
      const f = await fill(h, size);
      const count = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from workload_results`))[0]!.n;
      const cells = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from leaderboard_cells`))[0]!.n;
      console.error(`${count} workload results (synthetic load data) loaded in ${f.loadS.toFixed(1)} s; ${cells} leaderboard cells, refresh ${f.refreshS.toFixed(2)} s`);
      const q = (p: Record<string, string>) => leaderboardQuerySchema.parse(p);
      const r: Record<string, { p50: number; p95: number }> = {
        "leaderboard, default": await timeIt(() => leaderboard(h.db, q({}))),
        "leaderboard, filtered (backend+size+quant)": await timeIt(() => leaderboard(h.db, q({ backend: "cuda", size: "1-3B", quant: "Q4_0" }))),
        "leaderboard, sorted by decode J/token": await timeIt(() => leaderboard(h.db, q({ sort: "decode_j_per_token", dir: "asc" }))),
        "facets": await timeIt(() => leaderboardFacets(h.db)),
        "compare 4 devices": await timeIt(() => compareDevices(h.db, [1, 2, 3, 4])),
      };
      await h.close();
      const srv = await startServer({ DATABASE_URL: dbase.url });
      try {
        r["page /leaderboard over HTTP"] = await timeIt(async () => {
          const res = await fetch(`${srv.url}/leaderboard`);
          await res.text();
        }, 20);
      } finally {
        await srv.stop();
      }
      out[size] = r;
    } finally {
      await dbase.drop();
    }
  }
  const [small, large] = SIZES;
  console.log(`\nLeaderboard on PostgreSQL (synthetic load data), milliseconds\n`);
  console.log(`| query | ${SIZES.map((s) => `p50 @ ${s.toLocaleString("en-US")}`).join(" | ")} | ${SIZES.map((s) => `p95 @ ${s.toLocaleString("en-US")}`).join(" | ")} | p95 ratio |`);
  console.log(`|---|${SIZES.map(() => "---:").join("|")}|${SIZES.map(() => "---:").join("|")}|---:|`);
  for (const k of Object.keys(out[small!]!)) {
    const p50s = SIZES.map((s) => out[s]![k]!.p50.toFixed(1));
    const p95s = SIZES.map((s) => out[s]![k]!.p95.toFixed(1));
    const ratio = large ? (out[large]![k]!.p95 / out[small!]![k]!.p95).toFixed(2) : "-";
    console.log(`| ${k} | ${p50s.join(" | ")} | ${p95s.join(" | ")} | ${ratio} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
