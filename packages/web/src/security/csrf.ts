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

/**
 * True when the request comes from our own pages as far as its headers tell: its `Origin` (if the
 * browser sent one) is our public origin, and its `Sec-Fetch-Site` (if sent) is not `cross-site`.
 * The second check catches a cross-site POST that carries no `Origin` (some browsers, privacy
 * extensions and proxies drop it) and a valid token (e.g. one read from a page it could embed):
 * the browser, not the page, sets `Sec-Fetch-Site`. `same-site` (a sibling subdomain) passes only
 * with our own `Origin`, since the Origin rule trusts our origin alone, not the whole site;
 * `same-origin`, `none` (typed or bookmarked) and no header (older browsers, non-browser clients)
 * pass, as before.
 */
export function originAllowed(c: Context, publicOrigin: string): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== publicOrigin) return false;
  const site = c.req.header("sec-fetch-site")?.trim().toLowerCase();
  if (site === "cross-site") return false;
  if (site === "same-site") return origin === publicOrigin;
  return true;
}
