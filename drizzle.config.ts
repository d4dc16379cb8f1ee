import { defineConfig } from "drizzle-kit";

// Migrations are generated from lib/server/db/schema.ts (`npm run db:generate`) and applied at start by
// lib/server/db/client.ts on both PGlite and PostgreSQL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/server/db/schema.ts",
  out: "./drizzle",
});
