/**
 * The device name rule of lib/core/present/device-name.ts in SQL, for the queries that name devices
 * (boards, search, compare, review, the home chart): one definition instead of one per query.
 */
import { sql, type SQL } from "drizzle-orm";
import { UNKNOWN_VENDORS } from "../../core/present/device-name";

const unknown = UNKNOWN_VENDORS.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");

/** Vendor and model of the devices row `alias`, without a vendor that says nothing. */
export const vendorAndModelSql = (alias: string): SQL =>
  sql.raw(`(CASE WHEN lower(btrim(coalesce(${alias}.vendor, ''))) IN (${unknown}) THEN ${alias}.model ELSE ${alias}.vendor || ' ' || ${alias}.model END)`);

/** The name the owner gave the devices row `alias`, else its vendor and model. */
export const deviceNameSql = (alias: string): SQL => sql`coalesce(${sql.raw(`${alias}.display_name`)}, ${vendorAndModelSql(alias)})`;
