import { z } from "zod";

/** The cookie that carries a consent in progress from `/p/:token/connect` to `/oauth/callback`. */
export const OAUTH_COOKIE = "pt_oauth";
/** A consent must come back within 15 minutes. */
export const OAUTH_COOKIE_TTL_S = 15 * 60;

/** What the sealed cookie holds (short keys: it travels with every request for 15 minutes). */
export const PendingConsentSchema = z.object({
  /** The invite secret, to resolve the link again and send the participant back to it. */
  t: z.string(),
  /** OAuth `state`. */
  s: z.string(),
  /** PKCE code verifier. */
  v: z.string(),
  /** Participant id. */
  p: z.number().int(),
  /** Invite id, for logs. */
  i: z.number().int(),
  b: z.enum(["google-health", "fitbit-legacy"]),
  /** The redirect URI the consent began with. */
  r: z.string(),
  /** Expiry, epoch milliseconds. */
  e: z.number(),
});

/** A consent in progress. */
export type PendingConsent = z.infer<typeof PendingConsentSchema>;
