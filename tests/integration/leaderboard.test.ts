import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../lib/server/db/client";
import { ingestCallArgs, ingestSubmission } from "../../lib/server/store/ingest";
import { leaderboard, leaderboardEnergy, leaderboardQuerySchema, leaderboardTotal } from "../../lib/server/read/leaderboard";
import { readPublicVersion, setPublished } from "../../lib/server/store/publish";
import { createToken } from "../../lib/server/store/tokens";
import { parseSubmission, type Submission } from "../../lib/core/contracts/submission";
import { makeServerRun, makeSubmission, readingOver, scaleSpeed } from "../../harness/fixtures";
import { applyMigrationsOnly, DB_KINDS, insertOldCatalog, migrationsUpTo, openTestDb, openUnmigrated, type TestDb, withTestDb } from "../helpers/db";
import { callApi } from "../../harness/api";
import { compareDevices } from "../../lib/server/read/runs";

function sub(mutate: (s: any) => void = () => {}): Submission {
  const s = structuredClone(makeSubmission({ workloads: 5 }));
  mutate(s);
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}
const tokensOf = (w: any) => w.samples.reduce((a: number, x: any) => a + x.promptTokens + x.genTokens, 0);
/** A reading of `joules` over the workload's repetitions, so that its power, window and the workload's J/token agree. */
const reading = (w: any, scope: string, sensor: string, tier: string, joules: number) => readingOver(w, { scope, sensor, tier }, joules);
const tgScale = (k: number) => (s: any) => scaleSpeed(s.workloads[1], k);
/** A sensorless device's energy, modelled at 0.4 J/token in the package scope with its range. */
const modelled = (s: any) => {
  s.device.model = "Sensorless";
  for (const w of s.workloads) {
    const e = { totalJ: 0.4, aboveIdleJ: null, scope: "package", sensors: ["modelled:cpu"], tier: "modelled", rangeJ: [0.2, 0.9] };
    const joules = 0.4 * tokensOf(w);
    w.power = [{ ...reading(w, "package", "modelled:cpu", "modelled", joules), method: "estimated", rangeJ: [joules / 2, joules * 2.25] }];
    Object.assign(w, { energyPerToken: e, decodeEnergyPerToken: w.decodeEnergyPerToken ? e : null, prefillEnergyPerToken: w.prefillEnergyPerToken ? e : null });
  }
};
/**
 * Every workload's energy measured in one scope at `j` J/token (prefill and decode alike), on a desktop
 * (2-3 J/token at 300 tokens/s of prefill: 600-900 W, within what its wall or package may draw).
 */
const measuredAt = (scope: string, sensor: string, tier: string, j: number, method = "counter") => (s: any) => {
  s.device.deviceClass = "desktop";
  for (const w of s.workloads) {
    const e = { totalJ: j, aboveIdleJ: null, scope, sensors: [sensor], tier };
    w.power = [{ ...reading(w, scope, sensor, tier, j * tokensOf(w)), method }];
    w.energyPerToken = e;
    w.decodeEnergyPerToken = w.decodeEnergyPerToken ? e : null;
    w.prefillEnergyPerToken = w.prefillEnergyPerToken ? e : null;
  }
};

