import Link from "next/link";

// This app's 404 page (an unknown path, or a device, model or run that is not there): Next's own has
// an inline <style> element, which the pages' Content-Security-Policy refuses (style-src-elem 'self').
export default function NotFound() {
  return (
    <div className="empty">
      <h1>Not found</h1>
      <p>
        Nothing is here: the address may be mistyped, or the device, model or run is not (or no longer) shown. <Link href="/">Back to the results</Link>.
      </p>
    </div>
  );
}
