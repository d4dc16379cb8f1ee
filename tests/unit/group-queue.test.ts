/**
 * The group-commit queue (lib/server/db/group-queue.ts) behind ingest and the shared rate limit's
 * token checks: a call at a time goes alone; calls arriving while the ones in flight are busy go
 * together; no more batches than allowed are in flight; a send that throws rejects its batch's
 * unanswered items and the queue goes on.
 */
import { describe, expect, it } from "vitest";
import { GroupQueue } from "../../lib/server/db/group-queue";

type Item = { id: number; resolve: (v: string) => void; reject: (e: unknown) => void };

function harness(maxInFlight: number, send?: (batch: Item[]) => Promise<void>) {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const q = new GroupQueue<Item>({
    maxInFlight,
    take: (w) => w.splice(0, 3),
    send:
      send ??
      (async (batch) => {
        batches.push(batch.map((b) => b.id));
        most = Math.max(most, ++inFlight);
        await new Promise<void>((r) => release.push(r));
        inFlight--;
        for (const b of batch) b.resolve(`done ${b.id}`);
      }),
  });
  const push = (id: number) => new Promise<string>((resolve, reject) => q.push({ id, resolve, reject }));
  const flush = async () => {
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { push, flush, batches, most: () => most };
}

describe("the group-commit queue", () => {
  it("one call at a time goes alone; calls arriving meanwhile go together, at most maxInFlight batches at once", async () => {
    const h = harness(1);
    const first = h.push(1);
    const rest = [2, 3, 4, 5].map((i) => h.push(i));
    expect(h.batches).toEqual([[1]]);
    await h.flush();
    expect(await first).toBe("done 1");
    expect(await Promise.all(rest)).toEqual(["done 2", "done 3", "done 4", "done 5"]);
    // Taken three at a time (the take function), one batch in flight at a time.
    expect(h.batches).toEqual([[1], [2, 3, 4], [5]]);
    expect(h.most()).toBe(1);

    const two = harness(2);
    const all = [1, 2, 3, 4, 5, 6].map((i) => two.push(i));
    // Two slots: the first two go alone at once; the rest wait for a slot and go together.
    expect(two.batches).toEqual([[1], [2]]);
    await two.flush();
    await Promise.all(all);
    expect(two.batches).toEqual([[1], [2], [3, 4, 5], [6]]);
    expect(two.most()).toBe(2);
  });

  it("a send that throws rejects the items it left unanswered, keeps the answers it gave, and the queue goes on", async () => {
    let calls = 0;
    const h = harness(1, async (batch) => {
      calls++;
      if (calls === 2) {
        batch[0]!.resolve("answered before the throw");
        throw new Error("connection lost");
      }
      for (const b of batch) b.resolve(`done ${b.id}`);
    });
    const first = h.push(1);
    const failing = [2, 3, 4].map((i) => h.push(i));
    const after = h.push(5);
    expect(await first).toBe("done 1");
    const settled = await Promise.allSettled(failing);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual(["answered before the throw", "connection lost", "connection lost"]);
    expect(await after).toBe("done 5");
  });
});