describe.each(DB_KINDS)("leaderboard and publishing on %s", (kind) => {
  let h: TestDb;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await openTestDb(kind);
    // three runs of one device/model/engine (tg 30, 33, 36 t/s), one of another engine version,
    // one unpublished, one implausible
    for (const [name, m] of [
      ["a1", tgScale(1)],
      ["a2", tgScale(1.1)],
      ["a3", tgScale(1.2)],
      ["v2", (s: any) => { s.engine.version = "3.22.0"; }],
      ["private", (s: any) => { s.device.model = "Private Laptop"; }],
      // 100x the fixture: 3,000 tokens/s x 0.77 GB = 2.3 TB/s, beyond any laptop's memory (546 GB/s)
      ["implausible", (s: any) => { s.device.model = "Cheater"; tgScale(100)(s); }],
    ] as const) {
      const s = sub(m);
      ids[name] = s.submissionId;
      await ingestSubmission(h.db, s, null);
    }
  });
  afterAll(async () => h?.drop());
  const q = (p: Record<string, string> = {}) => leaderboardQuerySchema.parse(p);

  it("is empty until something is published", async () => {
    expect(await leaderboard(h.db, q())).toEqual([]);
  });

  it("shows published plausible runs only: median and spread across runs, engine versions apart", async () => {
    const r = await setPublished(h.db, { submissionIds: [ids.a1!, ids.a2!, ids.a3!, ids.v2!, ids.implausible!] }, true);
    expect(r.submissions).toBe(5);
    const all = await leaderboard(h.db, q());
    // The cheater's tg128 is flagged and off the board; its honest pp512 stays, with no tg figure.
    const cheater = all.filter((x) => x.deviceModel === "Cheater");
    expect(cheater.map((x) => [x.ppTokensPerSec != null, x.tgTokensPerSec])).toEqual([[true, null]]);
    const rows = all.filter((x) => x.deviceModel !== "Cheater");
    expect(rows.map((x) => x.engineVersion).sort()).toEqual(["3.21.1", "3.22.0"]);
    expect(rows.some((x) => x.deviceModel === "Private Laptop")).toBe(false);
    const main = rows.find((x) => x.engineVersion === "3.21.1")!;
    expect(main.runs).toBe(3);
    // tg128 fixture at ~29.7 t/s scaled by 1, 1.1, 1.2: the median is the middle run
    const v2 = rows.find((x) => x.engineVersion === "3.22.0")!;
    expect(Number(main.tgTokensPerSec)).toBeCloseTo(Number(v2.tgTokensPerSec) * 1.1, 1);
    expect(Number(main.tgP25)).toBeLessThan(Number(main.tgP75));
    expect(Number(main.decodeJPerToken)).toBe(0.5);
    expect(Number(main.tokensPerJoule)).toBe(2);
    expect(Number(main.ttftMs)).toBeGreaterThan(0);
    expect(Number(main.rooflineEfficiency)).toBeGreaterThan(0);
  });

  it("compare: the owner sees their private runs (marked), the public view published ones only", async () => {
    const [priv] = rowsOf<{ device_id: number }>(await h.db.execute(sql`select device_id from submissions where id = ${ids.private!}`));
    const published = await compareDevices(h.db, [priv!.device_id], "public");
    expect(published).toEqual([]);
    const mine = await compareDevices(h.db, [priv!.device_id], "owner");
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c) => c.runs === 1 && c.privateRuns === 1)).toBe(true);
    // The implausible workload stays out of the owner's view too.
    const [cheat] = rowsOf<{ device_id: number }>(await h.db.execute(sql`select device_id from submissions where id = ${ids.implausible!}`));
    const cheater = await compareDevices(h.db, [cheat!.device_id], "owner");
    expect(cheater.map((c) => c.workloadId)).not.toContain("tg128");
  });

  it("filters, sorts and hides", async () => {
    expect(await leaderboard(h.db, q({ engineVersion: "3.22.0" }))).toHaveLength(1);
    expect(await leaderboard(h.db, q({ backend: "cuda" }))).toHaveLength(0);
    expect(await leaderboard(h.db, q({ size: "1-3B" }))).toHaveLength(3); // the cheater's pp-only row included
    expect(await leaderboard(h.db, q({ size: "<1B" }))).toHaveLength(0);
    const asc = await leaderboard(h.db, q({ sort: "tg_ts", dir: "asc" }));
    expect(Number(asc[0]!.tgTokensPerSec)).toBeLessThanOrEqual(Number(asc[1]!.tgTokensPerSec));
    await setPublished(h.db, { submissionIds: [ids.v2!, ids.implausible!] }, false);
    expect(await leaderboard(h.db, q())).toHaveLength(1);
  });

  it("publish API needs an admin token; the public API validates and exports CSV", async () => {
    const runner = await createToken(h.db, `runner-${kind}`);
    const admin = await createToken(h.db, `admin-${kind}`, "admin");
    const post = (token: string | null, body: unknown) =>
      callApi(new Request("http://t/api/v1/admin/publish", { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }), h.db);
    expect((await post(null, { published: true, allPlausible: true })).status).toBe(401);
    expect((await post(runner, { published: true, allPlausible: true })).status).toBe(403);
    expect((await post(admin, { published: true })).status).toBe(400);
    expect((await post(admin, { published: true, submissionIds: ["nope"] })).status).toBe(400);
    const ok = await post(admin, { published: true, deviceIds: [1] });
    expect(ok.status).toBe(200);
    const get = (qs: string) => callApi(new Request(`http://t/api/v1/public/leaderboard${qs}`), h.db);
    const json = await (await get("")).json();
    expect(json.schemaVersion).toBe(1);
    expect(json.rows.length).toBeGreaterThan(0);
    const csv = await (await get("?format=csv")).text();
    expect(csv.split("\r\n")[0]).toMatch(/^deviceId,deviceVendor,deviceModel,/);
    for (const bad of ["?sort=bogus", "?pp=pp", "?limit=0", "?size=huge", "?x=1"]) expect((await get(bad)).status, bad).toBe(400);
  });

  it("bumps the public version on every publish and hide, and when a published device changes; not for private rows", async () => {
    const v0 = await readPublicVersion(h.db);
    await setPublished(h.db, { submissionIds: [ids.a1!] }, false);
    const v1 = await readPublicVersion(h.db);
    expect(v1).toBeGreaterThan(v0);
    await setPublished(h.db, { submissionIds: [ids.a1!] }, true);
    const v2 = await readPublicVersion(h.db);
    expect(v2).toBeGreaterThan(v1);
    // The private device (never published) may change without touching the public pages...
    await h.db.execute(sql`update devices set display_name = 'renamed private' where model = 'Private Laptop'`);
    expect(await readPublicVersion(h.db)).toBe(v2);
    // ...a published one may not: its name is on the public pages. An update that changes nothing does not count.
    await h.db.execute(sql`update devices set display_name = 'renamed public' where id = (select device_id from submissions where id = ${ids.a1!})`);
    const v3 = await readPublicVersion(h.db);
    expect(v3).toBe(v2 + 1);
    await h.db.execute(sql`update devices set display_name = 'renamed public' where id = (select device_id from submissions where id = ${ids.a1!})`);
    expect(await readPublicVersion(h.db)).toBe(v3);
    // A published run losing its plausibility (the output check) changes the public pages too.
    await h.db.execute(sql`update submissions set plausible = false where id = ${ids.a1!}`);
    expect(await readPublicVersion(h.db)).toBe(v3 + 1);
    await h.db.execute(sql`update submissions set plausible = true where id = ${ids.a1!}`);
    // A device whose run was published by its id (the device's own flag false) is on public pages
    // too: renaming it bumps (security review N5).
    await h.db.execute(sql`update devices set published = false where id = (select device_id from submissions where id = ${ids.a1!})`);
    const v4 = await readPublicVersion(h.db);
    await h.db.execute(sql`update devices set display_name = 'renamed again' where id = (select device_id from submissions where id = ${ids.a1!})`);
    expect(await readPublicVersion(h.db)).toBe(v4 + 1);
  });
});

