import { recordError, saveTrackerAccount } from "@powertoken/db";
import { createOAuthClient, createPkce, createState, isFitbitError, type FitbitError, type TrackerBackend } from "@powertoken/fitbit";
import type { ParticipantStatus } from "../data/core-data.js";
import { CoreError, isCoreError } from "../errors.js";
import { createOAuthProviderFromConfig } from "../runtime/oauth-provider-from-config.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";
import { requireKeys } from "./require-keys.js";
import { settleInTransaction } from "./settle-status.js";

/** What {@link beginTrackerConsent} takes. */
export interface BeginTrackerConsentInput {
  participantId: number;
  backend: TrackerBackend;
  /** Where the consent page sends the participant back. @default the backend's `redirectUri` setting */
  redirectUri?: string;
  /** The participant's account e-mail, to preselect it on the consent page. */
  loginHint?: string;
}

/** A consent in progress. Keep `state` and `codeVerifier` server-side (never in a URL) until the callback. */
export interface TrackerConsent {
  authorizationUrl: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * Start a tracker consent: the authorization URL (PKCE S256, a fresh `state`) to send the participant to.
 * @throws CoreError PARTICIPANT_NOT_FOUND, NOT_CONFIGURED (no OAuth client for the backend, or no encryption key)
 * @example const consent = await beginTrackerConsent(runtime, { participantId: 7, backend: "google-health" });
 */
export async function beginTrackerConsent(runtime: AdminRuntime, input: BeginTrackerConsentInput): Promise<TrackerConsent> {
  await findParticipant(runtime, input.participantId);
  const provider = createOAuthProviderFromConfig(runtime.config, input.backend, input.redirectUri === undefined ? {} : { redirectUri: input.redirectUri });
  requireKeys(runtime, "the tracker tokens");
  const client = createOAuthClient(provider, runtime.oauthOptions);
  const state = createState();
  const pkce = await createPkce();
  const authorizationUrl = client.authorizationUrl({ state, codeChallenge: pkce.codeChallenge, ...(input.loginHint ? { loginHint: input.loginHint } : {}) });
  return { authorizationUrl, state, codeVerifier: pkce.codeVerifier, redirectUri: provider.redirectUri };
}

/** What {@link completeTrackerConsent} takes: the callback and what {@link beginTrackerConsent} returned. */
export interface CompleteTrackerConsentInput {
  participantId: number;
  backend: TrackerBackend;
  /** The full address the consent page redirected to (with `code` and `state`, or `error`). */
  callbackUrl: string;
  expectedState: string;
  codeVerifier: string;
  /** The redirect the consent began with. @default the backend's `redirectUri` setting */
  redirectUri?: string;
}

/** What {@link completeTrackerConsent} returns. */
export interface CompleteTrackerConsentResult {
  backend: TrackerBackend;
  scopes: string[];
  /** The participant's state after the link. */
  status: ParticipantStatus;
}

/**
 * Finish a tracker consent: trade the code for tokens, store them encrypted and settle the
 * participant's state in one transaction. A legacy-Fitbit participant who consents on Google
 * Health moves to it (runs prefer the Google Health account; `needs-google-health` becomes
 * `active`). Nothing of the grant is stored when anything fails; a grant without a required
 * permission is recorded as the participant's latest error, naming it.
 * @throws CoreError PARTICIPANT_NOT_FOUND, NOT_CONFIGURED, CONSENT_DENIED, CONSENT_SCOPES_MISSING (with
 *   `missingScopes`), CONSENT_INVALID (state mismatch, replayed or foreign code); FitbitError NETWORK /
 *   SERVER / RATE_LIMITED when the token endpoint cannot be reached
 */
export async function completeTrackerConsent(runtime: AdminRuntime, input: CompleteTrackerConsentInput): Promise<CompleteTrackerConsentResult> {
  const participant = await findParticipant(runtime, input.participantId);
  const provider = createOAuthProviderFromConfig(runtime.config, input.backend, input.redirectUri === undefined ? {} : { redirectUri: input.redirectUri });
  const keys = requireKeys(runtime, "the tracker tokens");
  const client = createOAuthClient(provider, runtime.oauthOptions);
  let tokens;
  try {
    tokens = await client.exchangeCode({ callbackUrl: input.callbackUrl, expectedState: input.expectedState, codeVerifier: input.codeVerifier });
  } catch (error) {
    if (!isFitbitError(error)) throw error;
    const failure = consentFailure(error);
    // A partial grant is kept as the participant's latest error, naming the missing permission, so
    // the status report says why they still need consent (nothing of the grant is stored).
    if (isCoreError(failure) && failure.code === "CONSENT_SCOPES_MISSING") {
      await recordError(runtime.db.db, { at: runtime.ctx.now(), participantId: participant.id, origin: "consent:tracker", code: failure.code, message: failure.message });
    }
    throw failure;
  }
  const now = runtime.ctx.now();
  const status = await runtime.db.db.transaction().execute(async (trx) => {
    await saveTrackerAccount(trx, keys, {
      participantId: participant.id,
      backend: input.backend,
      externalUserId: tokens.userId,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      scopes: tokens.scopes,
      now,
    });
    return settleInTransaction(trx, runtime.db, participant.id, now);
  });
  runtime.ctx.log.info("tracker linked", { participantId: participant.id, backend: input.backend, status });
  return { backend: input.backend, scopes: tokens.scopes, status };
}

/** FitbitError messages carry no secret (the client redacts codes, verifiers and tokens). */
function consentFailure(error: FitbitError): CoreError | FitbitError {
  if (error.code === "INSUFFICIENT_SCOPE") {
    const missing = error.missingScopes ?? [];
    return new CoreError("CONSENT_SCOPES_MISSING", `The participant did not grant ${missing.join(", ")}. Ask them to connect again and leave every permission ticked.`, { missingScopes: missing, cause: error });
  }
  if (error.upstreamCode === "access_denied") {
    return new CoreError("CONSENT_DENIED", "The participant declined access on the consent screen. Ask them to connect again and approve.", { cause: error });
  }
  // A bad state or missing code (BAD_REQUEST before any request), or a code the server refused
  // (invalid_grant: replayed, expired, issued to another client or verifier).
  if (error.code === "BAD_REQUEST" || error.code === "REAUTH_REQUIRED") {
    return new CoreError("CONSENT_INVALID", "This consent answer is not valid here (wrong or reused link). Start the connection again.", { cause: error });
  }
  return error;
}
