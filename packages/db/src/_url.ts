import { fileURLToPath } from "node:url";
import { DbError } from "./errors.js";

/** Where a database URL points. */
export type ParsedUrl = { dialect: "sqlite"; path: string } | { dialect: "postgres"; url: string };

/** Replaces the password of a URL (and of anything that looks like one) with `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    u.searchParams.forEach((_v, k) => {
      if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, "***");
    });
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

/** Reads `openDatabase`'s url: a path, `sqlite:path`, `file:path` / `file:///abs`, `:memory:`, or `postgres(ql)://`. */
export function parseDatabaseUrl(url: string): ParsedUrl {
  if (typeof url !== "string" || url.trim() === "") {
    throw new DbError("INVALID_INPUT", "No database URL was given. Set database.url (POWERTOKEN_DATABASE_URL) to a SQLite file path or a postgres:// URL.");
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgres", url };
  if (/^sqlite:/i.test(url)) {
    const rest = url.slice("sqlite:".length);
    return { dialect: "sqlite", path: rest.startsWith("///") ? rest.slice(2) : rest.replace(/^\/\/(?=[^/])/, "") };
  }
  if (/^file:/i.test(url)) {
    return { dialect: "sqlite", path: url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new DbError("INVALID_INPUT", `Unsupported database URL scheme in ${redactUrl(url)}. Use a SQLite file path or a postgres:// URL.`);
  }
  return { dialect: "sqlite", path: url };
}
