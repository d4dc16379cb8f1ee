/**
 * The project's topic pages in the app (issue 31 item 6): methodology, plausibility, the API, and the
 * rest of docs/, rendered from the same Markdown files a reader of the repository reads (marked,
 * GitHub-flavoured), so the page and the file cannot say different things. Only the files listed
 * here are served; links between them stay inside the app.
 */
import fs from "node:fs";
import path from "node:path";
import Link from "next/link";
import { notFound } from "next/navigation";
import { marked } from "marked";
import { notFoundMetadata, pageMetadata } from "../../components/page-metadata";

export const dynamic = "force-dynamic";

/** The pages, by slug: their file under docs/ and a one-line title for the index. */
export const DOC_PAGES: Record<string, string> = {
  methodology: "What a figure means: one statistic per figure, TTFT, the timeline",
  plausibility: "What keeps a run off the rankings: physics, the model catalog, busy machines, energy, the output check",
  api: "The API: every route, who may call it (the OpenAPI document at /api/v1/openapi.json)",
  measuring: "Measuring a device: workloads, energy meters, scopes and tiers",
  browser: "Measuring in a browser: engines, pairing a phone, web-llm artifacts",
  publishing: "Publishing, contributors and the review queue",
  tco: "The offload what-if: identities, feasibility, money, uncertainty",
  security: "Security: the three deployments and what protects them",
};

const DOCS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "docs");

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  if (!Object.hasOwn(DOC_PAGES, slug)) return notFoundMetadata("Page");
  return pageMetadata({ title: `${slug[0]!.toUpperCase() + slug.slice(1)} · Tokenwatt`, description: DOC_PAGES[slug]!, path: `/docs/${slug}` });
}

export default async function DocPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  if (!Object.hasOwn(DOC_PAGES, slug)) notFound();
  let text: string;
  try {
    text = fs.readFileSync(path.join(DOCS_DIR, `${slug}.md`), "utf8");
  } catch {
    notFound();
  }
  // Links to another topic page stay in the app; anchors in headings come from their text.
  const html = (await marked.parse(text, { gfm: true }))
    .replace(/href="(?:\.\/)?([a-z-]+)\.md(#[^"]*)?"/g, (m, name: string, hash: string | undefined) => (Object.hasOwn(DOC_PAGES, name) ? `href="/docs/${name}${hash ?? ""}"` : m))
    .replace(/<h([23])>([^<]+)<\/h\1>/g, (_, n: string, title: string) => `<h${n} id="${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}">${title}</h${n}>`);
  return (
    <>
      <nav className="hint" aria-label="Topic pages">
        {Object.keys(DOC_PAGES).map((s, i) => (
          <span key={s}>
            {i > 0 && " · "}
            {s === slug ? <strong>{s}</strong> : <Link href={`/docs/${s}`}>{s}</Link>}
          </span>
        ))}
      </nav>
      <article className="doc" data-testid="doc" dangerouslySetInnerHTML={{ __html: html }} />
    </>
  );
}
