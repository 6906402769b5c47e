import type { BeginTrackerConsentInput, Logger, PowerTokenRuntime } from "@powertoken/core";

/** A tracker backend a participant can consent on. */
export type ConsentBackend = BeginTrackerConsentInput["backend"];

/** What {@link createWebApp} takes; the daemon passes the `web.*` keys of the config. */
export interface WebAppOptions {
  /** From `createRuntime`: the database, clients and clock the pages work through. */
  runtime: PowerTokenRuntime;
  /** The https address participants reach (`web.publicUrl`); links and the OAuth redirect derive from it. */
  publicUrl: string;
  /** Shown on every page (`web.studyName`). */
  studyName: string;
  /** Who participants contact, shown on every page (`web.contact`). */
  contact: string;
  /**
   * Count dashboard sign-in failures per client address as the last `X-Forwarded-For` entry, the
   * one your reverse proxy appended, instead of the socket's. Only behind exactly one proxy of
   * yours that every request passes through: any entry before the last is what the client wrote.
   * @default false
   */
  trustProxy?: boolean;
  /** Where the app logs (invite ids and outcomes; never a secret). @default silent */
  log?: Logger;
  /** The backend new consents go to. @default "google-health" */
  consentBackend?: ConsentBackend;
  /**
   * Key for the app's sealed cookies (CSRF and OAuth state), 32 bytes. Default: derived from the
   * token encryption key, so every replica and restart agrees; a random per-process key when the
   * runtime has none (then a restart voids consents in progress).
   */
  cookieKey?: Uint8Array;
}
