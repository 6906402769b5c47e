import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ConfigSchema, createRuntime, type PowerTokenConfigInput, type PowerTokenRuntime } from "../../src/index.js";
import { POSTGRES_URL, type Dialect } from "./db-world.js";

/** A runtime over a fresh database (temp SQLite file, or its own PostgreSQL schema), no simulators. */
export interface PlainRuntime {
  runtime: PowerTokenRuntime;
  clock: { now: Date };
  close(): Promise<void>;
}

/** Opens a runtime with a settable clock; `config` is merged into the minimal config. */
export async function openPlainRuntime(dialect: Dialect, prefix: string, config: Omit<PowerTokenConfigInput, "database" | "encryption"> = {}): Promise<PlainRuntime> {
  const clock = { now: new Date("2026-11-30T12:00:00.000Z") };
  const dir = dialect === "sqlite" ? mkdtempSync(join(tmpdir(), `pt-${prefix}-`)) : undefined;
  const schema = `core_${prefix}_${randomBytes(5).toString("hex")}`;
  const parsed = ConfigSchema.parse({ ...config, database: { url: dir ? join(dir, "pt.sqlite") : POSTGRES_URL, poolSize: 4 }, encryption: { key: randomBytes(32).toString("base64") } });
  const runtime = await createRuntime(parsed, { now: () => clock.now, ...(dir ? {} : { schema }) });
  return {
    runtime,
    clock,
    async close() {
      await runtime.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      else {
        const client = new pg.Client(POSTGRES_URL);
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  };
}
