import { ConfigSchema, ENV_OVERRIDES } from "@powertoken/core";

/**
 * The README's configuration table, generated from core's `ENV_OVERRIDES` with each key's
 * default read from the schema: `powertoken config --env-table` prints it.
 */
export function renderEnvTable(): string {
  const defaults = ConfigSchema.parse({}) as unknown as Record<string, Record<string, unknown>>;
  const rows = ENV_OVERRIDES.map((o) => {
    const [section, key] = o.key.split(".") as [string, string];
    const value = defaults[section]?.[key];
    const shown = o.secret ? "" : value === undefined ? "" : `\`${String(value)}\``;
    return `| \`${o.env}\` | \`${o.key}\` | ${o.type}${o.secret ? ", secret" : ""} | ${shown} |`;
  });
  return ["| Environment variable | Config key | Type | Default |", "|---|---|---|---|", ...rows].join("\n");
}
