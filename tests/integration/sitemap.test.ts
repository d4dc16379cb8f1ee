/** What a public server lists for search engines (lib/server/read/sitemap.ts), on both databases. */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { submissions } from "../../lib/server/db/schema";
import { publicPages } from "../../lib/server/read/sitemap";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { setPublished } from "../../lib/server/store/publish";
import { makeSubmission } from "../../harness/fixtures";
import { DB_KINDS, withTestDb } from "../helpers/db";

describe.each(DB_KINDS)("the sitemap's pages on %s", (kind) => {
  const h = withTestDb(kind);

  it("lists the devices and models of published runs only, newest first, up to the limit", async () => {
    const store = async (deviceModel: string) => {
      const p = parseSubmission(makeSubmission({ workloads: 2, deviceModel }));
      if (!p.ok) throw new Error("fixture does not parse");
      await ingestSubmission(h.db, p.submission, null);
      return (await h.db.select().from(submissions).where(eq(submissions.id, p.submission.submissionId)))[0]!;
    };
    const shown = await store("Shown Laptop");
    const hidden = await store("Private Laptop");
    expect(await publicPages(h.db, 100)).toEqual([]); // nothing published yet
    await setPublished(h.db, { submissionIds: [shown.id] }, true);
    const pages = await publicPages(h.db, 100);
    expect(pages.map((p) => `${p.kind}:${p.id}`).sort()).toEqual([`device:${shown.deviceId}`, `model:${shown.modelId}`]);
    expect(pages.map((p) => p.id)).not.toContain(hidden.deviceId);
    expect(pages.every((p) => p.lastRunAt.getTime() === shown.startedAt.getTime())).toBe(true);
    expect(await publicPages(h.db, 1)).toHaveLength(1);
    expect(await publicPages(h.db, 0)).toEqual([]);
  });
});
