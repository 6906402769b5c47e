// Counts SQL statements where the drivers run them, for the benches' "SQL per participant": a
// better-sqlite3 Statement's run/all/get/iterate (db caches prepared statements, so counting
// prepare would undercount) and PostgreSQL's Client#query. The modules patched are db's own copies.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** Patch both drivers once in this process; returns a function that reads the count so far. */
export function countStatements() {
  const requireFromDb = createRequire(fileURLToPath(import.meta.resolve("@powertoken/db")));
  let statements = 0;
  const Sqlite = requireFromDb("better-sqlite3");
  const probe = new Sqlite(":memory:");
  const StatementProto = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  for (const method of ["run", "all", "get", "iterate"]) {
    const original = StatementProto[method];
    StatementProto[method] = function (...a) {
      statements += 1;
      return original.apply(this, a);
    };
  }
  const pg = requireFromDb("pg");
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...a) {
    statements += 1;
    return query.apply(this, a);
  };
  return () => statements;
}