describe.each(DB_KINDS)("leaderboard energy scopes on %s", (kind) => {
  it("never mixes scopes in a cell: the best tier's scope, its median, and which it is; a metered-only filter", async () => {
    const h = await openTestDb(kind);
    try {
      const wall = (j: number) => measuredAt("wall", "external:plug", "external", j);
      const unmetered = (s: any) => {
        s.device.model = "No Meter";
        for (const w of s.workloads) Object.assign(w, { energyPerToken: null, decodeEnergyPerToken: null, prefillEnergyPerToken: null, power: [] });
      };
      // Two runs measured at the wall (2.0 and 3.0 J/token) and two at the CPU package (0.5 J/token):
      // the cell's J/token is the wall's median, never a median across wall and package.
      const runs = [sub(wall(2)), sub(wall(3)), sub(), sub(), sub(unmetered)];
      for (const s of runs) await ingestSubmission(h.db, s, null);
      await setPublished(h.db, { allPlausible: true }, true);
      const rows = await leaderboard(h.db, leaderboardQuerySchema.parse({}));
      const metered = rows.find((r) => r.deviceModel === "Test Device")!;
      expect(metered).toMatchObject({ decodeEnergyScope: "wall", decodeEnergyTier: "external", prefillEnergyScope: "wall" });
      expect(Number(metered.decodeJPerToken)).toBe(2.5);
      expect(rows.find((r) => r.deviceModel === "No Meter")).toMatchObject({ decodeJPerToken: null, decodeEnergyScope: null });
      const only = await leaderboard(h.db, leaderboardQuerySchema.parse({ metered: "1" }));
      expect(only.map((r) => r.deviceModel)).toEqual(["Test Device"]);
      expect(await leaderboard(h.db, leaderboardQuerySchema.parse({ energyScope: "package" }))).toEqual([]);
    } finally {
      await h.drop();
    }
  });

  it("stores modelled energy with its range, and keeps it off the board", async () => {
    const h = await openTestDb(kind);
    try {
      const s = sub(modelled);
      await ingestSubmission(h.db, s, null);
      const stored = rowsOf<{ range: number[]; tier: string; reading: number[] }>(
        await h.db.execute(sql`select wr.j_per_token_range as range, wr.energy_tier as tier, r->'rangeJ' as reading
          from workload_results wr join submission_power sp on sp.submission_id = wr.submission_id
          cross join lateral jsonb_array_elements(sp.readings) r
          where wr.submission_id = ${s.submissionId} and r->>'workloadId' = wr.workload_id limit 1`),
      );
      expect(stored[0]!.range).toEqual([0.2, 0.9]);
      expect(stored[0]!.tier).toBe("modelled");
      expect(stored[0]!.reading[1]! / stored[0]!.reading[0]!).toBeCloseTo(4.5, 9);
      await setPublished(h.db, { allPlausible: true }, true);
      const rows = await leaderboard(h.db, leaderboardQuerySchema.parse({}));
      expect(rows.find((r) => r.deviceModel === "Sensorless")).toMatchObject({ decodeJPerToken: null, decodeEnergyTier: null });
      expect(await leaderboard(h.db, leaderboardQuerySchema.parse({ metered: "1" }))).toEqual([]);
    } finally {
      await h.drop();
    }
  });

  it("ranks an energy sort within one scope: the one with the most rows unless one is named; never interleaved, never modelled (review measurement N6)", async () => {
    const h = await openTestDb(kind);
    try {
      const named = (model: string, m: (s: any) => void) => (s: any) => {
        m(s);
        s.device.model = model;
      };
      // Three wall rows (two by an external meter, one by sampled power) and two CPU-package rows whose
      // J/token fall between the wall's: one ranking across scopes would interleave them (1, 1.5, 2, 2.5, 3).
      const runs = [
        sub(named("Wall A", measuredAt("wall", "external:plug", "external", 1))),
        sub(named("Wall B", measuredAt("wall", "external:plug", "external", 3))),
        sub(named("Wall C", measuredAt("wall", "external:stream", "sampled", 2, "sampled"))),
        sub(named("Package A", measuredAt("package", "intel-rapl:0", "counter", 1.5))),
        sub(named("Package B", measuredAt("package", "intel-rapl:0", "counter", 2.5))),
        sub(modelled),
        sub((s: any) => {
          s.device.model = "No Meter";
          for (const w of s.workloads) Object.assign(w, { energyPerToken: null, decodeEnergyPerToken: null, prefillEnergyPerToken: null, power: [] });
        }),
      ];
      for (const s of runs) expect((await ingestSubmission(h.db, s, null)).flags, s.device.model).toEqual([]);
      await setPublished(h.db, { allPlausible: true }, true);
      const q = (p: Record<string, string>) => leaderboardQuerySchema.parse(p);
      const models = async (p: Record<string, string>) => (await leaderboard(h.db, q(p))).map((r) => r.deviceModel);

      // The default: the wall (3 rows against 2), every figure and its ordering.
      const energy = await leaderboardEnergy(h.db, q({ sort: "decode_j_per_token" }));
      expect(energy).toEqual({
        sort: "decode_j_per_token",
        scope: "wall",
        chosen: "default",
        scopes: [
          { scope: "wall", rows: 3, tiers: [{ tier: "external", rows: 2 }, { tier: "sampled", rows: 1 }] },
          { scope: "package", rows: 2, tiers: [{ tier: "counter", rows: 2 }] },
        ],
      });
      expect(await models({ sort: "decode_j_per_token", dir: "asc" })).toEqual(["Wall A", "Wall C", "Wall B"]);
      expect(await models({ sort: "decode_j_per_token" })).toEqual(["Wall B", "Wall C", "Wall A"]);
      expect(await models({ sort: "tokens_per_joule" })).toEqual(["Wall A", "Wall C", "Wall B"]);
      expect(await models({ sort: "prefill_j_per_token", dir: "asc" })).toEqual(["Wall A", "Wall C", "Wall B"]);
      const walls = await leaderboard(h.db, q({ sort: "decode_j_per_token" }));
      expect(walls.map((r) => r.decodeEnergyScope)).toEqual(["wall", "wall", "wall"]);
      expect(await leaderboardTotal(h.db, q({ sort: "decode_j_per_token" }))).toBe(3);

      // A scope named: its rows only, ranked; the ranking says it was asked for.
      expect(await models({ sort: "decode_j_per_token", dir: "asc", energyScope: "package" })).toEqual(["Package A", "Package B"]);
      expect(await models({ sort: "tokens_per_joule", energyScope: "package" })).toEqual(["Package A", "Package B"]);
      expect(await leaderboardTotal(h.db, q({ sort: "decode_j_per_token", energyScope: "package" }))).toBe(2);
      expect(await leaderboardEnergy(h.db, q({ sort: "decode_j_per_token", energyScope: "package" }))).toMatchObject({ scope: "package", chosen: "asked" });
      // A well-formed scope no row has: an empty board, never another scope's rows.
      expect(await models({ sort: "decode_j_per_token", energyScope: "battery" })).toEqual([]);
      // The modelled package figure is never ranked among the measured ones.
      expect(await models({ sort: "decode_j_per_token", energyScope: "package", dir: "desc" })).not.toContain("Sensorless");

      // A sort that is not an energy keeps every row, and energyScope stays a plain filter there.
      expect((await models({ sort: "tg_ts" })).sort()).toEqual(["No Meter", "Package A", "Package B", "Sensorless", "Wall A", "Wall B", "Wall C"]);
      expect((await models({ sort: "tg_ts", energyScope: "package" })).sort()).toEqual(["Package A", "Package B"]);
      expect(await leaderboardEnergy(h.db, q({ sort: "tg_ts" }))).toBeNull();

      // The API says which scope it ranked; a scope that is no scope is refused as any bad parameter is.
      const get = (qs: string) => callApi(new Request(`http://t/api/v1/public/leaderboard${qs}`), h.db);
      const json = await (await get("?sort=decode_j_per_token&dir=asc")).json();
      expect(json.energyRanking).toMatchObject({ scope: "wall", chosen: "default", scopes: [{ scope: "wall" }, { scope: "package" }] });
      expect(json.rows.map((r: any) => r.deviceModel)).toEqual(["Wall A", "Wall C", "Wall B"]);
      expect((await (await get("?sort=tokens_per_joule&energyScope=package")).json()).rows.map((r: any) => r.deviceModel)).toEqual(["Package A", "Package B"]);
      expect((await (await get("")).json()).energyRanking).toBeNull();
      const csv = await get("?sort=decode_j_per_token&format=csv");
      expect(csv.headers.get("x-energy-scope")).toBe("wall");
      expect((await csv.text()).trim().split("\r\n")).toHaveLength(1 + 3);
      for (const bad of ["bogus", "Wall", "package%2B", "gpu%2Bwall"]) {
        const r = await get(`?sort=decode_j_per_token&energyScope=${bad}`);
        expect(r.status, bad).toBe(400);
        expect((await r.json()).error, bad).toMatchObject({ code: "invalid_query", issues: [{ path: "energyScope", message: expect.stringMatching(/^an energy scope/) }] });
      }

      // A tie (two wall rows, two package rows) goes to the widest scope, whatever order the rows come in.
      await setPublished(h.db, { submissionIds: [runs[2]!.submissionId] }, false);
      expect(await leaderboardEnergy(h.db, q({ sort: "decode_j_per_token" }))).toMatchObject({ scope: "wall", scopes: [{ scope: "wall", rows: 2 }, { scope: "package", rows: 2 }] });
      expect(await models({ sort: "decode_j_per_token" })).toEqual(["Wall B", "Wall A"]);
    } finally {
      await h.drop();
    }
  });
});

