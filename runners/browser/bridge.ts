/**
 * What the /run page and `tokenwatt bench-browser` exchange through window globals: the page's
 * state (the CLI polls it for the submission) and the native probe the CLI injects, so native and
 * browser results land on one device. One declaration for both sides.
 */
import type { Device, Submission } from "../../lib/core/contracts/submission";

export interface PageState {
  status: "idle" | "running" | "done" | "error";
  /** The run's submission (with several engines: the first that measured). */
  submission: Submission | null;
  error: string | null;
  /** With several engines in sequence: every engine's submission, and every engine's failure. */
  submissions?: Submission[];
  failures?: { engine: string; error: string; failureClass: string }[];
}

/** The global the page writes its state to. */
export const PAGE_STATE_GLOBAL = "__tokenwatt";
/** The global `tokenwatt bench-browser` writes this machine's native device probe to. */
export const INJECTED_DEVICE_GLOBAL = "__TOKENWATT_DEVICE__";

declare global {
  interface Window {
    [PAGE_STATE_GLOBAL]?: PageState;
    [INJECTED_DEVICE_GLOBAL]?: Device;
  }
}
