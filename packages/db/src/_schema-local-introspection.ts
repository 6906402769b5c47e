import { sql, type DatabaseIntrospector, type Kysely, type SchemaMetadata, type TableMetadata } from "kysely";

/**
 * The same Kysely instance, except that its introspector sees only `schema`.
 *
 * Kysely's migrator asks the PostgreSQL introspector whether its bookkeeping tables exist, and
 * that introspector reads the columns of every table in every schema. Catalog look-ups are not
 * protected by the query's snapshot, so a `DROP SCHEMA` in another session (another tenant of a
 * shared server, or another test file) can make the query fail with "schema … does not exist";
 * on a server with many schemas it is also needlessly slow. The migrator only needs table names
 * in its own schema, which one catalog query answers without touching other schemas.
 */
export function withSchemaLocalIntrospection<DB>(db: Kysely<DB>, schema: string): Kysely<DB> {
  const introspection: DatabaseIntrospector = {
    getSchemas: (): Promise<SchemaMetadata[]> => Promise.resolve([{ name: schema }]),
    getTables: async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; isView: boolean }>`
        select c.relname as "name", c.relkind in ('v', 'm') as "isView"
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm')`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: row.isView, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "introspection") return introspection;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields, so its methods must run on the real instance.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
