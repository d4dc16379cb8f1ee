import { isPublic } from "../../lib/server/access/mode";
import { describeCaller } from "../../lib/server/access/caller";
import { serverDeps } from "../../lib/server/context";
import { pageCaller } from "../components/action-caller";
import { signOutAction } from "./actions";
import { SignInForm } from "./signin-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Tokenwatt" };

export default async function SignInPage() {
  if (!isPublic()) {
    return (
      <>
        <h1>Sign in</h1>
        <p>
          This is the owner&apos;s dashboard: the owner signs in with the login URL that <code>npm start</code> printed (again with <code>npx tokenwatt login-url</code>).
          Tokens sign in on a public server.
        </p>
      </>
    );
  }
  const { db } = await serverDeps();
  const { caller } = await pageCaller(db);
  return (
    <>
      <h1>Sign in</h1>
      {caller.kind === "token" ? (
        <form action={signOutAction} className="publish-form">
          <p>
            Signed in as {describeCaller(caller)}. {caller.role === "admin" ? <a href="/review">Review queue</a> : <a href="/my-runs">Your runs</a>}
          </p>
          <button type="submit">Sign out</button>
        </form>
      ) : (
        <>
          <p>
            Reviewers sign in with their admin token to publish or reject contributors&apos; runs; contributors with their runner token to see where their runs
            stand. The server keeps a session (12 h unused, 7 days at most) and never stores the token in this browser. Tokens come from this server&apos;s
            operator (<code>tokenwatt token create --contributor NAME</code>): <a href="/docs/publishing">how publishing works</a>.
          </p>
          <SignInForm />
        </>
      )}
    </>
  );
}
