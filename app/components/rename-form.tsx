"use client";
import { useActionState } from "react";
import { renameDeviceAction, type PublishFormState } from "./owner-actions";

const initial: PublishFormState = { ok: false, message: null };

/** Rename a device on its page (shown to the owner, a signed-in admin or the device's contributor); empty: vendor and model. */
export function RenameForm({ id, name }: { id: number; name: string | null }) {
  const [state, action, pending] = useActionState(renameDeviceAction, initial);
  return (
    <form action={action} className="publish-form" aria-label="Rename this device">
      <input type="hidden" name="id" value={id} />
      <label>
        Name <input name="name" defaultValue={name ?? ""} size={28} placeholder="e.g. Ana's Pixel 8" />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Rename"}
      </button>
      {state.message && (
        <span role="status" className={state.ok ? "hint" : "field-error"} data-testid="rename-message">
          {state.message}
        </span>
      )}
    </form>
  );
}
