"use client";
/** The device's embeddable badge and the snippets that embed it (Markdown, HTML), each with a copy button. */
import { useState } from "react";

export function BadgeSnippet({ badgeUrl, pageUrl, name }: { badgeUrl: string; pageUrl: string; name: string }) {
  const alt = `Tokenwatt tg128 of ${name}`.replace(/[[\]"<>&]/g, "");
  const snippets = [
    { label: "Markdown", text: `[![${alt}](${badgeUrl})](${pageUrl})` },
    { label: "HTML", text: `<a href="${pageUrl}"><img src="${badgeUrl}" alt="${alt}"></a>` },
  ];
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (label: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(label);
    } catch {
      setCopied(null);
    }
  };
  return (
    <section className="panel" aria-labelledby="badge-h" data-testid="badge-snippet">
      <h2 id="badge-h">Badge</h2>
      <p>
        <img src={badgeUrl} alt={alt} className="badge-image" /> <span className="hint">this device&apos;s fastest published tg128; updates as results are published</span>
      </p>
      {snippets.map((s) => (
        <div key={s.label} className="publish-form snippet">
          <label htmlFor={`badge-${s.label}`}>{s.label}</label>
          <input id={`badge-${s.label}`} readOnly value={s.text} onFocus={(e) => e.currentTarget.select()} size={60} />
          <button type="button" onClick={() => copy(s.label, s.text)}>
            Copy
          </button>
          {copied === s.label && (
            <span role="status" className="hint">
              copied
            </span>
          )}
        </div>
      ))}
    </section>
  );
}
