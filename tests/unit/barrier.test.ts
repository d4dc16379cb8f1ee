import { describe, expect, it } from "vitest";
import { stepBarrier } from "../../runners/native/engine/node-llama-cpp";

describe("step barrier (batched decoding)", () => {
  it("releases a round only when every party has arrived, and never waits for one that left", async () => {
    const b = stepBarrier(3);
    const order: string[] = [];
    const p1 = b.arrive().then(() => order.push("a"));
    const p2 = b.arrive().then(() => order.push("b"));
    await Promise.resolve();
    expect(order).toEqual([]); // 2 of 3
    const p3 = b.arrive().then(() => order.push("c"));
    await Promise.all([p1, p2, p3]);
    expect(order.sort()).toEqual(["a", "b", "c"]);
    // next round: one party leaves, the other two go on
    const q1 = b.arrive();
    const q2 = b.arrive();
    let done = false;
    void Promise.all([q1, q2]).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    b.leave();
    const outcome = await Promise.race([Promise.all([q1, q2]).then(() => "released"), new Promise((r) => setTimeout(() => r("stuck"), 200))]);
    expect(outcome).toBe("released");
  });
});
