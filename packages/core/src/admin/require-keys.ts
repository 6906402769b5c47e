import type { EncryptionKeys } from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";

/**
 * The token keys, or NOT_CONFIGURED naming the setting: tokens are only ever stored encrypted.
 * @throws CoreError NOT_CONFIGURED
 */
export function requireKeys(runtime: Pick<AdminRuntime, "db">, what: string): EncryptionKeys {
  if (runtime.db.keys !== undefined) return runtime.db.keys;
  throw new CoreError(
    "NOT_CONFIGURED",
    `No encryption key is configured (encryption.keyFile, or POWERTOKEN_ENCRYPTION_KEY / POWERTOKEN_ENCRYPTION_KEY_FILE), so ${what} cannot be stored. Run \`powertoken init\`.`,
    { key: "encryption.key" },
  );
}
