import { checkIntegrity, migrationStatus, newerMigrations, redactDatabaseUrl } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";

export default command({
  name: "powertoken db status",
  description: "Check the database file and list the schema migrations and whether each has run. Exits 1 when some are pending, a newer PowerToken migrated the database, or the file is damaged.",
  examples: ["powertoken db status", "powertoken db status --json"],
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    // A damaged SQLite page used to pass here with exit 0 (issue 15): read every page first.
    const { migrations, newer } = await withDatabase(config, async (handle) => {
      await checkIntegrity(handle);
      return { migrations: await migrationStatus(handle.db), newer: await newerMigrations(handle.db) };
    });
    const pending = migrations.filter((m) => m.executedAt === null).map((m) => m.name);
    env.out.result({ database: redactDatabaseUrl(config.database.url), migrations, pending, newer }, () => {
      env.out.table(migrations, [
        { header: "migration", value: (m) => m.name },
        { header: "applied at", value: (m) => m.executedAt?.toISOString() ?? "pending" },
      ]);
      // Listed only known migrations before, so a database from a newer version looked up to date.
      if (newer.length > 0) env.out.log.warn(`This database was migrated by a newer PowerToken (migrations this version does not know: ${newer.join(", ")}). Run that newer version, or restore a backup taken before the upgrade.`);
      else if (pending.length > 0) env.out.log.warn(`${pending.length} migration(s) pending: run \`powertoken db migrate\`.`);
    });
    return pending.length > 0 || newer.length > 0 ? 1 : 0;
  },
});
