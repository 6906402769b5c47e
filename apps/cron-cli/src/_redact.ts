/** Property names whose values are secrets wherever they appear. */
const SECRET_NAMES = /^(access_?token|refresh_?token|token|password|client_?secret|secret|key|encryption_?key|code_?verifier)$/i;

/**
 * A deep copy with secret-looking fields replaced by "[redacted]": a last line of defence so
 * `--json` never prints a token even if a result object carries one by mistake.
 */
export function redactForOutput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForOutput);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      out[name] = SECRET_NAMES.test(name) && typeof inner === "string" && inner !== "[set]" ? "[redacted]" : redactForOutput(inner);
    }
    return out;
  }
  return value;
}
