import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { isDbError, parseDatabaseUrl } from "@powertoken/db";
import { parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";
import type { z } from "zod";
import { CoreError } from "../errors.js";
import { ENV_OVERRIDES, type EnvOverride } from "./env-overrides.js";
import { readSecretFile } from "./secret-file.js";
import { ConfigSchema, type PowerTokenConfig } from "./schema.js";

/** Where to read configuration from. The apps pass `process.env` and `process.cwd()`; core reads neither. */
export interface LoadConfigOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** An explicit config file (a `--config` flag). Otherwise `POWERTOKEN_CONFIG`, then `./powertoken.config.json` if present. */
  path?: string;
}

/** The resolved configuration plus where it came from. */
export interface LoadedConfig {
  config: PowerTokenConfig;
  /** Absolute path of the file read, or null when only defaults and the environment applied. */
  path: string | null;
}

/** The default config file name looked for in the working directory. */
export const DEFAULT_CONFIG_FILE = "powertoken.config.json";

/**
 * Read the config file, apply environment overrides, validate, and resolve relative paths
 * (SQLite file, key file) against the config file's folder, so cron can run from anywhere.
 * A key file is read here and its content placed in `encryption.key`; a client secret file
 * (`googleHealth.clientSecretFile`, `fitbitLegacy.clientSecretFile`, mode 0600) in `clientSecret`.
 * @throws CoreError CONFIG_NOT_FOUND, CONFIG_INVALID (with `key` naming the bad setting)
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const path = findConfigFile(options);
  const raw = path === null ? {} : readJsonFile(path);
  const origin = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const text = options.env[override.env];
    if (text === undefined || text === "") continue;
    setPath(raw, override.key, convert(override, text));
    origin.set(override.key, override.env);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw configInvalid(parsed.error, origin, path);
  const config = parsed.data;
  const base = path === null ? options.cwd : dirname(path);
  config.database.url = normaliseDatabaseUrl(config.database.url, base, origin.get("database.url") ?? path ?? "defaults");
  if (config.encryption.keyFile !== undefined) {
    const keyPath = isAbsolute(config.encryption.keyFile) ? config.encryption.keyFile : resolve(base, config.encryption.keyFile);
    config.encryption.keyFile = keyPath;
    if (config.encryption.key === undefined) config.encryption.key = readKeyFile(keyPath);
  }
  for (const section of ["googleHealth", "fitbitLegacy"] as const) {
    const tracker = config[section];
    if (tracker.clientSecretFile === undefined) continue;
    tracker.clientSecretFile = isAbsolute(tracker.clientSecretFile) ? tracker.clientSecretFile : resolve(base, tracker.clientSecretFile);
    // A secret set directly (the environment) wins, as `encryption.key` wins over its file.
    if (tracker.clientSecret === undefined) tracker.clientSecret = readSecretFile(tracker.clientSecretFile, `${section}.clientSecretFile`);
  }
  return { config, path };
}

function findConfigFile({ env, cwd, path }: LoadConfigOptions): string | null {
  const named = path ?? env["POWERTOKEN_CONFIG"];
  if (named !== undefined && named !== "") {
    const absolute = resolve(cwd, named);
    if (!existsSync(absolute)) {
      throw new CoreError("CONFIG_NOT_FOUND", `Config file ${absolute} does not exist. Run \`powertoken init\` to create one, or fix the path.`);
    }
    return absolute;
  }
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : null;
}

function readJsonFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === "EISDIR" ? "is a directory; name the JSON file in it" : code === "EACCES" ? "cannot be read by this user; check its permissions" : `cannot be read (${code ?? (cause as Error).message})`;
    throw new CoreError("CONFIG_INVALID", `Config file ${path} ${why}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CoreError("CONFIG_INVALID", `Config file ${path} is not valid JSON (${describeJsonError(text)}). Fix the file or run \`powertoken init --force\`.`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CoreError("CONFIG_INVALID", `Config file ${path} must hold a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/**
 * The token key from its file. A missing file gets the remedy (`init` writes one); otherwise the
 * same rules as a client secret file: a key others can read is not a secret (`init` and
 * `db rotate-key` write it 0600).
 */
function readKeyFile(path: string): string {
  if (!existsSync(path)) {
    throw new CoreError("CONFIG_INVALID", `Encryption key file ${path} cannot be read. Create it with \`powertoken init\` or point encryption.keyFile at it.`, { key: "encryption.keyFile" });
  }
  return readSecretFile(path, "encryption.keyFile");
}

function convert(override: EnvOverride, text: string): unknown {
  switch (override.type) {
    case "string":
      return text;
    case "integer": {
      if (!/^-?\d+$/.test(text.trim())) {
        throw new CoreError("CONFIG_INVALID", `${override.env} must be a whole number (for ${override.key}), got "${text}".`, { key: override.key });
      }
      return Number(text);
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (["1", "true", "yes"].includes(lower)) return true;
      if (["0", "false", "no"].includes(lower)) return false;
      throw new CoreError("CONFIG_INVALID", `${override.env} must be true or false (for ${override.key}), got "${text}".`, { key: override.key });
    }
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** One reader of database URLs (db's `parseDatabaseUrl`), so `file:x.db` and `POSTGRES://…` mean what `openDatabase` reads. */
function normaliseDatabaseUrl(url: string, base: string, source: string): string {
  try {
    return parseDatabaseUrl(url, { cwd: base }).url;
  } catch (error) {
    if (!isDbError(error)) throw error;
    // The db message carries the URL redacted; never the password.
    throw new CoreError("CONFIG_INVALID", `Config key \`database.url\` (from ${source}): ${error.message}`, { key: "database.url", cause: error });
  }
}

function configInvalid(error: z.ZodError, origin: Map<string, string>, path: string | null): CoreError {
  const issue = error.issues[0];
  const key = issue === undefined ? "" : issue.path.map(String).join(".");
  const source = origin.get(key) ?? (path === null ? "defaults" : path);
  const what = issue?.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : (issue?.message ?? "invalid");
  return new CoreError("CONFIG_INVALID", `Config key \`${key || "(root)"}\` (from ${source}): ${what}. See the README's configuration table.`, { key });
}

/**
 * Where and what the first JSON syntax error is, without a word of the file: V8's own message
 * quotes the text around the error, and in a config file that text can be a client secret.
 */
function describeJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return "not a single JSON value";
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - before.lastIndexOf("\n");
  return `${printParseErrorCode(first.error)} at line ${line}, column ${column}`;
}
