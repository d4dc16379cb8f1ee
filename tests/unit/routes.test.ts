import { describe, expect, it } from "vitest";
import { match, ROUTES } from "../../lib/server/http/routes";

describe("the route table", () => {
  it("matches static paths, parameters and rest segments; static beats a parameter", () => {
    const m = match("POST", "/api/v1/agents/jobs/next");
    expect(m && "route" in m && m.route.path).toBe("/api/v1/agents/jobs/next");
    const job = match("POST", "/api/v1/agents/jobs/0b7e1c9e-2f1d-4c55-9d55-7f6a3f1c2b11/complete");
    expect(job && "params" in job && job.params).toEqual({ id: "0b7e1c9e-2f1d-4c55-9d55-7f6a3f1c2b11" });
    const rest = match("GET", "/api/v1/browser/webllm/SmolLM2/resolve/main/tensor-cache.json");
    expect(rest && "params" in rest && rest.params).toEqual({ rest: "SmolLM2/resolve/main/tensor-cache.json" });
    expect(match("GET", "/api/health/")).toMatchObject({ route: { path: "/api/health" } });
  });

  it("answers the allowed methods of a known path, and nothing for an unknown one", () => {
    expect(match("DELETE", "/api/v1/submissions")).toEqual({ allow: ["POST"] });
    expect(match("GET", "/api/v1/agents/jobs")).toEqual({ allow: ["POST"] });
    expect(match("GET", "/api/v1/nope")).toBeNull();
    expect(match("GET", "/api/v1/browser/webllm/")).toBeNull();
    expect(match("GET", "/api/v1/public/badge/device/%E0%A4%A")).toBeNull();
  });

  it("states each method and path once", () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
