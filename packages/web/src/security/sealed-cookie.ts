import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// AES-256-GCM: the browser holds the OAuth state and PKCE verifier but can neither read nor
// change them, and any replica with the same key can open them (no server-side session store).

/** Encrypts and authenticates a small JSON value for a cookie (base64url). */
export function seal(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Opens what {@link seal} made; null when it was tampered with, sealed by another key, or not ours. */
export function unseal(key: Buffer, text: string | undefined): unknown {
  if (!text) return null;
  try {
    const raw = Buffer.from(text, "base64url");
    if (raw.length < 29) return null;
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    return JSON.parse(plain) as unknown;
  } catch {
    return null;
  }
}
