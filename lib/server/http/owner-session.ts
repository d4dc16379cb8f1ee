/**
 * The owner's browser session on API requests (owner mode): the session cookie the login URL sets
 * (lib/server/http/owner-access.ts). A state change also needs an Origin of this very host (with the
 * SameSite=Strict cookie and the Host allow-list, cross-site requests and DNS rebinding cannot use it).
 */
import { isOwnerBrowser } from "../access/owner-session";

export { isOwnerBrowser };
