/** Chart labels on two lines (lib/core/present/format.ts twoLines): split at spaces, a long rest cut with an ellipsis. */
import { describe, expect, it } from "vitest";
import { twoLines } from "../../lib/core/present/format";

describe("twoLines", () => {
  it("keeps a short label on one line", () => {
    expect(twoLines("Pixel 8 · cpu")).toEqual(["Pixel 8 · cpu"]);
  });
  it("splits a long label at a space, the device on the first line and the rest below", () => {
    expect(twoLines("Apple MacBook Pro M3 · metal · node-llama-cpp")).toEqual(["Apple MacBook Pro M3 ·", "metal · node-llama-cpp"]);
  });
  it("cuts what does not fit on two lines, and a first word longer than a line", () => {
    expect(twoLines("Docker Container · cpu · node-llama-cpp 3.21.1 b1234")).toEqual(["Docker Container · cpu", "· node-llama-cpp 3.21…"]);
    expect(twoLines("Supercalifragilisticexpialidocious-device")).toEqual(["Supercalifragilistice…"]);
  });
});
