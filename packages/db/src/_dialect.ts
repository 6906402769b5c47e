import { PostgresAdapter, type Kysely } from "kysely";

/** The two SQL dialects this package speaks. */
export type DialectName = "sqlite" | "postgres";

/** Which dialect a Kysely instance (or transaction) talks to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations and queries share it
export function dialectOf(db: Kysely<any>): DialectName {
  const adapter = db.getExecutor().adapter;
  // By name too: a second copy of kysely in the process would fail `instanceof`.
  return adapter instanceof PostgresAdapter || adapter.constructor.name === "PostgresAdapter" ? "postgres" : "sqlite";
}
