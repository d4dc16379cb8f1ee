/**
 * The parse budget: what reading and validating request bodies may cost the server's thread.
 * Parsing and validating JSON costs about 10-20 ms per MB on one core (a 1 MB submission; see
 * scripts/bench-ingest.ts), so bytes stand for that cost. Two token buckets, in MB: one per client
 * (its credential when it sends one, else its address) and one for the whole process. A body is
 * charged when a handler reads it, that is after its credentials were checked, so a client without
 * valid credentials cannot spend anyone's budget. Over the client's budget: 429; over the global
 * one: 503; both with Retry-After, before a byte of the body is read.
 */
import { createHash } from "node:crypto";
import { createRateLimiter, type RateLimiter } from "./rate-limit";
import { addressKey } from "./client-address";

const MB = 1_000_000;

export interface ParseBudgetSettings {
  /** Per client: MB per minute, and the burst (MB) above that rate. */
  clientMbPerMin: number;
  clientBurstMb: number;
  /** The whole process. */
  globalMbPerMin: number;
  globalBurstMb: number;
}

/** Why a body is refused: the HTTP status, code and message, and the seconds to wait. */
export interface BudgetRefusal {
  status: 429 | 503;
  code: "parse_budget" | "server_busy";
  message: string;
  retryAfterS: number;
}

export interface ParseBudget {
  /** Charges `bytes` to `clientKey` and to the process; the refusal when either is spent, else null. */
  charge(clientKey: string, bytes: number, now?: number): BudgetRefusal | null;
}

export function createParseBudget(s: ParseBudgetSettings): ParseBudget {
  // Buckets count kilobytes (the rate limiter's unit is one token).
  const client: RateLimiter = createRateLimiter((s.clientMbPerMin * MB) / 1000, (s.clientBurstMb * MB) / 1000);
  const global: RateLimiter = createRateLimiter((s.globalMbPerMin * MB) / 1000, (s.globalBurstMb * MB) / 1000);
  return {
    charge(clientKey, bytes, now = Date.now()) {
      const kb = Math.max(1, Math.ceil(bytes / 1000));
      const mine = client.take(clientKey, now, kb);
      if (mine > 0) {
        return { status: 429, code: "parse_budget", message: `this client sent more than ${s.clientMbPerMin} MB a minute of request bodies; retry in ${mine} s`, retryAfterS: mine };
      }
      const all = global.take("all", now, kb);
      if (all > 0) {
        return { status: 503, code: "server_busy", message: `the server is reading more than ${s.globalMbPerMin} MB a minute of request bodies; retry in ${all} s`, retryAfterS: all };
      }
      return null;
    },
  };
}

/** The budget of each request in flight, set by the dispatcher and charged by `readJson`. */
const budgets = new WeakMap<Request, { budget: ParseBudget; clientKey: string }>();

/**
 * The client a body is charged to: its credential (hashed, so the key holds no secret), else its
 * address. Runners behind one address each have their own budget.
 */
export function budgetKey(req: Request, clientIp: string | null): string {
  return budgetKeyOf(req.headers.get("authorization"), clientIp);
}

/** The same, from the `Authorization` header's value (node.ts' upload path has no Request). */
export function budgetKeyOf(auth: string | null, clientIp: string | null): string {
  if (auth) return `auth:${createHash("sha256").update(auth).digest("base64url").slice(0, 22)}`;
  return `ip:${addressKey(clientIp)}`;
}

export function attachParseBudget(req: Request, budget: ParseBudget, clientKey: string): void {
  budgets.set(req, { budget, clientKey });
}

/** Charges a body (or a chunk of one) to the request's budget; null when none is attached or it fits. */
export function chargeBody(req: Request, bytes: number): BudgetRefusal | null {
  const b = budgets.get(req);
  return b ? b.budget.charge(b.clientKey, bytes) : null;
}
