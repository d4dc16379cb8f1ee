import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { isPublic } from "../lib/server/access/mode";
import { SessionLinks } from "./components/session-links";
import { pageMetadata } from "./components/page-metadata";
import { siteUrl } from "./components/site-url";
import { SearchBox } from "./components/search-box";

// Every page, the 404 page included, renders per request: its scripts carry the nonce of that
// request's Content-Security-Policy (lib/server/http/csp.ts); a prerendered page would carry none.
export const dynamic = "force-dynamic";

const DESCRIPTION = "Small language models measured on real devices, and what offloading GenAI from the data center saves.";

/** The defaults every page refines (page-metadata.ts); metadataBase makes preview URLs absolute (site-url.ts). */
export async function generateMetadata(): Promise<Metadata> {
  return { metadataBase: await siteUrl(), ...pageMetadata({ title: "Tokenwatt: language models measured on real devices", description: DESCRIPTION }) };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Tokenwatt
          </Link>
          <nav aria-label="Main">
            <Link href="/">Results</Link>
            <Link href="/leaderboard">Leaderboard</Link>
            <Link href="/leaderboard/browser">Browser engines</Link>
            {/* A document load, not client navigation: /tco and /run have their own CSP (workers,
                WebAssembly) and /run its cross-origin isolation, which only a load applies. */}
            <a href="/tco">Offload what-if</a>
            <a href="/run">Benchmark this browser</a>
            {!isPublic() && <Link href="/agents">Agents</Link>}
            <Link href="/docs/methodology">Methodology</Link>
            <SessionLinks />
          </nav>
          <SearchBox id="site-search-q" label="Site search" />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
