/** Web Worker: runs the page's Monte Carlo off the main thread (see uncertainty-job.ts). */
import { runUncertainty, type UncertaintyRequest } from "./uncertainty-job";

const ctx = self as unknown as { onmessage: ((e: MessageEvent<UncertaintyRequest>) => void) | null; postMessage: (m: unknown) => void };
ctx.onmessage = (e) => ctx.postMessage(runUncertainty(e.data));
