/**
 * The architecture is enforced by lint (eslint.config.mjs): an import that runs up a floor inside
 * lib/server (data -> access -> operations -> transport) fails `npm run lint`. Each probe is linted
 * as if it sat in its floor; the honest imports beside them pass.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();
const violations = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === "import-x/no-restricted-paths").map((m) => m.message);

describe("the floors inside lib/server", () => {
  // [where the probe sits, what it imports, the refusal's words]
  const upward = [
    ["lib/server/store/probe.ts", "../ops/publish", "publish", "the data floor"],
    ["lib/server/read/probe.ts", "../access/owner-session", "isOwnerBrowser", "the data floor"],
    ["lib/server/access/probe.ts", "../http/refusals", "refuse", "the access floor"],
    ["lib/server/ops/probe.ts", "../http/auth", "withToken", "operations never import a transport"],
  ] as const;
  it("refuse an upward import from the data, access and operations floors", async () => {
    for (const [file, from, name, words] of upward) expect((await violations(file, `import { ${name} } from "${from}";\nexport const x = ${name};\n`)).join(), file).toContain(words);
  }, 60_000);

  it("let each floor import the floors below it", async () => {
    expect(await violations("lib/server/ops/probe.ts", 'import { authorize } from "../access/policy";\nimport { setPublished } from "../store/publish";\nexport const x = [authorize, setPublished];\n')).toEqual([]);
    expect(await violations("lib/server/http/probe.ts", 'import { publish } from "../ops/publish";\nexport const x = publish;\n')).toEqual([]);
    expect(await violations("lib/server/access/probe.ts", 'import { authenticate } from "../store/tokens";\nexport const x = authenticate;\n')).toEqual([]);
  }, 60_000);
});

describe("the harness that tests and benchmarks share", () => {
  it("is never imported by the product, and never imports the test suite", async () => {
    expect((await violations("lib/server/probe.ts", 'import { makeSubmission } from "../../harness/fixtures";\nexport const x = makeSubmission;\n')).join()).toContain("lib/server never imports");
    expect((await violations("runners/probe.ts", 'import { makeSubmission } from "../harness/fixtures";\nexport const x = makeSubmission;\n')).join()).toContain("runners/ reaches a server");
    expect((await violations("app/probe.ts", 'import { makeSubmission } from "../harness/fixtures";\nexport const x = makeSubmission;\n')).join()).toContain("the product");
    expect((await violations("harness/probe.ts", 'import { withTestDb } from "../tests/helpers/db";\nexport const x = withTestDb;\n')).join()).toContain("harness/ is shared");
    expect(await violations("scripts/probe.ts", 'import { makeSubmission } from "../harness/fixtures";\nexport const x = makeSubmission;\n')).toEqual([]);
  }, 60_000);
});
