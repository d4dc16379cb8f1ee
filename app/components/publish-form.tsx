"use client";
import { useActionState } from "react";
import { publishAction, type PublishFormState } from "./owner-actions";

const initial: PublishFormState = { ok: false, message: null };

/** Publish or hide a run or a device from its page (the owner, or an admin on a public server). */
export function PublishForm({ target, id, published, needsToken }: { target: "run" | "device"; id: string; published: boolean; needsToken: boolean }) {
  const [state, action, pending] = useActionState(publishAction, initial);
  const label = target === "run" ? (published ? "Hide this run" : "Publish this run") : published ? "Hide this device's runs" : "Publish this device's runs";
  return (
    <form action={action} className="publish-form" aria-label={label}>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="publish" value={published ? "0" : "1"} />
      {needsToken && (
        <label>
          Admin token <input name="adminToken" type="password" autoComplete="off" size={20} />
        </label>
      )}
      <button type="submit" disabled={pending}>
        {pending ? "Working…" : label}
      </button>
      {state.message && (
        <span role="status" className={state.ok ? "hint" : "field-error"} data-testid="publish-message">
          {state.message}
        </span>
      )}
    </form>
  );
}
