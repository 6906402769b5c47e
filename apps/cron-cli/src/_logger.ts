import type { Logger, LogFields } from "@powertoken/core";
import type { Output } from "./_output.js";
import { redactForOutput } from "./_redact.js";

/**
 * Adapts the output layer to core's `Logger`; fields become `key=value` after the message.
 * `beforeLine` runs before each printed line (the progress display erases its line there).
 */
export function createCliLogger(out: Output, options: { verbose?: boolean; quiet?: boolean; beforeLine?: () => void } = {}): Logger {
  const before = options.beforeLine ?? (() => {});
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
      if (!options.verbose) return;
      before();
      out.log.debug(format(m, f));
    },
    info: (m, f) => {
      if (options.quiet) return;
      before();
      out.log.info(format(m, f));
    },
    warn: (m, f) => {
      before();
      out.log.warn(format(m, f));
    },
    error: (m, f) => {
      before();
      out.log.error(format(m, f));
    },
  };
}
