import { defineConfig } from "drizzle-kit";

// Migrations are generated against the schema and committed; they must run on
// PGlite (PostgreSQL 18) and PostgreSQL 15 alike, so nothing newer than 15.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
  strict: true,
});
