/**
 * The wait before the leaderboard's next debounced pass (lib/server/store/derived.ts): nine times
 * the last pass, times how much longer it took than the one before (at most four), counted from
 * the end of the last pass, never under the debounce.
 */
import { describe, expect, it } from "vitest";
import { DERIVE_DEBOUNCE_MS, nextPassDelayMs } from "../../lib/server/store/derived";

describe("the wait before the next leaderboard pass", () => {
  it("passes of the same length: nine times the last, so passes keep to a tenth of the time", () => {
    expect(nextPassDelayMs(100, 100, DERIVE_DEBOUNCE_MS)).toBe(900);
    expect(nextPassDelayMs(100, undefined, DERIVE_DEBOUNCE_MS)).toBe(900);
    // Shorter than the one before: still nine times the last.
    expect(nextPassDelayMs(100, 400, DERIVE_DEBOUNCE_MS)).toBe(900);
  });

  it("a pass longer than the one before (a group growing fast) waits longer, up to four times more", () => {
    expect(nextPassDelayMs(200, 100, DERIVE_DEBOUNCE_MS)).toBe(3600);
    expect(nextPassDelayMs(1000, 100, DERIVE_DEBOUNCE_MS)).toBe(36_000);
    // The duty that gives: a pass twice the last one, after a wait of 18 times the last, is a tenth of the time.
    const last = 200;
    const next = 2 * last;
    expect(next / (nextPassDelayMs(last, 100, 0) + next)).toBeCloseTo(0.1, 1);
  });

  it("never under the debounce, and counted from the end of the last pass", () => {
    expect(nextPassDelayMs(5, 5, DERIVE_DEBOUNCE_MS)).toBe(DERIVE_DEBOUNCE_MS);
    expect(nextPassDelayMs(0, undefined, DERIVE_DEBOUNCE_MS)).toBe(DERIVE_DEBOUNCE_MS);
    expect(nextPassDelayMs(100, 100, DERIVE_DEBOUNCE_MS, 400)).toBe(500);
    // After a quiet while, the next pass waits only the debounce.
    expect(nextPassDelayMs(1000, 500, DERIVE_DEBOUNCE_MS, 60_000)).toBe(DERIVE_DEBOUNCE_MS);
  });
});
