/**
 * /robots.txt. A public server's leaderboard is for everyone: crawlers may read its pages (not the
 * API, the sign-in, the review queue or a contributor's own runs) and are given its sitemap. An
 * owner's server is private: nothing is to be crawled (its pages need the owner's login anyway).
 */
import type { MetadataRoute } from "next";
import { isPublic } from "../lib/server/access/mode";
import { siteUrl } from "./components/site-url";

export const dynamic = "force-dynamic";

export default async function robots(): Promise<MetadataRoute.Robots> {
  if (!isPublic()) return { rules: { userAgent: "*", disallow: "/" } };
  const origin = await siteUrl();
  return {
    rules: { userAgent: "*", allow: "/", disallow: ["/api/", "/signin", "/review", "/my-runs", "/agents", "/run"] },
    sitemap: new URL("/sitemap.xml", origin).toString(),
  };
}
