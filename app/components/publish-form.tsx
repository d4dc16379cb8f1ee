"use client";
import { useActionState } from "react";
import { publishAction, type PublishFormState } from "./owner-actions";

const initial: PublishFormState = { ok: false, message: null };

/**
 * Publish or hide a run or a device from its page: shown only to a caller who may (the owner; on a
 * public server a signed-in admin, or for hiding the contributor the device belongs to). A device
 * whose runs are partly published offers both.
 */
export function PublishForm({ target, id, published, canPublish = true }: { target: "run" | "device"; id: string; published: boolean | "some"; canPublish?: boolean }) {
  const [state, action, pending] = useActionState(publishAction, initial);
  const what = target === "run" ? "this run" : "this device's runs";
  const actions = (published === "some" ? (["1", "0"] as const) : published ? (["0"] as const) : (["1"] as const)).filter((a) => canPublish || a === "0");
  if (actions.length === 0) return null;
  return (
    <form action={action} className="publish-form" aria-label={`Publish or hide ${what}`}>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
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
