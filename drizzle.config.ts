import { defineConfig } from "drizzle-kit";

// Migrations are generated from lib/db/schema.ts (`npm run db:generate`) and applied at start by
// lib/db/client.ts on both PGlite and PostgreSQL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
});
