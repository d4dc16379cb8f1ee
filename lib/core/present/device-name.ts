/**
 * A device's name as every page, export and badge shows it: the name its owner gave, else its
 * vendor and model, leaving out a vendor the runner could not tell (a container or a virtual machine
 * reports "unknown", firmware placeholders such as "To Be Filled By O.E.M."): "Docker Container",
 * not "unknown Docker Container". lib/server/read/device-name.ts is the same rule in SQL.
 */

/** Vendors that say nothing (compared lowercased). */
export const UNKNOWN_VENDORS = ["", "unknown", "to be filled by o.e.m.", "default string", "system manufacturer", "not specified"] as const;

export function vendorAndModel(vendor: string | null | undefined, model: string): string {
  const v = (vendor ?? "").trim();
  return (UNKNOWN_VENDORS as readonly string[]).includes(v.toLowerCase()) ? model : `${v} ${model}`;
}

export function deviceName(d: { displayName?: string | null; vendor: string | null | undefined; model: string }): string {
  return d.displayName ?? vendorAndModel(d.vendor, d.model);
}
