import { redactDatabaseUrl } from "@powertoken/core";
import { migrationStatus } from "@powertoken/db";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";

export default command({
  name: "powertoken db status",
  description: "List the schema migrations and whether each has run. Exits 1 when some are pending.",
  examples: ["powertoken db status", "powertoken db status --json"],
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const migrations = await withDatabase(config, (handle) => migrationStatus(handle.db));
    const pending = migrations.filter((m) => m.executedAt === null).map((m) => m.name);
    env.out.result({ database: redactDatabaseUrl(config.database.url), migrations, pending }, () => {
      env.out.table(migrations, [
        { header: "migration", value: (m) => m.name },
        { header: "applied at", value: (m) => m.executedAt?.toISOString() ?? "pending" },
      ]);
      if (pending.length > 0) env.out.log.warn(`${pending.length} migration(s) pending: run \`powertoken db migrate\`.`);
    });
    return pending.length > 0 ? 1 : 0;
  },
});
