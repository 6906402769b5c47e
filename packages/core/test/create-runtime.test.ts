import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigSchema, createRuntime, type PowerTokenRuntime } from "../src/index.js";
import { POSTGRES_URL } from "./helpers/db-world.js";

async function tablesIn(schema: string): Promise<string[]> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1", [schema]);
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

async function dropSchemas(names: string[]): Promise<void> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  for (const name of names) await client.query(`drop schema if exists "${name}" cascade`);
  await client.end();
}

describe("createRuntime on postgres", () => {
  let runtime: PowerTokenRuntime | undefined;
  const schemas: string[] = [];
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await dropSchemas(schemas.splice(0));
  });

  it("opens and migrates the PostgreSQL schema named by database.schema", async () => {
    const schema = `core_cfg_${randomBytes(6).toString("hex")}`;
    schemas.push(schema);
    runtime = await createRuntime(ConfigSchema.parse({ database: { url: POSTGRES_URL, schema, poolSize: 2 } }));
    expect(await tablesIn(schema)).toEqual(expect.arrayContaining(["participants", "days"]));
  });

  it("lets the schema option override database.schema", async () => {
    const fromConfig = `core_cfg_${randomBytes(6).toString("hex")}`;
    const fromOption = `core_opt_${randomBytes(6).toString("hex")}`;
    schemas.push(fromConfig, fromOption);
    runtime = await createRuntime(ConfigSchema.parse({ database: { url: POSTGRES_URL, schema: fromConfig, poolSize: 2 } }), { schema: fromOption });
    expect(await tablesIn(fromOption)).toEqual(expect.arrayContaining(["participants", "days"]));
    expect(await tablesIn(fromConfig)).toEqual([]);
  });
});
