import type { Logger, PowerTokenRuntime } from "@powertoken/core";
import type { ConsentBackend } from "./options.js";
import type { CookiePolicy } from "./security/cookies.js";
import type { PageFrame } from "./pages/layout.js";

/** What the routes share, resolved once from the options. */
export interface WebDeps {
  runtime: PowerTokenRuntime;
  frame: PageFrame;
  /** `publicUrl` without a trailing slash. */
  publicUrl: string;
  publicOrigin: string;
  cookies: CookiePolicy;
  cookieKey: Buffer;
  log: Logger;
  consentBackend: ConsentBackend;
  trustProxy: boolean;
}

/** How a backend is named to participants. */
export function backendLabel(backend: string): string {
  return backend === "fitbit-legacy" ? "Fitbit" : "Google Health";
}

/** The part of a study name a page may show: the first word, nothing more personal. */
export function firstNameOf(name: string): string {
  const first = name.trim().split(/[\s._-]+/)[0] ?? "";
  return first ? first.charAt(0).toUpperCase() + first.slice(1) : "there";
}
