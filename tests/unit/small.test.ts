import { describe, expect, it } from "vitest";
import { toCsv } from "../../lib/core/present/csv";
import { dbId, safeString } from "../../lib/core/contracts/text";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { makeSubmission } from "../../harness/fixtures";
import { jobRequestSchema, parseJobModel } from "../../lib/core/contracts/agents";
import { formatBytes, formatNumber } from "../../lib/core/present/format";
import { createRateLimiter } from "../../lib/server/http/rate-limit";
import { loadEnv } from "../../lib/server/env";
import { snapshotHtml } from "../../lib/core/present/snapshot-html";

describe("csv", () => {
  it("quotes fields with separators and joins arrays", () => {
    const csv = toCsv([{ a: 'x,"y"', b: null, c: [1, 2] }], ["a", "b", "c"]);
    expect(csv).toBe('a,b,c\r\n"x,""y""",,1;2\r\n');
  });

  it("neutralises cells a spreadsheet would run as formulas (OWASP), and leaves numbers alone", () => {
    const row = { a: '=HYPERLINK("http://x","y")', b: "+cmd|' /C calc'!A0", c: "@SUM(1+1)", d: "-2+3", e: "\tx", f: -0.012, g: "-0.012", h: "plain" };
    const [, line] = toCsv([row], Object.keys(row) as (keyof typeof row)[]).split("\r\n");
    expect(line).toBe(`"'=HYPERLINK(""http://x"",""y"")",'+cmd|' /C calc'!A0,'@SUM(1+1),'-2+3,'\tx,-0.012,-0.012,plain`);
  });
});

