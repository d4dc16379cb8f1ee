/** The search box: a plain GET form to /search, so it works without client JavaScript and every search is a link. */
import { SEARCH_MAX_CHARS } from "../../lib/core/present/search-query";

/** `label`: the landmark's name, distinct where a page has two boxes (the header's and the search page's). */
export function SearchBox({ id, label, value, className }: { id: string; label: string; value?: string; className?: string }) {
  return (
    <form role="search" method="get" action="/search" className={className ?? "search-box"} aria-label={label}>
      <label htmlFor={id} className="visually-hidden">
        Search devices and models
      </label>
      <input id={id} type="search" name="q" defaultValue={value} maxLength={SEARCH_MAX_CHARS} placeholder="Device or model" autoComplete="off" />
      <button type="submit">Search</button>
    </form>
  );
}
