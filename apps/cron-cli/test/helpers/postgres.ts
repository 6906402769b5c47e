import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server tests use (CI provides it; a missing one fails the run). */
export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://root@127.0.0.1:5432/test";

/**
 * Creates a fresh database for one test file and returns its URL. The CLI has no per-schema
 * setting (the db package takes a schema only as an `openDatabase` option), so a database it is.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `powertoken_cli_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
