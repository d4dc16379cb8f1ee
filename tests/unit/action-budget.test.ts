/**
 * Server actions are charged their CPU time (issue 30 item 7): per client address and per process,
 * before Next reads the body. Both sides: a client within budget gets its action run; a client in
 * debt gets 429 with Retry-After and its action never runs, while another client still gets in; a
 * process in debt turns everyone away.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { meterServerAction } from "../../lib/server/http/action-budget";
import { createCpuBudget, type CpuBudget } from "../../lib/server/http/cpu-budget";

// A clock of CPU time the test controls: process CPU time is shared with the other test files
// running in this process, so each action "spends" exactly what it says.
let cpu = 0;
const burn = (ms: number) => void (cpu += ms);

function budgets(perClientMsPerMin: number, processMsPerMin: number): CpuBudget {
  const client = createCpuBudget(perClientMsPerMin, perClientMsPerMin / 6);
  const whole = createCpuBudget(processMsPerMin, processMsPerMin / 6);
  const pick = (k: string) => (k === "cpu:process" ? whole : client);
  return { wait: (k, now) => pick(k).wait(k, now), charge: (k, ms, now) => pick(k).charge(k, ms, now) };
}

describe("server actions' CPU budget", () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function start(budget: CpuBudget) {
    let ran = 0;
    server = http.createServer((req, res) =>
      meterServerAction(req, res, { budget, trustedProxies: ["127.0.0.1"], cpuMs: () => cpu }, () => {
        ran++;
        burn(60);
        res.end("done");
      }),
    );
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/devices/1`;
    const post = (from: string) => fetch(url, { method: "POST", headers: { "x-forwarded-for": from, "next-action": "x" }, body: "a=1" });
    return { post, ran: () => ran };
  }

  it("runs a client's actions within its budget, then answers 429 without running them; another client still gets in", async () => {
    // 600 ms a minute per client (a 100 ms burst), plenty for the process.
    const s = await start(budgets(600, 600_000));
    expect((await s.post("192.0.2.1")).status).toBe(200);
    expect((await s.post("192.0.2.1")).status).toBe(200);
    const refused = await s.post("192.0.2.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/too much CPU time/);
    expect(s.ran()).toBe(2);
    expect((await s.post("198.51.100.7")).status).toBe(200);
    expect(s.ran()).toBe(3);
  });

  it("turns every client away while the process is in debt", async () => {
    const s = await start(budgets(600_000, 600));
    expect((await s.post("192.0.2.1")).status).toBe(200);
    expect((await s.post("192.0.2.2")).status).toBe(200);
    expect((await s.post("192.0.2.3")).status).toBe(429);
    expect(s.ran()).toBe(2);
  });
});
