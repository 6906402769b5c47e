import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Cookie settings shared by the app: HttpOnly, SameSite=Lax, Secure (and `__Host-`) on https. */
export interface CookiePolicy {
  secure: boolean;
}

/** The cookie's real name: `__Host-` prefixed on https, so no subdomain can set or shadow it. */
export function cookieName(policy: CookiePolicy, base: string): string {
  return policy.secure ? `__Host-${base}` : base;
}

/** Reads one of our cookies. */
export function readCookie(c: Context, policy: CookiePolicy, base: string): string | undefined {
  return getCookie(c, cookieName(policy, base));
}

/** Writes one of our cookies (HttpOnly, SameSite=Lax unless told Strict, Path=/, Secure on https). */
export function writeCookie(c: Context, policy: CookiePolicy, base: string, value: string, maxAgeSeconds: number, sameSite: "Lax" | "Strict" = "Lax"): void {
  setCookie(c, cookieName(policy, base), value, { httpOnly: true, sameSite, secure: policy.secure, path: "/", maxAge: maxAgeSeconds });
}

/** Removes one of our cookies. */
export function clearCookie(c: Context, policy: CookiePolicy, base: string): void {
  deleteCookie(c, cookieName(policy, base), { path: "/", secure: policy.secure, httpOnly: true, sameSite: "Lax" });
}
