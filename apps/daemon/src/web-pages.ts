import type { RequestListener } from "node:http";
import type { Logger, PowerTokenConfig, PowerTokenRuntime } from "@powertoken/core";
import { createWebApp, toNodeListener } from "@powertoken/web";
import { DaemonError } from "./errors.js";

/**
 * Check the `web` section before anything starts: with `web.publicUrl` set, the pages also need
 * `web.studyName` and `web.contact` (every page shows both; a participant with a broken link must
 * know whom to ask).
 * @throws DaemonError WEB_CONFIG_INCOMPLETE
 */
export function checkWebConfig(config: PowerTokenConfig): void {
  const { publicUrl, studyName, contact } = config.web;
  if (publicUrl === undefined) return;
  const missing = [studyName === undefined ? "web.studyName (POWERTOKEN_WEB_STUDY_NAME)" : null, contact === undefined ? "web.contact (POWERTOKEN_WEB_CONTACT)" : null].filter(
    (key): key is string => key !== null,
  );
  if (missing.length > 0) {
    throw new DaemonError("WEB_CONFIG_INCOMPLETE", `web.publicUrl is set, so the daemon serves the participant pages, which also need ${missing.join(" and ")}. Set them, or unset web.publicUrl.`, {
      key: missing[0]!.split(" ")[0]!,
    });
  }
}

/**
 * The participant pages and the dashboard of `@powertoken/web` as a node:http listener, or
 * undefined (logged once) when `web.publicUrl` is not configured: then only `/healthz`, `/readyz`
 * and `/metrics` answer.
 */
export function createWebListener(config: PowerTokenConfig, runtime: PowerTokenRuntime, log: Logger): RequestListener | undefined {
  const { publicUrl, studyName, contact, trustProxy } = config.web;
  if (publicUrl === undefined || studyName === undefined || contact === undefined) {
    log.info("web pages off: set web.publicUrl, web.studyName and web.contact to serve invite links and the dashboard");
    return undefined;
  }
  log.info("web pages on", { publicUrl, trustProxy });
  return toNodeListener(createWebApp({ runtime, publicUrl, studyName, contact, trustProxy, log }));
}
