import { redactDatabaseUrl } from "@powertoken/db";
import { SECRET_KEYS } from "./env-overrides.js";
import type { PowerTokenConfig } from "./schema.js";

/**
 * A copy of the config safe to print: secrets become `"[set]"` or stay absent, and a
 * PostgreSQL URL loses its password.
 */
export function redactConfig(config: PowerTokenConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const dotted of SECRET_KEYS) {
    const [section, key] = dotted.split(".") as [string, string];
    const holder = copy[section];
    if (holder !== undefined && holder[key] !== undefined) holder[key] = "[set]";
  }
  const previous = copy["encryption"]?.["previousKeys"];
  if (Array.isArray(previous)) copy["encryption"]!["previousKeys"] = previous.map((k: { id: string }) => ({ id: k.id, key: "[set]" }));
  copy["database"]!["url"] = redactDatabaseUrl(config.database.url);
  return copy;
}

/** A database URL without its password or secret query parameters, for messages and status output (db's one rule). */
export { redactDatabaseUrl };
