"use client";
import { useActionState } from "react";
import { publishAction, type PublishFormState } from "./owner-actions";

const initial: PublishFormState = { ok: false, message: null };

/**
 * Publish or hide a run or a device from its page (the owner, or an admin on a public server). A
 * device whose runs are partly published offers both.
 */
export function PublishForm({ target, id, published, needsToken }: { target: "run" | "device"; id: string; published: boolean | "some"; needsToken: boolean }) {
  const [state, action, pending] = useActionState(publishAction, initial);
  const what = target === "run" ? "this run" : "this device's runs";
  const actions = published === "some" ? (["1", "0"] as const) : published ? (["0"] as const) : (["1"] as const);
  return (
    <form action={action} className="publish-form" aria-label={`Publish or hide ${what}`}>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
      {needsToken && (
        <label>
          Admin token <input name="adminToken" type="password" autoComplete="off" size={20} />
        </label>
      )}
      {actions.map((a) => (
        <button key={a} type="submit" name="publish" value={a} disabled={pending}>
          {pending ? "Working…" : `${a === "1" ? "Publish" : "Hide"} ${what}`}
        </button>
      ))}
      {state.message && (
        <span role="status" className={state.ok ? "hint" : "field-error"} data-testid="publish-message">
          {state.message}
        </span>
      )}
    </form>
  );
}
