/**
 * Imported llama-bench results in the database (PGlite and PostgreSQL): a public ROCm table stored
 * as its machine's, with its source URL, the printed deviation of each summary row, its own backend
 * (not cpu), and apart from the same machine's other backends.
 */
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { devices, submissions, workloadResults } from "../../lib/server/db/schema";
import { llamaBenchToSubmissions, readLlamaBench } from "../../runners/import/llama-bench";
import { importedDevice } from "../../runners/import/imported-device";
import { DB_KINDS, withTestDb } from "../helpers/db";

const dir = "tests/fixtures/llama-bench/public";
function imported(name: string, deviceName: string) {
  const { url } = JSON.parse(fs.readFileSync(`${dir}/${name}.json`, "utf8")) as { url: string };
  const { format, rows } = readLlamaBench(fs.readFileSync(`${dir}/${name}.md`, "utf8"));
  return llamaBenchToSubmissions(rows, {
    device: (m) => importedDevice(m, { deviceName, gpus: ["AMD Radeon RX 6800 XT"] }),
    source: { tool: "llama-bench", url, machine: "other", note: null },
    format,
    importedAt: "2026-12-05T08:00:00.000Z",
  }).map((s) => {
    const p = parseSubmission(JSON.parse(JSON.stringify(s)));
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    return p.submission;
  });
}

describe.each(DB_KINDS)("imported llama-bench tables on %s", (kind) => {
  const h = withTestDb(kind);

  it("stores the source, the backend and the printed deviation; one machine, one device, its backends apart", async () => {
    const subs = imported("mixed-amd-radeon-rx-6800-xt-opencl-vulkan-rocm", "0cc4m's RX 6800 XT machine");
    for (const s of subs) expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    // The same table again is the same submissions.
    expect((await ingestSubmission(h.db, subs[0]!, null)).status).toBe("duplicate");

    const rows = await h.db.select().from(submissions);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.deviceId)).size).toBe(1);
    expect(rows.map((r) => r.backend).sort()).toEqual(["opencl", "opencl", "rocm", "rocm", "vulkan", "vulkan"]);
    for (const r of rows) {
      expect(r.runnerName).toBe("llama-bench-import");
      expect(r.source).toEqual({ tool: "llama-bench", format: "markdown", url: "https://github.com/ggml-org/llama.cpp/pull/2059", machine: "other", timeKnown: false, note: null });
    }
    const [dev] = await h.db.select().from(devices).where(eq(devices.id, rows[0]!.deviceId));
    expect(dev).toMatchObject({ displayName: "0cc4m's RX 6800 XT machine", model: "0cc4m's RX 6800 XT machine", cpuModel: "unknown", osPlatform: "unknown" });

    const rocm99 = rows.find((r) => r.backend === "rocm" && (r.options as { gpuLayers: number }).gpuLayers === 99)!;
    const [wr] = await h.db.select().from(workloadResults).where(eq(workloadResults.submissionId, rocm99.id));
    expect(wr).toMatchObject({ workloadId: "pp512", backend: "rocm" });
    expect(wr!.stddevTokensPerSec!).toBeCloseTo(3.1, 5);
    expect(wr!.avgTokensPerSec!).toBeCloseTo(684.11, 2);
    expect(wr!.samplesNs).toHaveLength(1);
  });
});
