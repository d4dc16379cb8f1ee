import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { isPublic } from "../lib/server/access/mode";
import { SearchBox } from "./components/search-box";

export const metadata: Metadata = {
  title: "Tokenwatt",
  description: "Small language models measured on real devices, and what offloading GenAI from the data center saves.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
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
            <Link href="/tco">Offload what-if</Link>
            <Link href="/run">Benchmark this browser</Link>
            {!isPublic() && <Link href="/agents">Agents</Link>}
            <Link href="/docs/methodology">Methodology</Link>
            <a href="/api/health">Health</a>
          </nav>
          <SearchBox id="site-search-q" label="Site search" />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
