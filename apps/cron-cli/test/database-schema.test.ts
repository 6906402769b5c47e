import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers/cli.js";
import { DATABASE_URL } from "./helpers/postgres.js";

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

// Issue 10: `init`, `participants`, `connect` and `status` used the default schema while `poll`
// and `maintenance` used POWERTOKEN_DATABASE_SCHEMA. Every command now opens the database the same way.
describe("POWERTOKEN_DATABASE_SCHEMA", () => {
  const schema = `cli_schema_${randomBytes(4).toString("hex")}`;
  const dir = tempDir();
  const env = { POWERTOKEN_DATABASE_URL: DATABASE_URL, POWERTOKEN_DATABASE_SCHEMA: schema, POWERTOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") };

  beforeAll(async () => {
    const migrate = await runCli(["db", "migrate"], { cwd: dir, env });
    expect(migrate.code, migrate.stderr).toBe(0);
  });
  afterAll(async () => {
    await query(`drop schema if exists "${schema}" cascade`);
  });

  it("is where db migrate, participants, status and poll all read and write", async () => {
    const name = `carol_${randomBytes(3).toString("hex")}`;
    const add = await runCli(["participants", "add", name, "--time-zone", "UTC"], { cwd: dir, env });
    expect(add.code, add.stderr).toBe(0);
    const rows = await query<{ name: string }>(`select name from "${schema}".participants`);
    expect(rows.map((r) => r.name)).toEqual([name]);
    const status = await runCli(["status", "--json"], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { participants: { name: string }[] }).participants.map((p) => p.name)).toEqual([name]);
    const show = await runCli(["participants", "show", name, "--json"], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    // A poll needs a tracker OAuth client (issue 15: without one it exits 1 naming the setting).
    const client = { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret" };
    const poll = await runCli(["poll", "--participant", name, "--dry-run", "--json"], { cwd: dir, env: { ...env, ...client } });
    expect(poll.code, poll.stderr).toBe(0);
  });
});
