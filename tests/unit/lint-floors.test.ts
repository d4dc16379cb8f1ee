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
  it("refuse an upward import from the data, access and operations floors", async () => {
    expect((await violations("lib/server/store/probe.ts", 'import { publish } from "../ops/publish";\nexport const x = publish;\n')).join()).toContain("the data floor");
    expect((await violations("lib/server/read/probe.ts", 'import { isOwnerBrowser } from "../access/owner-session";\nexport const x = isOwnerBrowser;\n')).join()).toContain("the data floor");
    expect((await violations("lib/server/access/probe.ts", 'import { refuse } from "../http/refusals";\nexport const x = refuse;\n')).join()).toContain("the access floor");
    expect((await violations("lib/server/ops/probe.ts", 'import { withToken } from "../http/auth";\nexport const x = withToken;\n')).join()).toContain("operations never import a transport");
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
