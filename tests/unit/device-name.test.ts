/**
 * A device's name (lib/core/present/device-name.ts): the owner's name, else vendor and model, without
 * a vendor that says nothing. tests/integration/device-name.test.ts checks the SQL twin gives the same.
 */
import { describe, expect, it } from "vitest";
import { deviceName, vendorAndModel } from "../../lib/core/present/device-name";
import { DEVICE_NAME_CASES } from "../helpers/device-names";


describe("device names", () => {
  it("leave out a vendor that says nothing, keep a real one and the owner's name", () => {
    for (const [displayName, vendor, model, expected] of DEVICE_NAME_CASES) expect(deviceName({ displayName, vendor, model })).toBe(expected);
    expect(vendorAndModel("Samsung", "Galaxy S24")).toBe("Samsung Galaxy S24");
  });
});
