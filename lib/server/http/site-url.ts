/**
 * The origin visitors reach this server at, for absolute URLs in what leaves the site (OpenGraph
 * and Twitter previews, badge snippets): TOKENWATT_PUBLIC_URL where set, else the request's Host
 * (the Host allow-list has already refused foreign names) with https only where a proxy said so.
 */
import { serverEnv } from "../env";
import { hostName } from "./owner-access";

export function siteOrigin(host: string | null | undefined, forwardedProto: string | null | undefined, configured = serverEnv().TOKENWATT_PUBLIC_URL): URL {
  if (configured) return new URL(configured);
  const h = host?.trim().toLowerCase();
  if (h && hostName(h)) return new URL(`${forwardedProto === "https" ? "https" : "http"}://${h}`);
  return new URL(`http://localhost:${serverEnv().PORT}`);
}
