/** Internal: scrub secrets and URLs out of text and error chains before they reach a WeconnectError. */

const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]+/gi;
const TOKEN_PARAM = /(access_token=)[^&\s"'<>]+/gi;

/** Remove every occurrence of the given secrets, any `access_token=` value and any URL. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("[redacted]");
  return out.replace(TOKEN_PARAM, "$1[redacted]").replace(URL_PATTERN, "[url]");
}

/**
 * Rebuild an error chain (name, message, `code`, at most 3 causes deep) with redacted messages.
 * The original errors are dropped: undici and other fetch implementations may keep the request
 * URL (and so the `access_token` query parameter, docs/weconnect-api.md#authentication) on the error or its cause.
 */
export function sanitizeCause(error: unknown, secrets: readonly string[], depth = 0): Error | undefined {
  if (error === undefined || error === null || depth > 3) return undefined;
  const source = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const message = typeof source.message === "string" ? source.message : String(error);
  const copy = new Error(redact(message, secrets));
  copy.name = typeof source.name === "string" ? source.name : "Error";
  // The stack of the copy names only our frames and the redacted message.
  copy.stack = `${copy.name}: ${copy.message}`;
  if (typeof source.code === "string" || typeof source.code === "number") {
    (copy as Error & { code?: string | number }).code = source.code;
  }
  const inner = sanitizeCause(source.cause, secrets, depth + 1);
  if (inner) copy.cause = inner;
  return copy;
}

/** The system error code (ECONNREFUSED, UND_ERR_SOCKET, ...) somewhere in a fetch error's chain. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 4 && typeof current === "object" && current !== null; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
