import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { readCookie, writeCookie, type CookiePolicy } from "./cookies.js";

const COOKIE = "pt_csrf";
const YEAR_S = 365 * 24 * 60 * 60;

/** The form field every POST must carry. */
export const CSRF_FIELD = "_csrf";

function formToken(key: Buffer, cookieValue: string): string {
  return createHmac("sha256", key).update(`csrf:${cookieValue}`).digest("base64url");
}

/**
 * The token to put in this response's forms: an HMAC of a random per-browser cookie (set here
 * when missing). A forged cross-site form cannot know it; a planted cookie is useless without
 * the key (OWASP's signed double-submit cookie).
 */
export function csrfTokenFor(c: Context, policy: CookiePolicy, key: Buffer): string {
  let value = readCookie(c, policy, COOKIE);
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = randomBytes(32).toString("base64url");
    writeCookie(c, policy, COOKIE, value, YEAR_S);
  }
  return formToken(key, value);
}

/** True when the posted token matches this browser's cookie. */
export function csrfTokenValid(c: Context, policy: CookiePolicy, key: Buffer, posted: unknown): boolean {
  const value = readCookie(c, policy, COOKIE);
  if (!value || typeof posted !== "string") return false;
  const expected = Buffer.from(formToken(key, value));
  const given = Buffer.from(posted);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** True when the request's `Origin` (if the browser sent one) is our public origin. */
export function originAllowed(c: Context, publicOrigin: string): boolean {
  const origin = c.req.header("origin");
  return origin === undefined || origin === publicOrigin;
}
