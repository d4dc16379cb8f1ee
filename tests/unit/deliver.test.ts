/** What `tokenwatt bench` tells the user after an upload (runners/cli/deliver.ts). */
import { describe, expect, it } from "vitest";
import { checkDestination, runPageUrl } from "../../runners/cli/deliver";

describe("deliver", () => {
  it("names the run's page on the server, under the path the server is mounted at", () => {
    const id = "0b7e3c9a-5f1d-4d7e-9a55-3c1f0d2e8b41";
    expect(runPageUrl("http://127.0.0.1:3000", id)).toBe(`http://127.0.0.1:3000/runs/${id}`);
    expect(runPageUrl("https://bench.example.org/", id)).toBe(`https://bench.example.org/runs/${id}`);
    expect(runPageUrl("https://example.org/tokenwatt", id)).toBe(`https://example.org/tokenwatt/runs/${id}`);
  });

  it("refuses a server that is not a URL, or one without a token", () => {
    expect(() => checkDestination({ server: "not a url", token: "tw_x" })).toThrow(/--server must be a URL/);
    expect(() => checkDestination({ server: "http://h:3000" })).toThrow(/--server needs --token/);
    expect(() => checkDestination({ server: "http://h:3000", token: "tw_x" })).not.toThrow();
    expect(() => checkDestination({})).not.toThrow();
  });
});
