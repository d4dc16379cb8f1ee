/**
 * A device's name (lib/core/present/device-name.ts): the owner's name, else vendor and model, without
 * a vendor that says nothing; the SQL of lib/server/read/device-name.ts gives the same names.
 */
import { describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { PgDialect } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { deviceName, vendorAndModel } from "../../lib/core/present/device-name";
import { deviceNameSql } from "../../lib/server/read/device-name";

const CASES: [displayName: string | null, vendor: string | null, model: string, expected: string][] = [
  [null, "Apple", "MacBook Pro", "Apple MacBook Pro"],
  [null, "unknown", "Docker Container", "Docker Container"],
  [null, "Unknown", "Docker Container", "Docker Container"],
  [null, "To Be Filled By O.E.M.", "To Be Filled By O.E.M.", "To Be Filled By O.E.M."],
  [null, "", "Pixel 8", "Pixel 8"],
  [null, null, "Pixel 8", "Pixel 8"],
  ["Build box", "unknown", "Docker Container", "Build box"],
  [null, "Unknownia Labs", "Z1", "Unknownia Labs Z1"],
];

describe("device names", () => {
  it("leave out a vendor that says nothing, keep a real one and the owner's name", () => {
    for (const [displayName, vendor, model, expected] of CASES) expect(deviceName({ displayName, vendor, model })).toBe(expected);
    expect(vendorAndModel("Samsung", "Galaxy S24")).toBe("Samsung Galaxy S24");
  });

  it("are the same in SQL", async () => {
    const pg = new PGlite();
    try {
      await pg.exec("create table d (display_name text, vendor text, model text not null)");
      for (const [displayName, vendor, model] of CASES) await pg.query("insert into d values ($1, $2, $3)", [displayName, vendor, model]);
      const q = new PgDialect().sqlToQuery(sql`select ${deviceNameSql("d")} as name from d`);
      const r = await pg.query<{ name: string }>(q.sql, q.params);
      expect(r.rows.map((x) => x.name)).toEqual(CASES.map((c) => c[3]));
    } finally {
      await pg.close();
    }
  });
});
