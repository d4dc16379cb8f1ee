// Lint is the architecture test: the import zones below are the "never" arrows of the layout
// (docs/layout.md). lib/core is pure and browser-safe; lib/server and runners never import each
// other; only bin/ (the composition root) and app/ see both sides.
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const zone = (target, from, message) => ({ target, from, message });

/** Packages that need Node, a database or a framework: never in lib/core. */
const NOT_IN_CORE = [
  "node:*", "fs", "path", "os", "crypto", "child_process", "http", "net", "stream",
  "next", "next/*", "react", "react-dom", "drizzle-orm", "drizzle-orm/*", "postgres", "pg-boss",
  "@electric-sql/*", "node-llama-cpp", "systeminformation", "commander", "cli-progress", "playwright-core",
];

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".tokenwatt/", "drizzle/meta/", "next-env.d.ts", "out/", "tmp/"] },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    files: ["**/*.{ts,tsx,mjs}"],
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })] },
    rules: {
      // Every disable says why: `// eslint-disable-next-line rule -- reason`.
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: [] }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            zone("./lib/core", ["./lib/server", "./runners", "./app", "./bin", "./scripts", "./tests", "./harness"], "lib/core is pure and shared: it imports nothing from the other sides"),
            zone("./lib/server", ["./runners", "./app", "./bin", "./scripts", "./tests", "./harness"], "lib/server never imports the device side (runners/); bin/ wires them together"),
            zone("./runners", ["./lib/server", "./app", "./bin", "./scripts", "./tests", "./harness"], "runners/ reaches a server over HTTP only; bin/ injects what it needs (a SubmissionSink, admin operations)"),
            // harness/ is what tests and benchmarks share (starting servers, fixtures, test databases):
            // the product never depends on it, and it never depends on the test suite.
            zone(["./app", "./bin"], ["./harness", "./tests", "./scripts"], "the product (app/, bin/) never imports the harness, tests or benchmarks"),
            zone("./harness", ["./tests", "./scripts"], "harness/ is shared by tests and benchmarks: it imports neither"),
            // Floors inside lib/server, bottom to top: data (db, store, read, fleet, env), access (who asks,
            // what they may do and see), operations (one function per operation), transport (http, api,
            // admin CLI, browser catalog handlers). A floor never imports one above it.
            zone(["./lib/server/db", "./lib/server/store", "./lib/server/read", "./lib/server/fleet", "./lib/server/env.ts"], ["./lib/server/access", "./lib/server/ops", "./lib/server/http", "./lib/server/api", "./lib/server/admin", "./lib/server/catalog", "./lib/server/context.ts"], "the data floor (db, store, read, fleet) never imports access, operations or transport"),
            zone("./lib/server/access", ["./lib/server/ops", "./lib/server/http", "./lib/server/api", "./lib/server/admin", "./lib/server/catalog", "./lib/server/context.ts"], "the access floor (who asks, what they may do) never imports operations or transport"),
            zone("./lib/server/ops", ["./lib/server/http", "./lib/server/api", "./lib/server/admin", "./lib/server/catalog", "./lib/server/context.ts"], "operations never import a transport: the API, server actions and the CLI call them"),
          ],
        },
      ],
      // The environment is parsed once, by lib/server/env.ts (server) and runners/env.ts (device side).
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "read settings from lib/server/env.ts or runners/env.ts (parsed once, validated)" }],
    },
  },
  {
    files: ["lib/core/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: NOT_IN_CORE, message: "lib/core runs in browsers too: no Node, database or framework imports" }] }] },
  },
  {
    // Where the environment is read (and passed on to child processes), and the tools around the app.
    files: ["lib/server/env.ts", "runners/env.ts", "bin/start.mjs", "bin/server.ts", "scripts/**", "harness/**", "tests/**", "instrumentation.ts", "*.config.*"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["tests/**", "harness/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
