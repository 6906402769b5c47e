import type { Logger, LogFields } from "@powertoken/core";
import type { Output } from "./_output.js";
import { redactForOutput } from "./_redact.js";

/** Adapts the output layer to core's `Logger`; fields become `key=value` after the message. */
export function createCliLogger(out: Output, options: { verbose?: boolean; quiet?: boolean } = {}): Logger {
  const format = (message: string, fields?: LogFields) => {
    if (fields === undefined) return message;
    const safe = redactForOutput(fields) as Record<string, unknown>;
    const parts = Object.entries(safe)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    return parts.length === 0 ? message : `${message} ${parts.join(" ")}`;
  };
  return {
    debug: (m, f) => {
      if (options.verbose) out.log.debug(format(m, f));
    },
    info: (m, f) => {
      if (!options.quiet) out.log.info(format(m, f));
    },
    warn: (m, f) => out.log.warn(format(m, f)),
    error: (m, f) => out.log.error(format(m, f)),
  };
}
