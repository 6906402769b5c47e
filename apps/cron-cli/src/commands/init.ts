import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { DEFAULT_CONFIG_FILE, generateEncryptionKey, loadConfig, migrateToLatest, redactDatabaseUrl, type PowerTokenConfigInput } from "@powertoken/core";
import { command } from "../_command.js";
import { withDatabase } from "../_database.js";
import { CliError, UsageError } from "../_errors.js";

const BACKENDS = ["google-health", "fitbit-legacy"] as const;

export default command({
  name: "powertoken init",
  description: "Write a config file and an encryption key file (mode 0600), create the database and migrate it.",
  examples: [
    "powertoken init",
    "powertoken init --config /srv/study/powertoken.config.json --time-zone America/Chicago",
    "POWERTOKEN_DATABASE_URL=postgres://pt@db.example.org/study powertoken init --database-url env",
  ],
  args: {
    "database-url": {
      type: "string",
      description: "SQLite path or postgres:// URL to write into the file; `env` writes none (set POWERTOKEN_DATABASE_URL)",
      valueHint: "url",
    },
    "time-zone": { type: "string", description: "Default IANA time zone for new participants (default: this machine's)", valueHint: "zone" },
    backend: { type: "string", description: "Default tracker backend: google-health or fitbit-legacy", valueHint: "name" },
    force: { type: "boolean", description: "Overwrite an existing config file (an existing key file is always kept)" },
  },
  async run(args, env) {
    const configPath = resolve(env.cwd, args.config ?? env.env["POWERTOKEN_CONFIG"] ?? DEFAULT_CONFIG_FILE);
    const backend = args.backend ?? "google-health";
    if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(", ")}.`);
    const timeZone = args["time-zone"] ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new UsageError(`--time-zone "${timeZone}" is not an IANA time zone (e.g. America/Chicago).`);
    }
    if (existsSync(configPath) && !args.force) {
      throw new CliError("ALREADY_EXISTS", `${configPath} already exists. Use it as it is, or pass --force to rewrite it (the key file is kept).`);
    }
    const dir = dirname(configPath);
    const dataDir = resolve(dir, "powertoken-data");
    const keyFile = resolve(dataDir, "encryption.key");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const keyCreated = writeKeyFile(keyFile);

    const file: PowerTokenConfigInput = {
      ...(args["database-url"] === "env" ? {} : { database: { url: args["database-url"] ?? "sqlite:./powertoken-data/powertoken.sqlite" } }),
      encryption: { keyFile: `./${relative(dir, keyFile)}`, keyId: "k1" },
      defaults: { backend: backend as (typeof BACKENDS)[number], timeZone },
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(configPath, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });

    // Re-read through core, so environment overrides apply and the file is proven loadable.
    const { config } = loadConfig({ env: env.env, cwd: env.cwd, path: configPath });
    const { applied } = await withDatabase(config, (handle) => migrateToLatest(handle.db), { create: true });
    const database = redactDatabaseUrl(config.database.url);
    env.out.result({ configPath, keyFile, keyCreated, database, migrationsApplied: applied }, () => {
      env.out.log.success(`Wrote ${configPath}`);
      env.out.log.success(keyCreated ? `Created encryption key ${keyFile} (mode 0600). Back it up: without it, stored tokens cannot be read.` : `Kept existing key ${keyFile}`);
      env.out.log.success(`Database ${database}: ${applied.length} migration(s) applied`);
      env.out.line();
      env.out.line("Next:");
      env.out.line(`  1. Set the OAuth client: POWERTOKEN_GOOGLE_CLIENT_ID / POWERTOKEN_GOOGLE_CLIENT_SECRET (or googleHealth.clientId in the file)`);
      env.out.line(`  2. Enroll:   powertoken participants add alice --time-zone ${timeZone}   (or: participants import roster.csv)`);
      env.out.line(`  3. Connect:  powertoken connect weconnect alice && powertoken connect tracker alice`);
      env.out.line(`  4. Schedule: powertoken crontab --config ${configPath}`);
    });
  },
});

/** Creates the key file once (0600, exclusive create); never replaces a key, which would orphan every stored token. */
function writeKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  writeFileSync(path, `${generateEncryptionKey()}\n`, { mode: 0o600, flag: "wx" });
  return true;
}
