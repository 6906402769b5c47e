import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../src/index.js";

const cwd = "/srv/study";

describe("parseDatabaseUrl", () => {
  it("reads postgres:// and postgresql:// in any case as PostgreSQL, unchanged", () => {
    expect(parseDatabaseUrl("postgres://u@h/db", { cwd })).toEqual({ dialect: "postgres", url: "postgres://u@h/db" });
    expect(parseDatabaseUrl("POSTGRES://u@h/db", { cwd })).toEqual({ dialect: "postgres", url: "POSTGRES://u@h/db" });
    expect(parseDatabaseUrl("PostgreSQL://u:secret@h:5433/db", { cwd })).toMatchObject({ dialect: "postgres" });
  });

  it("resolves a relative SQLite path against cwd whichever way it is spelled", () => {
    const expected = { dialect: "sqlite", path: "/srv/study/data/pt.db", url: "sqlite:/srv/study/data/pt.db" };
    for (const url of ["data/pt.db", "./data/pt.db", "sqlite:data/pt.db", "SQLITE:./data/pt.db", "sqlite://data/pt.db", "file:data/pt.db", "FILE:./data/pt.db"]) {
      expect(parseDatabaseUrl(url, { cwd }), url).toEqual(expected);
    }
  });

  it("keeps an absolute SQLite path whichever way it is spelled", () => {
    const expected = { dialect: "sqlite", path: "/var/pt.db", url: "sqlite:/var/pt.db" };
    for (const url of ["/var/pt.db", "sqlite:/var/pt.db", "sqlite:///var/pt.db", "file:/var/pt.db", "file:///var/pt.db", "File:///var/pt.db"]) {
      expect(parseDatabaseUrl(url, { cwd }), url).toEqual(expected);
    }
  });

  it("reads :memory: with or without the sqlite: scheme", () => {
    expect(parseDatabaseUrl(":memory:", { cwd })).toEqual({ dialect: "sqlite", path: ":memory:", url: "sqlite::memory:" });
    expect(parseDatabaseUrl("sqlite::memory:", { cwd })).toEqual({ dialect: "sqlite", path: ":memory:", url: "sqlite::memory:" });
  });

  it("gives the same normalised url back when parsing its own output", () => {
    for (const url of ["file:pt.db", "sqlite:///var/pt.db", "POSTGRES://u@h/db", ":memory:"]) {
      const once = parseDatabaseUrl(url, { cwd });
      expect(parseDatabaseUrl(once.url, { cwd: "/elsewhere" })).toEqual(once);
    }
  });

  it("refuses an empty URL, an empty SQLite path and other schemes, without echoing a password", () => {
    expect(() => parseDatabaseUrl("", { cwd })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => parseDatabaseUrl("sqlite:", { cwd })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    let message = "";
    try {
      parseDatabaseUrl("mysql://u:hunter2@h/db", { cwd });
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(message).toMatch(/Unsupported database URL scheme/);
    expect(message).not.toContain("hunter2");
    expect(() => parseDatabaseUrl("file://otherhost/pt.db", { cwd })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });

  it("defaults cwd to the process's working directory", () => {
    expect(parseDatabaseUrl("pt.db")).toMatchObject({ path: `${process.cwd()}/pt.db` });
  });
});
