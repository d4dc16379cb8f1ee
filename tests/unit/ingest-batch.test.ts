/**
 * Group commit (lib/server/store/ingest-batch.ts) with fake database calls: one client at a time
 * sends single calls; arrivals while the calls in flight are busy leave together, sorted, with each
 * caller given its own answer; a batch that fails is sent again one submission at a time, so only
 * the submission that fails alone gets an error.
 */
import { describe, expect, it } from "vitest";
import { IngestBatcher, type IngestArgs, type IngestCallResult, type IngestCalls } from "../../lib/server/store/ingest-batch";

const args = (id: string): IngestArgs => [JSON.stringify({ id }), "[]", "[]", "[]", 0];
const idOf = (a: IngestArgs) => (JSON.parse(a[0]) as { id: string }).id;

/** Calls that answer when told to (`release`), recording what was sent. */
function fakeCalls(o: { manyFails?: boolean; oneFails?: string; manyAnswers?: (b: IngestArgs[]) => IngestCallResult[] } = {}) {
  const sent: { kind: "one" | "many"; ids: string[] }[] = [];
  const waiting: (() => void)[] = [];
  const later = <T>(f: () => T) => new Promise<T>((resolve, reject) => waiting.push(() => {
    try {
      resolve(f());
    } catch (e) {
      reject(e);
    }
  }));
  const calls: IngestCalls = {
    one: (a) => {
      sent.push({ kind: "one", ids: [idOf(a)] });
      return later(() => {
        if (idOf(a) === o.oneFails) throw new Error(`no partition of relation "workload_results" found for row`);
        return { created: true, outputStatus: idOf(a) as never };
      });
    },
    many: (b) => {
      sent.push({ kind: "many", ids: b.map(idOf) });
      return later(() => {
        if (o.manyFails) throw new Error("deadlock detected");
        return o.manyAnswers ? o.manyAnswers(b) : b.map((a) => ({ created: true, outputStatus: idOf(a) as never }));
      });
    },
  };
  /** Answers every call waiting now, then lets the batcher send what queued meanwhile. */
  const release = async () => {
    const now = waiting.splice(0);
    now.forEach((f) => f());
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { calls, sent, release, waiting };
}

describe("IngestBatcher", () => {
  it("one submission at a time: a single call each, nothing waits for company", async () => {
    const f = fakeCalls();
    const b = new IngestBatcher(f.calls, 2, 32);
    for (const id of ["a", "b", "c"]) {
      const p = b.submit(args(id), id);
      await f.release();
      expect((await p).outputStatus).toBe(id);
    }
    expect(f.sent).toEqual([{ kind: "one", ids: ["a"] }, { kind: "one", ids: ["b"] }, { kind: "one", ids: ["c"] }]);
    expect(b.stats).toMatchObject({ calls: 3, submissions: 3, largest: 1, fallbacks: 0 });
  });

  it("arrivals while the calls in flight are busy go together, sorted, each caller with its own answer", async () => {
    const f = fakeCalls();
    const b = new IngestBatcher(f.calls, 2, 32);
    const ids = ["k", "j", "i", "h", "g", "f", "e", "d", "c", "b"];
    const answers = ids.map((id) => b.submit(args(id), id));
    // Two in flight at once (singles), the other eight wait.
    expect(f.sent).toEqual([{ kind: "one", ids: ["k"] }, { kind: "one", ids: ["j"] }]);
    await f.release();
    // Both slots freed: the eight leave as one call, in key order.
    expect(f.sent[2]).toEqual({ kind: "many", ids: ["b", "c", "d", "e", "f", "g", "h", "i"] });
    await f.release();
    expect((await Promise.all(answers)).map((r) => r.outputStatus)).toEqual(ids);
    expect(b.stats).toMatchObject({ calls: 3, submissions: 10, largest: 8, fallbacks: 0 });
  });

  it("never sends more than the batch limit in one call", async () => {
    const f = fakeCalls();
    const b = new IngestBatcher(f.calls, 1, 4);
    const answers = Array.from({ length: 10 }, (_, i) => b.submit(args(`s${i}`), `s${i}`));
    for (let i = 0; i < 5; i++) await f.release();
    await Promise.all(answers);
    expect(f.sent.map((s) => s.ids.length)).toEqual([1, 4, 4, 1]);
  });

  it("a batch that rolls back is sent again one by one: only the submission that fails alone gets the error", async () => {
    const f = fakeCalls({ manyFails: true, oneFails: "c" });
    const b = new IngestBatcher(f.calls, 1, 32);
    const first = b.submit(args("a"), "a");
    const rest = ["d", "c", "b"].map((id) => b.submit(args(id), id).then((r) => r.outputStatus, (e: Error) => `error: ${e.message}`));
    await f.release(); // "a" alone
    await f.release(); // the batch of three fails
    await f.release(); // each alone
    expect((await first).outputStatus).toBe("a");
    expect(await Promise.all(rest)).toEqual(["d", `error: no partition of relation "workload_results" found for row`, "b"]);
    expect(f.sent.slice(1)).toEqual([
      { kind: "many", ids: ["b", "c", "d"] },
      { kind: "one", ids: ["b"] },
      { kind: "one", ids: ["c"] },
      { kind: "one", ids: ["d"] },
    ]);
    expect(b.stats.fallbacks).toBe(1);
  });

  it("a batch answered with the wrong number of results is sent again one by one", async () => {
    const f = fakeCalls({ manyAnswers: (x) => x.slice(1).map(() => ({ created: true })) });
    const b = new IngestBatcher(f.calls, 1, 32);
    const all = ["a", "b", "c"].map((id) => b.submit(args(id), id));
    for (let i = 0; i < 3; i++) await f.release();
    expect((await Promise.all(all)).map((r) => r.outputStatus)).toEqual(["a", "b", "c"]);
    expect(b.stats.fallbacks).toBe(1);
  });
});
