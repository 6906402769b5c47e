import type { MiddlewareHandler } from "hono";

/**
 * No script at all, styles only from our stylesheet, forms only to us, never framed.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Sets the security headers on every response; HSTS only when the public address is https. */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Content-Type-Options", "nosniff");
    // Pages carry the invite secret in their path: no Referer may leave for another origin.
    // `same-origin`, not `no-referrer`: under the latter Chrome sends `Origin: null` on our own
    // form posts, which the CSRF origin check must then refuse.
    c.header("Referrer-Policy", "same-origin");
    c.header("X-Frame-Options", "DENY");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    c.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
    if (options.https) c.header("Strict-Transport-Security", "max-age=31536000");
  };
}
