"use client";
import { useActionState } from "react";
import { signInAction, type SignInState } from "./actions";

const initial: SignInState = { message: null };

/** The token goes to the server once, in this form's POST; the browser keeps only the session cookie. */
export function SignInForm() {
  const [state, action, pending] = useActionState(signInAction, initial);
  return (
    <form action={action} className="publish-form" aria-label="Sign in">
      <label>
        Token <input name="token" type="password" autoComplete="off" required size={40} aria-invalid={state.message != null} aria-describedby="signin-message" />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p id="signin-message" role="status" className="field-error" data-testid="signin-message">
        {state.message}
      </p>
    </form>
  );
}
