import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { redactUrl } from "./_url.js";
import { DbError } from "./errors.js";

/**
 * Where a database URL points. `url` is the normalised form, the same for every spelling of one
 * database: `sqlite:<absolute path>` (or `sqlite::memory:`), or the PostgreSQL URL as given.
 */
export type ParsedDatabaseUrl = { dialect: "sqlite"; path: string; url: string } | { dialect: "postgres"; url: string };

/** Options of {@link parseDatabaseUrl}. */
export interface ParseDatabaseUrlOptions {
  /** Directory a relative SQLite path is resolved against. @default process.cwd() */
  cwd?: string;
}

const MEMORY = ":memory:";

/**
 * The one reader of a database URL, used by `openDatabase` and by configuration loading.
 * Accepts, schemes case-insensitive: `postgres://…` / `postgresql://…`; `sqlite:path`,
 * `sqlite://path`, `sqlite:///abs`; `file:path`, `file:///abs`; `:memory:`; a plain path.
 * A relative SQLite path is resolved against `cwd`.
 * @throws DbError INVALID_INPUT for an empty URL, an empty SQLite path, or another scheme
 * @example
 * parseDatabaseUrl("file:data/pt.db", { cwd: "/srv/study" }); // { dialect: "sqlite", path: "/srv/study/data/pt.db", url: "sqlite:/srv/study/data/pt.db" }
 */
export function parseDatabaseUrl(url: string, options: ParseDatabaseUrlOptions = {}): ParsedDatabaseUrl {
  if (typeof url !== "string" || url.trim() === "") {
    throw new DbError("INVALID_INPUT", "No database URL was given. Set database.url (POWERTOKEN_DATABASE_URL) to a SQLite file path or a postgres:// URL.");
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgres", url };
  const path = sqlitePathOf(url);
  if (path === MEMORY) return { dialect: "sqlite", path, url: `sqlite:${MEMORY}` };
  if (path === "") throw new DbError("INVALID_INPUT", `The database URL ${redactUrl(url)} names no SQLite file.`);
  const absolute = isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path);
  return { dialect: "sqlite", path: absolute, url: `sqlite:${absolute}` };
}

/** The file part of a SQLite URL or plain path, as written (relative or absolute). */
function sqlitePathOf(url: string): string {
  if (/^sqlite:/i.test(url)) {
    const rest = url.slice("sqlite:".length);
    // sqlite:///abs keeps one slash; sqlite://rel drops the authority's two.
    return rest.startsWith("///") ? rest.slice(2) : rest.replace(/^\/\/(?=[^/])/, "");
  }
  if (/^file:/i.test(url)) {
    const rest = url.slice("file:".length);
    if (!rest.startsWith("//")) return rest;
    try {
      return fileURLToPath(`file:${rest}`);
    } catch {
      throw new DbError("INVALID_INPUT", `The database URL ${redactUrl(url)} is not a local file URL. Use file:///absolute/path or a plain path.`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new DbError("INVALID_INPUT", `Unsupported database URL scheme in ${redactUrl(url)}. Use a SQLite file path or a postgres:// URL.`);
  }
  return url;
}
