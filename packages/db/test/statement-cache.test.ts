import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../src/_sqlite.js";

describe("the SQLite statement cache", () => {
  it("hands back the prepared statement of the same SQL instead of compiling it again", () => {
    const db = withStatementCache(new Database(":memory:"));
    const first = db.prepare("select 1 as one");
    expect(db.prepare("select 1 as one")).toBe(first);
    expect(db.prepare("select 2 as two")).not.toBe(first);
    db.close();
  });

  it("prepares a fresh statement while the cached one is still iterating", () => {
    const sqlite = new Database(":memory:");
    sqlite.exec("create table t (n integer); insert into t values (1), (2), (3)");
    const db = withStatementCache(sqlite);
    const outer = db.prepare("select n from t order by n");
    const seen: number[] = [];
    for (const row of outer.iterate([]) as Iterable<{ n: number }>) {
      const inner = db.prepare("select n from t order by n");
      expect(inner).not.toBe(outer);
      seen.push(row.n, (inner.all([]) as { n: number }[]).length);
    }
    expect(seen).toEqual([1, 3, 2, 3, 3, 3]);
    db.close();
  });

  it("keeps at most `size` statements, dropping the least recently used", () => {
    const db = withStatementCache(new Database(":memory:"), 2);
    const a = db.prepare("select 1");
    db.prepare("select 2");
    expect(db.prepare("select 1")).toBe(a);
    db.prepare("select 3"); // evicts "select 2"
    expect(db.prepare("select 1")).toBe(a);
    const b = db.prepare("select 2");
    expect(db.prepare("select 2")).toBe(b);
    db.close();
  });
});
