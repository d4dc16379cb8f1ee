/** This request's site origin (lib/server/http/site-url.ts), for pages and their metadata. */
import { headers } from "next/headers";
import { siteOrigin } from "../../lib/server/http/site-url";

export async function siteUrl(): Promise<URL> {
  const h = await headers();
  return siteOrigin(h.get("host"), h.get("x-forwarded-proto"));
}
