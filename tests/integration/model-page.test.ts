/**
 * A model's page reads (lib/server/read/model-page.ts), on PGlite and PostgreSQL: every device
 * measured with the model, fastest generation first, for the public only the published ones.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../lib/server/db/client";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { getModel, modelDevices } from "../../lib/server/read/model-page";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { DB_KINDS, withTestDb } from "../helpers/db";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";
import { callApi } from "../../harness/api";
import { createToken } from "../../lib/server/store/tokens";

describe.each(DB_KINDS)("a model's page on %s", (kind) => {
  const h = withTestDb(kind);

  it("lists every device measured with the model, fastest first; the public sees the published ones only", async () => {
    const ids: string[] = [];
    for (const [device, k] of [["Slow Box", 1], ["Fast Box", 1.1]] as const) {
      const s = makeSubmission({ deviceModel: device });
      for (const w of s.workloads) scaleSpeed(w, k);
      const p = parseSubmission(s);
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      const r = await ingestSubmission(h.db, p.submission, null);
      expect(r.plausible).toBe(true);
      ids.push(r.submissionId);
    }
    await setPublished(h.db, { submissionIds: [ids[0]!] }, true);
    const { id } = rowsOf<{ id: number }>(await h.db.execute(sql`select model_id as id from submissions where id = ${ids[0]!}`))[0]!;
    const model = await getModel(h.db, Number(id));
    expect(model).toMatchObject({ name: expect.any(String), quantization: expect.any(String) });
    const owner = await modelDevices(h.db, Number(id), "owner");
    expect(owner.map((r) => r.device.replace(/^\S+ /, ""))).toEqual(["Fast Box", "Slow Box"]);
    expect(owner[0]!.tgTs).toBeGreaterThan(owner[1]!.tgTs!);
    expect(owner[0]!.tgReps).toBeGreaterThan(0);
    const pub = await modelDevices(h.db, Number(id), "public");
    expect(pub.map((r) => r.device.replace(/^\S+ /, ""))).toEqual(["Slow Box"]);
    expect(await getModel(h.db, 2 ** 31 - 1)).toBeNull();

    // A run's downloads: its results alone, for whoever may see the run.
    const results = async (id: string, token?: string) =>
      callApi(new Request(`http://t/api/v1/results?submission=${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), h.db);
    const published = await (await results(ids[0]!)).json();
    expect(published.results.length).toBe(5);
    expect(published.results.every((r: { submissionId: string }) => r.submissionId === ids[0])).toBe(true);
    expect((await (await results(ids[1]!)).json()).results).toEqual([]); // private: not for the public
    const admin = await createToken(h.db, `downloads-admin-${kind}`, "admin");
    expect((await (await results(ids[1]!, admin)).json()).results.length).toBe(5);
    expect((await results("not-a-run")).status).toBe(400);
    const csv = await (await callApi(new Request(`http://t/api/v1/results?submission=${ids[0]}&format=csv`), h.db)).text();
    expect(csv.trim().split("\r\n")).toHaveLength(6);
  });
});
