import { migrateToLatest, redactDatabaseUrl } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";

export default command({
  name: "powertoken db migrate",
  description: "Bring the database schema up to date (safe to run any time).",
  examples: ["powertoken db migrate", "POWERTOKEN_DATABASE_URL=postgres://pt@127.0.0.1/study powertoken db migrate --json"],
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const { applied } = await withDatabase(config, (handle) => migrateToLatest(handle.db), { create: true });
    env.out.result({ database: redactDatabaseUrl(config.database.url), applied }, () => {
      if (applied.length === 0) env.out.log.success("The database is up to date.");
      for (const name of applied) env.out.log.success(`Applied ${name}`);
    });
  },
});
