import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

// Issue 15: every bad input gets a clear message, the right exit code (usage 2), no stack trace,
// and leaves the database as it was. Each case runs the CLI in this process on its own copy of
// one prepared study folder.

const DB = "powertoken-data/powertoken.sqlite";
const CLIENT = { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret-VALUE" };
const TOKENS = "name,weconnectPersonId,weconnectToken,trackerAccessToken,trackerRefreshToken\ncarol,p-77,wc-token-SECRET,tr-access-SECRET,tr-refresh-SECRET\n";

interface Case {
  name: string;
  argv: readonly string[];
  env?: Record<string, string>;
  /** Prepares the case's folder (write a roster, damage the database, hold its lock…). */
  setup?: (dir: string) => void | Promise<void>;
  /** Files (relative to the folder; the database file too) whose bytes, or absence, must be exactly as after setup. */
  unchanged?: readonly string[];
  code: 0 | 1 | 2;
  /** Must appear in stdout + stderr. */
  says: string | RegExp;
}

const write = (name: string, text: string | Buffer) => (dir: string) => writeFileSync(join(dir, name), text);
const dbPath = (dir: string) => join(dir, DB);
const deleteDb = (dir: string) => rmSync(dbPath(dir));
const emptyDb = (dir: string) => writeFileSync(dbPath(dir), "");
const editConfig = (edit: (c: Record<string, Record<string, unknown>>) => void) => (dir: string) => {
  const path = join(dir, "powertoken.config.json");
  const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, unknown>>;
  edit(config);
  writeFileSync(path, JSON.stringify(config));
};
const envFile = (text: string | Buffer, mode: number) => (dir: string) => {
  writeFileSync(join(dir, "study.env"), text);
  chmodSync(join(dir, "study.env"), mode);
};
const secretFile = (text: string, mode: number) => (dir: string) => {
  writeFileSync(join(dir, "google.secret"), text);
  chmodSync(join(dir, "google.secret"), mode);
};
const corruptPages = (dir: string) => {
  // Page 1 (the header and schema root) stays intact, so the file still looks like SQLite; later pages are garbage.
  const bytes = readFileSync(dbPath(dir));
  bytes.fill(0xa5, 4096, Math.min(bytes.length, 4096 * 6));
  writeFileSync(dbPath(dir), bytes);
};

// better-sqlite3 as @powertoken/db loads it (the CLI has no dependency of its own on it).
const sqlitePath = createRequire(createRequire(import.meta.url).resolve("@powertoken/db")).resolve("better-sqlite3");
type RawSqlite = { prepare(sql: string): { get(...params: unknown[]): unknown }; exec(sql: string): void; close(): void };
const RawSqlite = createRequire(import.meta.url)(sqlitePath) as new (path: string, options?: { readonly?: boolean }) => RawSqlite;

/**
 * Overwrites the root pages of the named tables and their indexes only: the migrator's tables stay
 * readable, so the damage is met mid-command, not on opening.
 */
const corruptTables = (...tables: string[]) => (dir: string) => {
  const sqlite = new RawSqlite(dbPath(dir), { readonly: true });
  const statement = sqlite.prepare("select rootpage from sqlite_master where tbl_name = ? and rootpage > 0") as unknown as { all(...p: unknown[]): { rootpage: number }[] };
  const roots = tables.flatMap((t) => statement.all(t).map((r) => r.rootpage));
  sqlite.close();
  const bytes = readFileSync(dbPath(dir));
  const pageSize = bytes.readUInt16BE(16);
  for (const root of roots) bytes.fill(0xa5, (root - 1) * pageSize, root * pageSize);
  writeFileSync(dbPath(dir), bytes);
};
/** A valid SQLite file that PowerToken never migrated (someone else's table only). */
const foreignSqlite = (dir: string) => {
  deleteDb(dir);
  const sqlite = new RawSqlite(dbPath(dir));
  sqlite.exec("create table foo (x)");
  sqlite.close();
};
// The write lock held by another process (BEGIN IMMEDIATE), as a sqlite3 shell or a backup would.
// A child process: better-sqlite3 waits for the lock synchronously, which would stall this one.
const holders: ChildProcess[] = [];
const holdWriteLock = (dir: string) =>
  new Promise<void>((resolve, reject) => {
    const script = `const D = require(${JSON.stringify(sqlitePath)}); const db = new D(${JSON.stringify(dbPath(dir))}); db.exec("begin immediate"); process.stdout.write("held\\n"); process.stdin.resume(); process.stdin.on("end", () => process.exit(0)); setTimeout(() => process.exit(0), 120000);`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
    holders.push(child);
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
  });
const onRoster = (setup: (dir: string) => void | Promise<void>) => async (dir: string) => {
  write("r.csv", "name\nzed\nyan\n")(dir);
  await setup(dir);
};
const DAMAGED = /NOT_A_DATABASE: \S*powertoken\.sqlite is damaged.*Restore it from a backup/;
const BUSY = /Db BUSY: Another process holds the write lock on \S*powertoken\.sqlite \(SQLITE_BUSY\) for longer than the busy timeout/;

const usage = (name: string, argv: readonly string[], says: string | RegExp, setup?: Case["setup"]): Case => ({ name, argv, says, code: 2, ...(setup ? { setup } : {}) });

const CASES: readonly Case[] = [
  // Command-line arguments: usage errors, exit 2.
  usage("an unknown flag", ["poll", "--evrything"], "Unknown option"),
  usage("an unknown command", ["pol"], "Unknown command"),
  usage("an empty --participant", ["poll", "--participant", ""], "--participant needs at least one name"),
  usage("a --participant of only commas", ["poll", "--participant", " , "], "--participant needs at least one name"),
  usage("--participant with --all", ["poll", "--all", "--participant", "alice"], "either --participant or --all"),
  usage("maintenance --all", ["maintenance", "--all"], "maintenance always covers every participant"),
  usage("February 30th as a start", ["participants", "add", "eve", "--start", "2026-02-30"], "not a day of the calendar"),
  usage("month 13 as a start", ["participants", "add", "eve", "--start", "2026-13-45"], "not a day of the calendar"),
  usage("February 29th of a common year as an end", ["participants", "add", "eve", "--end", "2026-02-29"], "not a day of the calendar"),
  usage("a date without leading zeros", ["participants", "add", "eve", "--start", "2026-1-5"], "YYYY-MM-DD"),
  usage("an end before the start", ["participants", "add", "eve", "--start", "2026-12-10", "--end", "2026-12-01"], "before enrollmentStart"),
  usage("a negative goal", ["participants", "add", "eve", "--goal-steps", "-5"], "negative numbers are not allowed"),
  usage("a goal that is not a number", ["participants", "add", "eve", "--goal-steps", "lots"], 'got "lots"'),
  usage("a fractional goal", ["participants", "add", "eve", "--goal-steps", "1.5"], "whole number"),
  usage("a scale that is not a number", ["participants", "add", "eve", "--steps-per-unit", "x"], "--steps-per-unit must be a whole number"),
  usage("an empty time zone", ["participants", "add", "eve", "--time-zone", ""], "--time-zone needs a value"),
  usage("an unknown time zone", ["participants", "add", "eve", "--time-zone", "Mars/Olympus_Mons"], "IANA time zone"),
  usage("an unknown mapping", ["participants", "add", "eve", "--mapping", "bogus"], "mapping"),
  usage("an empty mapping", ["participants", "add", "eve", "--mapping", ""], "--mapping needs a value"),
  usage("an empty name", ["participants", "add", ""], "name"),
  usage("a name with a terminal escape sequence", ["participants", "add", "eve\u001b[2J\u001b]0;pwned\u0007"], "control characters"),
  usage("a name with a direction override", ["participants", "add", "\u202eevil"], "control characters"),
  usage("a name of 101 characters", ["participants", "add", "n".repeat(101)], "at most 100 characters"),
  usage("log since month 13", ["log", "--since", "2026-13-45"], "--since must be a date"),
  usage("log since February 30th", ["log", "--since", "2026-02-30"], "--since must be a date"),
  usage("log since a word", ["log", "--since", "yesterday"], "--since must be a date"),
  usage("a roster without a known extension", ["participants", "import", "roster.txt"], "--format csv", write("roster.txt", "name\nzed\n")),
  // Named things that do not exist: exit 1.
  { name: "show of an unknown participant", argv: ["participants", "show", "nobody"], code: 1, says: "nobody" },
  { name: "poll of an unknown participant", argv: ["poll", "--participant", "nobody"], env: CLIENT, code: 1, says: "nobody" },
  { name: "remove of an unknown participant", argv: ["participants", "remove", "nobody", "--yes"], code: 1, says: "nobody" },
  { name: "a second alice", argv: ["participants", "add", "alice"], code: 1, says: "alice" },
  // Rosters: nothing imported, the message names the line.
  { name: "a roster that is not there", argv: ["participants", "import", "missing.csv"], code: 1, says: "Cannot read the roster" },
  { name: "a Latin-1 roster", argv: ["participants", "import", "r.csv"], setup: write("r.csv", Buffer.from("name,timeZone\nzed,UTC\nJos\xe9,UTC\n", "latin1")), code: 1, says: "not valid UTF-8 (first at line 3)" },
  { name: "a Latin-1 roster on stdin", argv: ["participants", "import", "-", "--format", "csv"], setup: () => undefined, code: 1, says: "not valid UTF-8" },
  { name: "a roster with February 30th", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name,enrollmentStart\nzed,2026-02-30\n"), code: 1, says: "line 2: enrollmentStart: is not a day" },
  { name: "a roster name with an escape sequence", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name\nzed\u001b[31m\n"), code: 1, says: "line 2: name: must not contain control characters" },
  { name: "a roster with a name twice", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name\nzed\nzed\n"), code: 1, says: "already used at line 2" },
  { name: "a roster with an unknown column", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name,colour\nzed,red\n"), code: 1, says: "unknown column(s) colour" },
  { name: "a roster row with too few fields", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name,timeZone\nzed\n"), code: 1, says: "line 2: has 1 fields" },
  { name: "a JSON roster that is not JSON", argv: ["participants", "import", "r.json"], setup: write("r.json", "{name: zed"), code: 1, says: "not valid JSON" },
  { name: "a JSON roster that is not a list", argv: ["participants", "import", "r.json"], setup: write("r.json", '{"name":"zed"}'), code: 1, says: "expected an array" },
  { name: "a roster naming an enrolled participant", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name\nalice\n"), code: 1, says: "already enrolled" },
  { name: "a roster with only a header", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name\n"), code: 1, says: "no participants" },
  { name: "a roster with an unknown time zone", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name,timeZone\nzed,Nowhere/City\n"), code: 1, says: "line 2: timeZone" },
  { name: "a roster with tokens and no key", argv: ["participants", "import", "r.csv"], setup: (d) => { write("r.csv", TOKENS)(d); editConfig((c) => void delete c["encryption"]?.["keyFile"])(d); }, code: 1, says: "no encryption key" },
  // Configuration: exit 2, naming the file or key.
  { name: "a config file that is not there", argv: ["status", "--config", "nowhere.json"], code: 2, says: "nowhere.json" },
  { name: "a config file that is not JSON", argv: ["status"], setup: write("powertoken.config.json", "{ database: "), code: 2, says: "powertoken.config.json" },
  { name: "an unknown default mapping", argv: ["status"], setup: editConfig((c) => void (c["defaults"] = { ...c["defaults"], mapping: "bogus" })), code: 2, says: "defaults.mapping" },
  { name: "a concurrency that is not a number", argv: ["status"], env: { POWERTOKEN_POLL_CONCURRENCY: "many" }, code: 2, says: "POWERTOKEN_POLL_CONCURRENCY" },
  { name: "a key file that is gone", argv: ["status"], setup: (d) => rmSync(join(d, "powertoken-data/encryption.key")), code: 2, says: "encryption.key" },
  { name: "a key file others can read", argv: ["poll"], env: CLIENT, setup: (d) => chmodSync(join(d, "powertoken-data/encryption.key"), 0o644), code: 2, says: /encryption\.keyFile.*readable by other users \(mode 0644\).*chmod 600/s },
  // Settings a job needs: exit 1 naming them, instead of skipping everyone with exit 0.
  { name: "poll without a tracker OAuth client", argv: ["poll"], code: 1, says: "POWERTOKEN_GOOGLE_CLIENT_ID" },
  { name: "poll without a token key", argv: ["poll"], env: CLIENT, setup: editConfig((c) => void delete c["encryption"]?.["keyFile"]), code: 1, says: "missing encryption.key" },
  { name: "maintenance without a token key", argv: ["maintenance"], setup: editConfig((c) => void delete c["encryption"]?.["keyFile"]), code: 1, says: "missing encryption.key" },
  // --env-file: refused unless private and readable.
  { name: "an env file that is not there", argv: ["poll", "--env-file", "gone.env"], code: 2, says: "gone.env cannot be read" },
  { name: "an env file others can read", argv: ["poll", "--env-file", "study.env"], setup: envFile("POWERTOKEN_GOOGLE_CLIENT_ID=x\n", 0o644), code: 2, says: "chmod 600" },
  { name: "an env file in Latin-1", argv: ["poll", "--env-file", "study.env"], setup: envFile(Buffer.from("POWERTOKEN_WEB_STUDY_NAME=\xe9tude\n", "latin1"), 0o600), code: 2, says: "not valid UTF-8" },
  { name: "an env file without the client", argv: ["poll", "--env-file", "study.env"], setup: envFile("POWERTOKEN_POLL_ALL=true\n", 0o600), code: 1, says: "POWERTOKEN_GOOGLE_CLIENT_SECRET" },
  // Database files: jobs and read commands never create one; the message names the file and the remedy.
  { name: "poll on a deleted database", argv: ["poll"], env: CLIENT, setup: deleteDb, code: 1, says: /no database file at .*powertoken\.sqlite.*powertoken db migrate/s },
  { name: "poll on a zero-byte database", argv: ["poll"], env: CLIENT, setup: emptyDb, code: 1, says: "is empty (0 bytes)" },
  { name: "maintenance on a deleted database", argv: ["maintenance"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "maintenance on a zero-byte database", argv: ["maintenance"], setup: emptyDb, code: 1, says: "DATABASE_MISSING" },
  { name: "participants list on a deleted database", argv: ["participants", "list"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "participants list on a zero-byte database", argv: ["participants", "list"], setup: emptyDb, code: 1, says: "DATABASE_MISSING" },
  { name: "status on a deleted database", argv: ["status"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "status on a zero-byte database", argv: ["status"], setup: emptyDb, code: 1, says: "DATABASE_MISSING" },
  { name: "log on a zero-byte database", argv: ["log"], setup: emptyDb, code: 1, says: "DATABASE_MISSING" },
  { name: "show on a deleted database", argv: ["participants", "show", "alice"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "add on a deleted database", argv: ["participants", "add", "eve"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "import on a zero-byte database", argv: ["participants", "import", "r.csv"], setup: (d) => { emptyDb(d); write("r.csv", "name\nzed\n")(d); }, code: 1, says: "DATABASE_MISSING" },
  { name: "db status on a deleted database", argv: ["db", "status"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "a database that was never migrated", argv: ["status"], setup: (d) => { deleteDb(d); cpSync(join(d, "powertoken.config.json"), dbPath(d)); }, code: 1, says: "NOT_A_DATABASE" },
  { name: "a database path that is a folder", argv: ["participants", "list"], setup: (d) => { deleteDb(d); mkdirSync(dbPath(d)); }, code: 1, says: "is a directory" },
  { name: "db status on damaged pages", argv: ["db", "status"], setup: corruptPages, code: 1, says: /damaged|NOT_A_DATABASE/ },
  { name: "poll on damaged pages", argv: ["poll"], env: CLIENT, setup: corruptPages, code: 1, says: /damaged|NOT_A_DATABASE/ },
  // Added with issue 15's leftovers: secret files, pause/resume, streamed rosters.
  { name: "a client secret file others can read", argv: ["poll"], env: { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: "google.secret" }, setup: secretFile("client-secret-VALUE\n", 0o644), code: 2, says: /googleHealth\.clientSecretFile.*readable by other users \(mode 0644\).*chmod 600/s },
  { name: "a client secret file that is not there", argv: ["poll"], env: { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: "gone.secret" }, code: 2, says: "gone.secret cannot be read (ENOENT)" },
  { name: "an empty client secret file", argv: ["maintenance"], env: { POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: "google.secret" }, setup: secretFile("\n", 0o600), code: 2, says: "google.secret is empty" },
  { name: "a client secret file in the config that is a folder", argv: ["status"], setup: (d) => { mkdirSync(join(d, "secret-dir")); editConfig((c) => void (c["googleHealth"] = { clientSecretFile: "secret-dir" }))(d); }, code: 2, says: "secret-dir is not a file" },
  { name: "pause of an unknown participant", argv: ["participants", "pause", "nobody"], code: 1, says: "nobody" },
  { name: "resume of an unknown participant", argv: ["participants", "resume", "nobody"], code: 1, says: "nobody" },
  usage("pause without a participant", ["participants", "pause"], "Missing required positional argument: PARTICIPANT"),
  { name: "resume on a deleted database", argv: ["participants", "resume", "alice"], setup: deleteDb, code: 1, says: "DATABASE_MISSING" },
  { name: "pause on a zero-byte database", argv: ["participants", "pause", "alice"], setup: emptyDb, code: 1, says: "DATABASE_MISSING" },
  { name: "a roster with a quote never closed", argv: ["participants", "import", "r.csv"], setup: write("r.csv", 'name,timeZone\nzed,UTC\n"yan,UTC\n'), code: 1, says: "line 3: a quoted field is never closed" },
  { name: "a roster path that is a folder", argv: ["participants", "import", "r.csv"], setup: (d) => mkdirSync(join(d, "r.csv")), code: 1, says: "Cannot read the roster" },
  { name: "a dry run of a roster with a bad last row", argv: ["participants", "import", "r.csv", "--dry-run"], setup: write("r.csv", `name\n${Array.from({ length: 1500 }, (_, i) => `r-${i}`).join("\n")}\nbad\u0007name\n`), code: 1, says: "line 1502: name: must not contain control characters" },
  { name: "a roster whose 1,200th row names an enrolled participant", argv: ["participants", "import", "r.csv"], setup: write("r.csv", `name\n${Array.from({ length: 1199 }, (_, i) => `s-${i}`).join("\n")}\nbob\n`), code: 1, says: 'line 1201: name "bob" is already enrolled' },
  { name: "a CRLF roster with a bad date on its last line", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name,enrollmentStart\r\nzed,2026-12-01\r\nyan,2026-02-30"), code: 1, says: "line 3: enrollmentStart" },
  // A damaged file, whatever command meets it: one line naming the file and the remedy, never the driver's stack.
  { name: "status on damaged pages", argv: ["status"], setup: corruptPages, code: 1, says: DAMAGED },
  { name: "participants list on damaged pages", argv: ["participants", "list"], setup: corruptPages, code: 1, says: DAMAGED },
  { name: "participants show on damaged pages", argv: ["participants", "show", "alice"], setup: corruptPages, code: 1, says: DAMAGED },
  { name: "participants add on damaged pages", argv: ["participants", "add", "eve"], setup: corruptPages, code: 1, says: DAMAGED },
  { name: "export days on damaged pages", argv: ["export", "days", "--since", "2026-11-01", "--until", "2026-11-30"], setup: corruptPages, code: 1, says: DAMAGED },
  { name: "status on a damaged participants table", argv: ["status"], setup: corruptTables("participants"), code: 1, says: DAMAGED },
  { name: "participants list on a damaged participants table", argv: ["participants", "list"], setup: corruptTables("participants"), code: 1, says: DAMAGED },
  { name: "participants show on a damaged participants table", argv: ["participants", "show", "alice"], setup: corruptTables("participants"), code: 1, says: DAMAGED },
  { name: "participants add on a damaged participants table", argv: ["participants", "add", "eve"], setup: corruptTables("participants"), code: 1, says: DAMAGED },
  { name: "export days on a damaged days table", argv: ["export", "days", "--since", "2026-11-01", "--until", "2026-11-30"], setup: corruptTables("days"), code: 1, says: DAMAGED },
  { name: "poll on damaged pages names the file, not a migration", argv: ["poll"], env: CLIENT, setup: corruptPages, code: 1, says: /^(?![\s\S]*nothing was migrated)[\s\S]*NOT_A_DATABASE: \S*powertoken\.sqlite is damaged/ },
  { name: "db status on damaged pages in one line", argv: ["db", "status"], setup: corruptPages, code: 1, says: /^(?![\s\S]*\n\s*Tree \d)(?![\s\S]*\*\*\*)[\s\S]*powertoken\.sqlite is damaged: SQLite's integrity check found .*problems?, the first: Tree \d+ page \d+/ },
  { name: "db status --json on damaged pages lists every problem", argv: ["db", "status", "--json"], setup: corruptPages, code: 1, says: /"code":"NOT_A_DATABASE".*"details":\["Tree \d+ page \d+/ },
  // Another process holds the write lock past the busy timeout (5 s): Db BUSY, nothing written.
  { name: "participants add while another process holds the lock", argv: ["participants", "add", "eve"], setup: holdWriteLock, code: 1, says: BUSY },
  { name: "participants import while another process holds the lock", argv: ["participants", "import", "r.csv"], setup: onRoster(holdWriteLock), code: 1, says: BUSY },
  { name: "participants pause while another process holds the lock", argv: ["participants", "pause", "alice"], setup: holdWriteLock, code: 1, says: BUSY },
  { name: "participants remove while another process holds the lock", argv: ["participants", "remove", "alice", "--yes"], setup: holdWriteLock, code: 1, says: BUSY },
  { name: "db rotate-key while another process holds the lock", argv: ["db", "rotate-key"], setup: holdWriteLock, code: 1, says: BUSY, unchanged: ["powertoken.config.json", "powertoken-data/encryption-k2.key", "powertoken-data/encryption.key"] },
  // A valid SQLite file PowerToken never migrated: refused, and left byte-identical (no WAL switch).
  { name: "status on a SQLite file never migrated", argv: ["status"], setup: foreignSqlite, code: 1, says: "DATABASE_MISSING", unchanged: [DB] },
  { name: "participants add on a SQLite file never migrated", argv: ["participants", "add", "eve"], setup: foreignSqlite, code: 1, says: "DATABASE_MISSING", unchanged: [DB] },
  { name: "poll on a SQLite file never migrated", argv: ["poll"], env: CLIENT, setup: foreignSqlite, code: 1, says: "DATABASE_MISSING", unchanged: [DB] },
  // Names: one rule in core for every way in (tab and newline too); lookups and messages print inert.
  usage("a name with a newline", ["participants", "add", "nl\nname"], "control characters (tab, newline"),
  usage("a name with a tab", ["participants", "add", "tab\tname"], "control characters (tab, newline"),
  { name: "a roster name with a newline inside its quotes", argv: ["participants", "import", "r.csv"], setup: write("r.csv", 'name\n"two\nlines"\n'), code: 1, says: "line 2: name: must not contain control characters" },
  { name: "one roster name in two Unicode spellings", argv: ["participants", "import", "r.csv"], setup: write("r.csv", "name\nZo\u00eb\nZoe\u0308\n"), code: 1, says: "line 3: name \"Zo\u00eb\" already used at line 2" },
  { name: "show of a name holding an escape sequence", argv: ["participants", "show", "x\u001b[2Jy"], code: 1, says: 'No participant "x\\u001b[2Jy"' },
  { name: "a dry run of a roster naming an enrolled participant", argv: ["participants", "import", "r.csv", "--dry-run"], setup: write("r.csv", "name\nzed\nalice\n"), code: 1, says: 'line 3: name "alice" is already enrolled' },
  usage("an enrolment start of February 30th names the flag", ["participants", "add", "eve", "--start", "2026-02-30"], "--start: is not a day of the calendar"),
  // export days and log: dates against the calendar before anything is opened, values as typed.
  usage("an export from February 30th", ["export", "days", "--since", "2026-02-30", "--until", "2026-03-31"], '--since is not a day of the calendar, got "2026-02-30"'),
  usage("an export from month 13", ["export", "days", "--since", "2026-13-45", "--until", "2026-12-01"], '--since is not a day of the calendar, got "2026-13-45"'),
  { name: "an export to November 31st leaves no output file", argv: ["export", "days", "--since", "2026-11-01", "--until", "2026-11-31", "--output", "out.csv"], code: 2, says: '--until is not a day of the calendar, got "2026-11-31"', unchanged: ["out.csv"] },
  usage("an export without --until", ["export", "days", "--since", "2026-11-01"], "--until needs a date YYYY-MM-DD"),
  usage("an export whose dates are reversed", ["export", "days", "--since", "2026-12-01", "--until", "2026-11-01"], "--since (2026-12-01) must not be after --until (2026-11-01)"),
  usage("a negative log limit", ["log", "--limit", "-3"], "--limit needs a whole number above 0 (negative numbers are not allowed)"),
  // Config files: located errors that never quote the file, a folder named as one.
  { name: "a config whose JSON error sits in a secret", argv: ["status"], setup: write("powertoken.config.json", '{"googleHealth": {"clientSecret": client-secret-VALUE}}'), code: 2, says: /not valid JSON \(InvalidSymbol at line 1, column 35\)/ },
  { name: "a --config that is a folder", argv: ["status", "--config", "powertoken-data"], code: 2, says: "powertoken-data is a directory; name the JSON file in it" },
  // HTTP faults in a dry run (which writes nothing): the run says every participant failed.
  { name: "WEconnect unreachable", argv: ["poll", "--dry-run", "--participant", "carol"], env: { ...CLIENT, POWERTOKEN_WECONNECT_URL: "http://127.0.0.1:1" }, code: 1, says: "every participant attempted failed" },
];

let template: string;
const dirs: string[] = [];

beforeAll(async () => {
  template = tempDir("powertoken-bad-input-");
  dirs.push(template);
  const steps: (readonly string[])[] = [["init", "--time-zone", "UTC"], ["participants", "add", "alice"], ["participants", "add", "bob", "--mapping", "tally", "--steps-per-unit", "2500"]];
  for (const argv of steps) {
    const run = await runInProcess(argv, { cwd: template });
    expect(run.code, run.stderr).toBe(0);
  }
  writeFileSync(join(template, "tokens.csv"), TOKENS);
  const imported = await runInProcess(["participants", "import", "tokens.csv"], { cwd: template });
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);

afterAll(() => {
  for (const holder of holders) holder.kill(); // each lock holder this file started, by its own handle
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A file's bytes as a hash, or "absent". */
const fileState = (path: string) => (existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : "absent");

/** The rows the issue asks to stay identical, or the file's bytes when it cannot be opened as a database. */
async function stateOf(dir: string): Promise<string> {
  const path = dbPath(dir);
  if (!existsSync(path)) return "absent";
  if (statSync(path).isDirectory()) return "directory";
  const bytes = () => `file ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
  const handle = await openDatabase({ url: path, create: false }).catch(() => undefined);
  if (handle === undefined) return bytes();
  try {
    const participants = await handle.db.selectFrom("participants").selectAll().orderBy("id").execute();
    const days = await handle.db.selectFrom("days").selectAll().execute();
    const audit = await handle.db.selectFrom("audit_log").selectAll().execute();
    return JSON.stringify({ participants, days, audit });
  } catch {
    return bytes(); // damaged pages: compare the bytes
  } finally {
    await handle.close();
  }
}

describe("bad input: a clear message, the right exit code, no stack trace, nothing written", () => {
  it("has at least 60 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const dir = tempDir("powertoken-case-");
    dirs.push(dir);
    cpSync(template, dir, { recursive: true });
    await c.setup?.(dir);
    // Before stateOf, which opens the database: the bytes as the command will find them.
    const files = (c.unchanged ?? []).map((f) => [f, fileState(join(dir, f))] as const);
    const before = await stateOf(dir);
    const input = c.name.endsWith("on stdin") ? Buffer.from("name\nJos\xe9\n", "latin1") : undefined;
    const run = await runInProcess(c.argv, { cwd: dir, env: c.env ?? {}, ...(input === undefined ? {} : { input }) });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(c.code);
    if (typeof c.says === "string") expect(output).toContain(c.says);
    else expect(output).toMatch(c.says);
    expect(output, "no stack trace").not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Any piece of a secret counts: a parser's message once quoted ten characters of one.
    expect(output, "no secret").not.toMatch(/wc-token-S|tr-access-S|tr-refresh-S|client-sec/);
    expect(await stateOf(dir)).toBe(before);
    for (const [file, state] of files) expect(fileState(join(dir, file)), `${file} unchanged`).toBe(state);
  });
});