describe.each(DB_KINDS)("migration 0008 on %s", (kind) => {
  it("labels results stored before scopes existed with the scope, tier and sensors their J/token came from", async () => {
    const battery = sub((s: any) => {
      s.device.model = "Old Laptop";
      for (const w of s.workloads) w.power = [{ method: "sampled", scope: "wall", sensor: "battery:BAT0", durationNs: 4e9, energyJ: 40, avgPowerW: 10 }];
    });
    const parts = sub((s: any) => {
      s.device.model = "Old Desktop";
      for (const w of s.workloads)
        w.power = [
          { method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 4e9, energyJ: 40, avgPowerW: 10 },
          { method: "counter", scope: "dram", sensor: "intel-rapl:0:0", durationNs: 4e9, energyJ: 4, avgPowerW: 1 },
          { method: "sampled", scope: "gpu", sensor: "nvidia-smi:0", durationNs: 4e9, energyJ: 80, avgPowerW: 20 },
        ];
    });
    // The schema as 0007 left it, with rows as the ingest function of then (drizzle/0001) wrote them:
    // no scope, tier or whole-workload J/token; a battery's readings labelled "wall".
    const { h, drop } = await openUnmigrated(kind);
    const dir = migrationsUpTo(7);
    try {
      await applyMigrationsOnly(h, kind, dir);
      await insertOldCatalog(h);
      for (const [i, s] of [battery, parts].entries()) {
        const deviceId = rowsOf<{ id: number }>(
          await h.db.execute(sql`insert into devices (fingerprint, vendor, model, device_class, os_platform, os_release, cpu_model, cpu_cores, cpu_threads, gpus)
            values (${`old-${i}`}, 'Old', ${s.device.model}, 'laptop', 'linux', '6.1', 'Old CPU', 4, 8, '[]') returning id`),
        )[0]!.id;
        const [sub_, wr] = ingestCallArgs(s, { deviceId, modelId: 1, engineId: 1 }, null, [], new Set(), undefined, false, null);
        const readings = s.workloads.flatMap((w) =>
          w.power.map((p) => ({ workload_id: w.workloadId, kind: "workload", method: p.method, scope: p.scope, sensor: p.sensor, duration_ns: p.durationNs, energy_j: p.energyJ, avg_power_w: p.avgPowerW })),
        );
        await h.db.execute(sql`select tokenwatt_ingest(${sub_}::jsonb, ${wr}::jsonb, ${JSON.stringify(readings)}::jsonb, '[]'::jsonb)`);
      }
      const file = fs.readFileSync(path.resolve("drizzle/0008_leaderboard_energy_scopes.sql"), "utf8");
      for (const stmt of file.split("--> statement-breakpoint").slice(0, 3)) await h.db.execute(sql.raw(stmt));
      const rows = rowsOf<{ model: string; scope: string; tier: string; sensors: string[]; j: number }>(
        await h.db.execute(sql`select d.model, wr.energy_scope as scope, wr.energy_tier as tier, wr.energy_sensors as sensors, wr.j_per_token as j
          from workload_results wr join devices d on d.id = wr.device_id where wr.workload_id = 'tg128' order by d.model`),
      );
      expect(rows.map(({ model, scope, tier, sensors }) => ({ model, scope, tier, sensors }))).toEqual([
        { model: "Old Desktop", scope: "package+dram+gpu", tier: "sampled", sensors: ["intel-rapl:0", "intel-rapl:0:0", "nvidia-smi:0"] },
        { model: "Old Laptop", scope: "battery", tier: "battery", sensors: ["battery:BAT0"] },
      ]);
      // Their old J/token (one window over every repetition) is not promoted to the per-repetition column.
      expect(rows.every((r) => r.j == null)).toBe(true);
    } finally {
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DB_KINDS)("CSV exports on %s", (kind) => {
  const h = withTestDb(kind);
  it("neutralise formula cells in every CSV endpoint (results, public leaderboard)", async () => {
    const s = sub((x) => {
      x.device.vendor = "@SUM(1+1)";
      x.device.model = '=HYPERLINK("http://attacker.invalid","click")';
      x.engine.build = "+cmd|' /C calc'!A0";
    });
    await ingestSubmission(h.db, s, null);
    await setPublished(h.db, { allPlausible: true }, true);
    const admin = await createToken(h.db, `csv-admin-${kind}`, "admin");
    const results = await (await callApi(new Request("http://t/api/v1/results?format=csv", { headers: { authorization: `Bearer ${admin}` } }), h.db)).text();
    const board = await (await callApi(new Request("http://t/api/v1/public/leaderboard?format=csv"), h.db)).text();
    for (const csv of [results, board]) {
      expect(csv).toContain(`"'=HYPERLINK(""http://attacker.invalid"",""click"")"`);
      expect(csv).toContain("'@SUM(1+1)");
      // no cell starts with a formula character
      for (const line of csv.trim().split("\r\n")) for (const cell of line.split(",")) expect(cell, line).not.toMatch(/^"?[=+@]/);
    }
    expect(results).toContain("'+cmd|' /C calc'!A0");
  });
});

describe.each(DB_KINDS)("measured J/token vs batch (the TCO model's data-center curve) on %s", (kind) => {
  const h = withTestDb(kind);

  const serverRun = (jAt: Record<number, number>, o: Parameters<typeof makeServerRun>[1] = {}) => {
    const p = parseSubmission(makeServerRun(jAt, o));
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    return p.submission;
  };

  it("one curve per model and device from published, plausible GPU runs, with the runs it comes from", async () => {
    const { measuredBatchCurves } = await import("../../lib/server/read/batch-curve");
    const a = serverRun({ 1: 8, 8: 1.2, 64: 0.2 });
    const b = serverRun({ 1: 10, 8: 1.0, 64: 0.3 });
    const unpublished = serverRun({ 1: 9.5, 8: 1.3 }); // never published
    const cpuLaptop = serverRun({ 1: 0.5, 8: 0.2 }, { backend: "cpu", deviceClass: "laptop" });
    for (const s of [a, b, unpublished, cpuLaptop]) {
      const r = await ingestSubmission(h.db, s, null);
      expect(r.flags).toEqual([]);
    }
    await setPublished(h.db, { submissionIds: [a.submissionId, b.submissionId, cpuLaptop.submissionId] }, true);
    const curves = await measuredBatchCurves(h.db);
    expect(curves).toHaveLength(1);
    expect(curves[0]).toMatchObject({ model: "Llama-3.2-1B", quantization: "Q4_0", device: "Fixture Fixture H200 node", backend: "cuda", energyScope: "gpu", runs: 6 });
    expect(curves[0]!.points.map(([batch]) => batch)).toEqual([1, 8, 64]);
    curves[0]!.points.forEach(([, j], i) => expect(j).toBeCloseTo([9, 1.1, 0.25][i]!, 12)); // medians of two runs
    expect(curves[0]!.submissionIds.sort()).toEqual([a.submissionId, b.submissionId].sort());
  });
});
