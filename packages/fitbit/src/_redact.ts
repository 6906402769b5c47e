/** What replaces a secret in any text we keep. */
export const REDACTED = "[redacted]";

// Shapes of credentials that can appear in upstream messages even when we do not know the value:
// JWT access tokens (Fitbit's are HS256 JWTs, docs/fitbit-web-api.md#token-response), "Bearer x", `token: x` in
// Fitbit's "Refresh token invalid: <token>" (docs/fitbit-web-api.md#refresh-tokens), and form/query fields carrying tokens.
const PATTERNS: RegExp[] = [
  // Google OAuth: access tokens start "ya29.", refresh tokens "1//" (whatever token an upstream echoes).
  /\bya29\.[A-Za-z0-9._~-]+/g,
  /(?<![A-Za-z0-9])1\/\/[A-Za-z0-9._~-]{10,}/g,
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+/gi,
  /\b((?:access|refresh)?[_ ]?token[^:=\n]{0,20}[:=]\s*)([^\s&",.]+)/gi,
  /\b((?:access_token|refresh_token|code|code_verifier|client_secret|token)=)([^\s&"]+)/gi,
];

/**
 * Removes secrets from a text before it reaches an error, a log or a test: every known secret
 * (tokens, client secret) verbatim, plus anything shaped like a bearer/JWT/refresh token.
 * Safe to call on any upstream message; the legacy client uses it on Fitbit's `message` fields.
 * @example redactSecrets("Refresh token invalid: abc123.", ["abc123"]) // "Refresh token invalid: [redacted]."
 */
export function redactSecrets(text: string, knownSecrets: Iterable<string | null | undefined> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Very short values (e.g. a 3-char test fixture) would shred ordinary words; they are still caught by the patterns.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match: string, prefix?: string) =>
      typeof prefix === "string" && match.startsWith(prefix) && prefix !== match ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}
