import { hkdfSync, randomBytes } from "node:crypto";
import type { PowerTokenRuntime } from "@powertoken/core";

/**
 * The 32-byte key of the app's sealed cookies: HKDF-SHA256 of the token encryption key with a
 * purpose label, so it is stable across replicas yet never equal to the key that seals tokens.
 */
export function cookieKeyFor(runtime: Pick<PowerTokenRuntime, "db">, given: Uint8Array | undefined): Buffer {
  if (given) {
    if (given.length !== 32) throw new TypeError("cookieKey must be 32 bytes.");
    return Buffer.from(given);
  }
  const current = runtime.db.keys?.current.key;
  if (!current) return randomBytes(32);
  return Buffer.from(hkdfSync("sha256", current, Buffer.alloc(0), "powertoken web cookies v1", 32));
}
