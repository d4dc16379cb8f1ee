/**
 * CPU budgets for the pages' server actions (issue 30 item 7: "server actions included"). A POST to a
 * page is a Next.js server action (publish, rename, review, sign in, queue a suite): it runs inside
 * Next's handler, outside the API's budgets. Each one is charged the process CPU time from its
 * arrival to its response's end, per client address (behind TOKENWATT_TRUSTED_PROXIES; IPv6 per /64)
 * and for the whole process, in the same budgets as submissions (lib/server/http/cpu-budget.ts): a
 * client in debt, or any client while the process is, gets 429 with Retry-After before Next reads
 * the body. Concurrent work is charged too, which errs on the side of the server staying responsive.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { addressKey, clientAddress } from "./client-address";
import type { CpuBudget } from "./cpu-budget";

/** Whether a request is a page's server action (the only POSTs outside /api). */
export const isServerAction = (req: Pick<IncomingMessage, "method">): boolean => req.method === "POST";

const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function meterServerAction(
  req: IncomingMessage,
  res: ServerResponse,
  o: { budget: CpuBudget; trustedProxies: readonly string[]; /** This process's CPU time so far, ms (a test's clock). */ cpuMs?: () => number },
  handle: () => void,
): void {
  const forwarded = req.headers["x-forwarded-for"];
  const ip = clientAddress(req.socket.remoteAddress ?? null, Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? null), o.trustedProxies);
  const keys = [`cpu:action:${addressKey(ip)}`, "cpu:process"];
  const wait = Math.max(...keys.map((k) => o.budget.wait(k)));
  if (wait > 0) {
    res.writeHead(429, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(wait), "Cache-Control": "no-store" });
    res.end(`429: too much CPU time spent on this client's actions (or the server's); retry in ${wait} s\n`);
    req.resume();
    return;
  }
  const cpuNow = o.cpuMs ?? processCpuMs;
  const cpu0 = cpuNow();
  const t0 = performance.now();
  let charged = false;
  const charge = () => {
    if (charged) return;
    charged = true;
    const ms = Math.min(cpuNow() - cpu0, o.cpuMs ? Infinity : performance.now() - t0);
    for (const k of keys) o.budget.charge(k, ms);
  };
  res.once("finish", charge);
  res.once("close", charge);
  handle();
}
