/**
 * /sitemap.xml on a public server: the board's own pages, then the devices and models anonymous
 * visitors can open (lib/server/read/sitemap.ts), each with its newest published run's date. An
 * owner's server lists nothing (robots.txt tells crawlers to stay out).
 */
import type { MetadataRoute } from "next";
import { isPublic } from "../lib/server/access/mode";
import { publicReadDb } from "../lib/server/context";
import { publicPages, SITEMAP_MAX_URLS } from "../lib/server/read/sitemap";
import { siteUrl } from "./components/site-url";

export const dynamic = "force-dynamic";

const BOARD_PAGES = ["/", "/leaderboard", "/leaderboard/browser", "/compare", "/tco"] as const;

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  if (!isPublic()) return [];
  const origin = await siteUrl();
  const at = (p: string) => new URL(p, origin).toString();
  const pages = await publicPages(await publicReadDb(), SITEMAP_MAX_URLS - BOARD_PAGES.length);
  return [
    ...BOARD_PAGES.map((p) => ({ url: at(p) })),
    ...pages.map((p) => ({ url: at(`/${p.kind === "device" ? "devices" : "models"}/${p.id}`), lastModified: p.lastRunAt })),
  ];
}
