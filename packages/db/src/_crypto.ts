import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { checkEncryptionKeys, type EncryptionKey, type EncryptionKeys } from "./encryption-keys.js";
import { DbError } from "./errors.js";

// Format `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts): AES-256-GCM, 12-byte IV,
// 16-byte tag. The AAD names table, column and row, so a ciphertext copied into another row or
// column fails to decrypt instead of silently authenticating someone else.

/** The AAD of one encrypted cell. */
export function tokenAad(table: string, column: string, rowKey: string): string {
  return `powertoken:${table}.${column}:${rowKey}`;
}

function requireKeys(keys: EncryptionKeys | undefined): EncryptionKeys {
  if (!keys) {
    throw new DbError("KEY_MISSING", "Tokens are stored encrypted but no encryption key is configured. Set POWERTOKEN_ENCRYPTION_KEY (or a key file) and pass `keys` to openDatabase().");
  }
  return checkEncryptionKeys(keys) as EncryptionKeys;
}

/** Encrypts with the current key. @throws DbError KEY_MISSING, KEY_INVALID */
export function encryptToken(keys: EncryptionKeys | undefined, plaintext: string, aad: string): string {
  return encryptWith(requireKeys(keys).current, plaintext, aad);
}

/** Encrypts with one given key. */
export function encryptWith(key: EncryptionKey, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", key.id, iv.toString("base64url"), tag.toString("base64url"), ct.toString("base64url")].join(":");
}

/** Decrypts with whichever configured key the ciphertext names. @throws DbError KEY_MISSING, KEY_MISMATCH, DECRYPT_FAILED */
export function decryptToken(keys: EncryptionKeys | undefined, stored: string, aad: string): string {
  const all = requireKeys(keys);
  const parts = stored.split(":");
  if (parts.length !== 5 || parts[0] !== "v1") {
    throw new DbError("DECRYPT_FAILED", "A stored token is not in the expected encrypted format (v1). The row was written by something else; ask the participant to connect again.");
  }
  const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
  const key = [all.current, ...(all.previous ?? [])].find((k) => k.id === keyId);
  if (!key) {
    throw new DbError("KEY_MISMATCH", `A stored token was encrypted with key "${keyId}", which is not configured (current: "${all.current.id}"). Add that key to the previous keys, or rotate with the key that made it.`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    // No cause: it would only say "unable to authenticate data".
    throw new DbError("DECRYPT_FAILED", `A stored token did not decrypt with key "${keyId}": the key bytes differ from the ones that encrypted it, or the value was altered or moved between rows. Check the configured key.`);
  }
}
