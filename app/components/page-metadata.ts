/**
 * A page's metadata for sharing: its title and description, and the same as OpenGraph and Twitter
 * card tags (the page's `opengraph-image` / `twitter-image` route, where it has one, adds the
 * image; the root layout sets metadataBase, so relative URLs become absolute).
 */
import type { Metadata } from "next";

export const SITE_NAME = "Tokenwatt";

export function pageMetadata(o: { title: string; description: string; path?: string; image?: boolean }): Metadata {
  return {
    title: o.title,
    description: o.description,
    openGraph: { title: o.title, description: o.description, siteName: SITE_NAME, type: "website", ...(o.path ? { url: o.path } : {}) },
    twitter: { card: o.image ? "summary_large_image" : "summary", title: o.title, description: o.description },
  };
}

/** The metadata of a page that does not exist for this caller: it says nothing of what is there. */
export const notFoundMetadata = (what: string): Metadata => ({ title: `${what} not found · ${SITE_NAME}`, robots: { index: false } });
