/** Device name cases shared by tests/unit/device-name.test.ts and tests/integration/device-name.test.ts. */

/** Owner's name, vendor, model, and the name shown. */
export const DEVICE_NAME_CASES: [displayName: string | null, vendor: string | null, model: string, expected: string][] = [
  [null, "Apple", "MacBook Pro", "Apple MacBook Pro"],
  [null, "unknown", "Docker Container", "Docker Container"],
  [null, "Unknown", "Docker Container", "Docker Container"],
  [null, "To Be Filled By O.E.M.", "To Be Filled By O.E.M.", "To Be Filled By O.E.M."],
  [null, "", "Pixel 8", "Pixel 8"],
  [null, null, "Pixel 8", "Pixel 8"],
  ["Build box", "unknown", "Docker Container", "Build box"],
  [null, "Unknownia Labs", "Z1", "Unknownia Labs Z1"],
];
