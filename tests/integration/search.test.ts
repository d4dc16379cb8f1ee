/**
 * Search across devices and models (lib/server/read/search.ts, GET /api/v1/search) on PGlite and
 * PostgreSQL: words matched anywhere in a device's or model's description, case-insensitively, `%`
 * and `_` literal; the public finds published devices and models only, the owner everything.
 */
import { describe, expect, it, beforeAll } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { search } from "../../lib/server/read/search";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { createToken } from "../../lib/server/store/tokens";
import { parseSearchQuery } from "../../lib/core/present/search-query";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";
import { callApi } from "../../harness/api";

describe.each(DB_KINDS)("search on %s", (kind) => {
  const h = withTestDb(kind);
  const terms = (q: string) => {
    const p = parseSearchQuery(q);
    if (!p.ok) throw new Error(p.problem);
    return p.terms;
  };

  beforeAll(async () => {
    const put = async (o: { device: string; cpu: string; gpu?: string; model?: string; quant?: string; publish: boolean }) => {
      const s = makeSubmission({ deviceModel: o.device });
      s.device.cpu.model = o.cpu;
      if (o.gpu) s.device.gpus = [{ vendor: "NVIDIA", model: o.gpu, vramBytes: 8 * 2 ** 30 }];
      if (o.model) s.model.name = o.model;
      if (o.quant) s.model.quantization = o.quant;
      const p = parseSubmission(s);
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      const r = await ingestSubmission(h.db, p.submission, null);
      if (o.publish) await setPublished(h.db, { submissionIds: [r.submissionId] }, true);
    };
    await put({ device: "Framework 13", cpu: "AMD Ryzen 7 7840U", publish: true });
    await put({ device: "Gaming Tower", cpu: "Intel Core i9-13900K", gpu: "GeForce RTX 4090", publish: true });
    await put({ device: "Secret Box", cpu: "AMD Ryzen 9 7950X", publish: false });
    // A model only the owner has measured, with SQL wildcards in its name.
    await put({ device: "Secret Box", cpu: "AMD Ryzen 9 7950X", model: "Odd_Model 100%", quant: "Q8_0", publish: false });
  });

  it("finds devices by name, CPU and GPU, case-insensitively; the public only published ones", async () => {
    const names = async (q: string, a: "owner" | "public") => (await search(h.db, terms(q), a)).devices.map((d) => d.name);
    expect(await names("ryzen", "owner")).toEqual(expect.arrayContaining(["Fixture Framework 13", "Fixture Secret Box"]));
    expect(await names("ryzen", "public")).toEqual(["Fixture Framework 13"]);
    expect(await names("RTX 4090", "public")).toEqual(["Fixture Gaming Tower"]);
    expect(await names("secret", "public")).toEqual([]);
    expect(await names("secret", "owner")).toEqual(["Fixture Secret Box"]);
    // Every word must match: the CPU and the backend together.
    expect(await names("7840u cpu", "public")).toEqual(["Fixture Framework 13"]);
    expect(await names("7840u cuda", "public")).toEqual([]);
    const hit = (await search(h.db, terms("framework"), "public")).devices[0]!;
    expect(hit).toMatchObject({ cpuModel: "AMD Ryzen 7 7840U", backends: "cpu", runs: 1, deviceClass: "laptop" });
  });

  it("ranks a name starting with the word before a match elsewhere", async () => {
    // "fixture" starts every name; "gaming" starts one name and is nowhere else.
    const r = await search(h.db, terms("fixture gaming"), "owner");
    expect(r.devices.map((d) => d.name)).toEqual(["Fixture Gaming Tower"]);
    const amd = await search(h.db, terms("amd"), "owner");
    expect(amd.devices.length).toBe(2);
  });

  it("finds models by name, family and quantization; the public only those on its pages", async () => {
    const models = async (q: string, a: "owner" | "public") => (await search(h.db, terms(q), a)).models.map((m) => `${m.name} ${m.quantization}`);
    expect(await models("llama q4_0", "public")).toEqual(["Llama-3.2-1B Q4_0"]);
    // The name starting with the word first, then a match in the family (the odd model's is "llama" too).
    expect(await models("LLAMA", "owner")).toEqual(["Llama-3.2-1B Q4_0", "Odd_Model 100% Q8_0"]);
    expect(await models("LLAMA", "public")).toEqual(["Llama-3.2-1B Q4_0"]);
    expect(await models("odd", "owner")).toEqual(["Odd_Model 100% Q8_0"]);
    expect(await models("odd", "public")).toEqual([]);
    const llama = (await search(h.db, terms("llama"), "public")).models[0]!;
    expect(llama).toMatchObject({ family: "llama", weights: "synthetic", devices: 2, runs: 2 });
  });

  it("takes % and _ literally, never as LIKE wildcards", async () => {
    const owner = async (q: string) => {
      const r = await search(h.db, terms(q), "owner");
      return [...r.devices.map((d) => d.name), ...r.models.map((m) => m.name)];
    };
    expect(await owner("%")).toEqual(["Odd_Model 100%"]);
    expect(await owner("_")).toEqual(["Llama-3.2-1B", "Odd_Model 100%"]); // Q4_0 and Odd_Model
    expect(await owner("d_m")).toEqual(["Odd_Model 100%"]);
    expect(await owner("o%l")).toEqual([]); // would match "Odd_Model" as a LIKE pattern
    expect(await owner("r_zen")).toEqual([]); // would match "Ryzen" as a LIKE pattern
    expect(await owner("\\")).toEqual([]);
  });

  it("says when there are more than the limit", async () => {
    const r = await search(h.db, terms("fixture"), "owner", 2);
    expect(r.devices.length).toBe(2);
    expect(r.moreDevices).toBe(true);
    expect((await search(h.db, [], "owner")).devices).toEqual([]);
  });

  it("answers GET /api/v1/search for the caller's audience and refuses bad text with 400", async () => {
    const get = (q: string, token?: string) => callApi(new Request(`http://t/api/v1/search?${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), h.db);
    const anon = await (await get("q=ryzen")).json();
    expect(anon.devices.map((d: { name: string }) => d.name)).toEqual(["Fixture Framework 13"]);
    const admin = await createToken(h.db, `search-admin-${kind}`, "admin");
    const all = await (await get("q=ryzen", admin)).json();
    expect(all.devices.length).toBe(2);
    for (const bad of [`q=${"a".repeat(101)}`, "q=a%00b", "q=a%0Ab", "q=%E2%80%AEx", "q=x&limit=0", "q=x&limit=51", "q=x&other=1", "", `q=${"a".repeat(5000)}`]) {
      const r = await get(bad);
      expect(r.status, bad).toBe(400);
      expect((await r.json()).error.code, bad).toBe("invalid_query");
    }
    expect((await get("q=%25")).status).toBe(200);
    expect((await (await get("q=%25")).json()).models).toEqual([]); // the public does not see the owner's model
    expect((await get("q=", admin)).status).toBe(200);
    const bogus = await get("q=x", "tw_not_a_token");
    expect(bogus.status).toBe(401);
  });
});
