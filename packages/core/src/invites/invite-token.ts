import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Bytes of randomness in an invite secret: 256 bits (issue 11). */
export const INVITE_TOKEN_BYTES = 32;

/** A fresh invite secret: 32 random bytes, base64url (43 characters, safe in a URL path). */
export function generateInviteToken(): string {
  return randomBytes(INVITE_TOKEN_BYTES).toString("base64url");
}

/** The SHA-256 (lowercase hex) under which an invite secret is stored; the secret never is. */
export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares two hex hashes without a timing difference on where they first differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** True when `token` has the shape of one of our secrets (cheap rejection before any lookup). */
export function looksLikeInviteToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
