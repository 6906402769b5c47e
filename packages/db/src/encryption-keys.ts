import { randomBytes } from "node:crypto";
import { DbError } from "./errors.js";

/** One AES-256 key and the id stored with every ciphertext it made. */
export interface EncryptionKey {
  /** Short id: letters, digits, `_` or `-` (no `:`), e.g. `2026-11`. */
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/** The key that encrypts, plus older keys still accepted for decryption (during a rotation). */
export interface EncryptionKeys {
  current: EncryptionKey;
  previous?: EncryptionKey[];
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Reads a key from its configured text: base64 (or base64url) of exactly 32 bytes, surrounding
 * whitespace ignored (a key file usually ends with a newline).
 * @throws DbError KEY_MISSING for empty text, KEY_INVALID for anything else that is not 32 bytes
 * @example const keys = { current: { id: "k1", key: parseEncryptionKey(env.POWERTOKEN_ENCRYPTION_KEY) } };
 */
export function parseEncryptionKey(text: string): Uint8Array {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") {
    throw new DbError("KEY_MISSING", "No encryption key was given. Set POWERTOKEN_ENCRYPTION_KEY or encryption.keyFile; `powertoken init` writes a key to powertoken-data/encryption.key.");
  }
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, trimmed.includes("-") || trimmed.includes("_") ? "base64url" : "base64") : Buffer.alloc(0);
  if (bytes.length !== 32) {
    // The message never echoes the text: it may be a real key with one character missing.
    throw new DbError("KEY_INVALID", `The encryption key must be base64 of 32 bytes (44 characters); got ${trimmed.length} characters decoding to ${bytes.length} bytes. Generate one with \`powertoken init\` or generateEncryptionKey().`);
  }
  return new Uint8Array(bytes);
}

/** A fresh random 32-byte key, base64-encoded, for a key file or environment variable. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString("base64");
}

/** Checks ids and lengths once, so a bad configuration fails at start, not at the first token. */
export function checkEncryptionKeys(keys: EncryptionKeys | undefined): EncryptionKeys | undefined {
  if (keys === undefined) return undefined;
  for (const k of [keys.current, ...(keys.previous ?? [])]) {
    if (!k || typeof k.id !== "string" || !KEY_ID.test(k.id)) {
      throw new DbError("KEY_INVALID", "An encryption key id must be 1-32 letters, digits, '_' or '-'. Fix the key id in the configuration.");
    }
    if (!(k.key instanceof Uint8Array) || k.key.length !== 32) {
      throw new DbError("KEY_INVALID", `Encryption key "${k.id}" must be 32 bytes; pass it through parseEncryptionKey().`);
    }
  }
  return keys;
}