describe("text every entry point accepts", () => {
  it("refuses NUL and other controls, line breaks in names, and bidi overrides", () => {
    const name = safeString(50, { min: 1 });
    expect(name.safeParse("Pixel 9").success).toBe(true);
    for (const bad of ["a\u0000b", "a\u0007", "two\nlines", "evil\u202Efdp.exe", "x\u2066y", "Apple\u200B", "x\uFEFFy", ""]) expect(name.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(safeString(2000, { multiline: true }).safeParse("line 1\nline 2\tok").success).toBe(true);
    expect(safeString(2000, { multiline: true }).safeParse("nul\u0000").success).toBe(false);
    const far = { ...makeSubmission(), startedAt: "9999-12-30T00:00:00.000Z", finishedAt: "9999-12-31T00:00:00.000Z" };
    expect(parseSubmission(far)).toMatchObject({ ok: false, issues: [expect.objectContaining({ message: "is in the future" })] });
    expect(dbId.safeParse("2147483647").success).toBe(true);
    expect(dbId.safeParse("2147483648").success).toBe(false);
    expect(dbId.safeParse("9007199254740993").success).toBe(false);
  });
});

describe("format", () => {
  it("never prints NaN", () => {
    expect(formatNumber(Number.NaN)).toBe("—");
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(1234.56)).toBe("1,234.6");
    expect(formatBytes(1536)).toBe("1.5 KiB");
  });

  it("formats as toLocaleString did, with its formatter made once per number of digits", () => {
    for (const digits of [0, 1, 2, 3]) {
      for (const v of [0, -0, 0.05, 2.5, 3.5, -3.25, 1234.56, 1234567.891, 5e-7, 1e21]) {
        expect(formatNumber(v, digits)).toBe(v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
      }
    }
    expect(formatNumber(1234.5, 3)).toBe("1,234.500");
    expect(formatNumber(1234.5, 0)).toBe("1,235");
  });
});

describe("rate limiter", () => {
  it("allows a burst, then asks to wait, then refills", () => {
    const rl = createRateLimiter(60, 2); // 1 per second, burst 2
    expect(rl.take("k", 0)).toBe(0);
    expect(rl.take("k", 0)).toBe(0);
    expect(rl.take("k", 0)).toBeGreaterThan(0);
    expect(rl.take("other", 0)).toBe(0);
    expect(rl.take("k", 1000)).toBe(0);
  });

  it("holds a bounded number of keys (one per IPv6 address would be unbounded) without freeing a throttled client", () => {
    const rl = createRateLimiter(60, 2, 100);
    expect(rl.take("flooder", 0)).toBe(0);
    expect(rl.take("flooder", 0)).toBe(0);
    for (let i = 0; i < 10_000; i++) rl.take(`2001:db8::${i.toString(16)}`, 10);
    expect(rl.size()).toBeLessThanOrEqual(100);
    // the flooder's empty bucket was dropped only as the least recently used; kept while it floods
    const rl2 = createRateLimiter(60, 2, 100);
    rl2.take("flooder", 0);
    rl2.take("flooder", 0);
    for (let i = 0; i < 10_000; i++) {
      rl2.take(`2001:db8::${i.toString(16)}`, 10);
      if (i % 50 === 0) expect(rl2.take("flooder", 10)).toBeGreaterThan(0);
    }
  });
});

describe("configuration", () => {
  it("validates the environment with clear messages", () => {
    expect(loadEnv({}).PORT).toBe(3000);
    expect(loadEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
    expect(() => loadEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => loadEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadEnv({ DATABASE_REPLICA_URL: "postgres://r@h/db" })).toThrow(/DATABASE_REPLICA_URL: needs DATABASE_URL/);
    expect(loadEnv({ DATABASE_URL: "postgres://p@h/db", DATABASE_REPLICA_URL: "postgres://r@h/db" }).DATABASE_REPLICA_URL).toBe("postgres://r@h/db");
    expect(() => loadEnv({ TOKENWATT_PAGE_CACHE_MB: "-1" })).toThrow(/TOKENWATT_PAGE_CACHE_MB/);
  });
});

describe("static snapshot", () => {
  it("escapes every value and labels synthetic weights", () => {
    const html = snapshotHtml(
      [{ deviceVendor: "<script>", deviceModel: "X", modelName: "M", quantization: "Q4_0", weights: "synthetic", engineName: "e", engineVersion: "1", backend: "cpu", ppTokensPerSec: 100, tgTokensPerSec: null, ttftMs: 5, decodeJPerToken: null, decodeEnergyScope: null, decodeEnergyTier: null, runs: 2 },
       { deviceVendor: "V", deviceModel: "Y", modelName: "M", quantization: "Q4_0", weights: "real", engineName: "e", engineVersion: "1", backend: "cpu", ppTokensPerSec: 100, tgTokensPerSec: 30, ttftMs: 5, decodeJPerToken: 0.5, decodeEnergyScope: "wall", decodeEnergyTier: "external", runs: 2 }],
      { generatedAt: "2026-11-28T00:00:00Z", pp: "pp512", tg: "tg128" },
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;");
    expect(html).toContain("(synthetic weights)");
    expect(html).toContain("unavailable");
    expect(html).toContain("0.500 J (wall, external)"); // every J/token with its scope and tier
    expect(html).not.toMatch(/NaN/);
  });
});

describe("job model references", () => {
  it("admit synthetic shapes, file names of the agent's models directory and pinned Hugging Face files only", () => {
    const sha = "a".repeat(64);
    expect(parseJobModel("synthetic:llama-3.2-1b:Q4_0")).toMatchObject({ kind: "synthetic" });
    expect(parseJobModel("Llama-3.2-1B-Q4_K_M.gguf")).toEqual({ kind: "file", name: "Llama-3.2-1B-Q4_K_M.gguf" });
    expect(parseJobModel(`hf:bartowski/Llama-3.2-1B-GGUF/Llama-3.2-1B-Q4_0.gguf#sha256=${sha}`)).toEqual({ kind: "hf", ref: "hf:bartowski/Llama-3.2-1B-GGUF/Llama-3.2-1B-Q4_0.gguf", sha256: sha });
    for (const bad of ["https://attacker.invalid/payload.gguf", "/etc/passwd", "../models/x.gguf", "hf:u/r/f.gguf", `hf:u/r/../x.gguf#sha256=${sha}`, ".hidden.gguf", "C:\\models\\x.gguf"]) {
      expect(parseJobModel(bad), bad).toHaveProperty("error");
      expect(jobRequestSchema.safeParse({ model: bad }).success, bad).toBe(false);
    }
  });
});

describe("--device-name", () => {
  it("takes one line of 1 to 100 characters, trimmed; nothing given is no name", async () => {
    const { deviceName } = await import("../../runners/cli/device-name");
    expect(deviceName(undefined)).toBeNull();
    expect(deviceName("  Ana's Pixel 8 ")).toBe("Ana's Pixel 8");
    for (const bad of ["", "   ", "x".repeat(101), "two\nlines", "tab\there"]) expect(() => deviceName(bad)).toThrow("--device-name must be one line of 1 to 100 characters");
  });
});
