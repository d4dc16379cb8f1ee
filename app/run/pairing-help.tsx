/**
 * /run on a public server without a pairing code: who gives codes, a field to type one, and the
 * ways to contribute without one (docs/browser.md, "Pairing a phone").
 */
import Link from "next/link";

export function PairingHelp({ origin, invalid }: { origin: string; invalid: string | null }) {
  return (
    <section className="panel" aria-labelledby="pairing-help-h" data-testid="pairing-help">
      <h2 id="pairing-help-h">This server needs a pairing code</h2>
      <p>
        A browser uploads its results to this public server with a single-use <strong>pairing code</strong> (8 letters and digits, like{" "}
        <code>ABCD-EF23</code>; it works once, for 10 minutes). Its admin gives codes: ask them for a <code>/run?pair=…</code> link or QR code (an
        admin creates one with <code>POST /api/v1/pairing-codes</code> and an admin token). On your own Tokenwatt (<code>npm start</code>), the
        Run page&apos;s &quot;Show a pairing code&quot; gives one.
      </p>
      <form method="get" action="/run" className="publish-form" aria-label="Use a pairing code">
        <label>
          Pairing code <input name="pair" required minLength={8} maxLength={12} autoComplete="off" autoCapitalize="characters" spellCheck={false} placeholder="ABCD-EF23" aria-invalid={invalid != null} aria-describedby={invalid != null ? "pair-error" : undefined} />
        </label>
        <button type="submit">Start</button>
        {invalid != null && (
          <span id="pair-error" className="field-error" role="alert">
            &quot;{invalid}&quot; is not a pairing code: 8 letters and digits, like ABCD-EF23.
          </span>
        )}
      </form>
      <p>Without a code, with a token from the admin (a runner token), from a terminal:</p>
      <ul>
        <li>
          this browser engine on your machine: <code>npx tokenwatt bench-browser --server {origin} --token tw_…</code>
        </li>
        <li>
          native llama.cpp: <code>npx tokenwatt bench --server {origin} --token tw_…</code>
        </li>
      </ul>
      <p className="hint">
        How browser runs are measured: <Link href="/docs/browser">Measuring in a browser</Link>. A contributor&apos;s results are reviewed before they are published on
        the <Link href="/leaderboard">leaderboard</Link>.
      </p>
    </section>
  );
}
