/** Google Health API scopes PowerToken asks for (docs/google-health-api.md#scopes). */
export const GOOGLE_HEALTH_SCOPES = {
  activityRead: "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
  activityWrite: "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.writeonly",
  settingsRead: "https://www.googleapis.com/auth/googlehealth.settings.readonly",
} as const;

/** Legacy Fitbit scopes PowerToken needs (docs/fitbit-web-api.md#scopes-and-app-settings). */
export const FITBIT_SCOPES = { activity: "activity", profile: "profile" } as const;

/** Everything the OAuth client needs to know about one authorization server. */
export interface OAuthProvider {
  /** `google` or `fitbit`. */
  readonly id: "google" | "fitbit";
  /** Name used in errors and `onRequest`: `google-oauth` or `fitbit-oauth`. */
  readonly api: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  /** Scopes requested on the consent screen. */
  readonly scopes: readonly string[];
  /** Scopes without which PowerToken cannot work; a grant lacking one is INSUFFICIENT_SCOPE. */
  readonly requiredScopes: readonly string[];
  /** How the client authenticates at the token endpoint. */
  readonly clientAuth: "basic" | "post";
  /** Extra authorize parameters (Google: `access_type=offline`, `prompt=consent`). */
  readonly authorizeParams: Readonly<Record<string, string>>;
  /** True when every refresh returns a new single-use refresh token (docs/fitbit-web-api.md#refresh-tokens). */
  readonly rotatesRefreshTokens: boolean;
}

/** Settings of a provider; endpoints default to the real ones and can point at a simulator. */
export interface OAuthProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  /** Replace the requested scopes. @default the scopes PowerToken needs */
  scopes?: string[];
}

/**
 * Google OAuth 2.0 for the Google Health API: Web-application client, offline access with a
 * consent prompt (so re-consent yields a refresh token), PKCE S256, readonly + writeonly scopes.
 * @example googleOAuthProvider({ clientId, clientSecret, redirectUri: "https://pt.example/callback" })
 */
export function googleOAuthProvider(options: OAuthProviderOptions): OAuthProvider {
  const scopes = options.scopes ?? [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite, GOOGLE_HEALTH_SCOPES.settingsRead];
  return {
    id: "google",
    api: "google-oauth",
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    authorizationEndpoint: options.authorizationEndpoint ?? "https://accounts.google.com/o/oauth2/v2/auth",
    tokenEndpoint: options.tokenEndpoint ?? "https://oauth2.googleapis.com/token",
    revocationEndpoint: options.revocationEndpoint ?? "https://oauth2.googleapis.com/revoke",
    scopes,
    // Issue 13 item 8: only what the work needs (write our exercise, read it back); a participant
    // who unticks settings.readonly keeps working, the time zone then comes from their record.
    requiredScopes: [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite],
    clientAuth: "post",
    // docs/google-health-api.md#oauth-endpoints: offline for a refresh token, consent so a reconnect issues a new one; no include_granted_scopes.
    authorizeParams: { access_type: "offline", prompt: "consent" },
    rotatesRefreshTokens: false,
  };
}

/**
 * Fitbit OAuth 2.0 for the legacy Web API ("Server" app: HTTP Basic at the token endpoint,
 * single-use rotating refresh tokens). The real endpoints answer 410 since 2026-11-02.
 */
export function fitbitOAuthProvider(options: OAuthProviderOptions): OAuthProvider {
  const scopes = options.scopes ?? [FITBIT_SCOPES.activity, FITBIT_SCOPES.profile];
  return {
    id: "fitbit",
    api: "fitbit-oauth",
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    authorizationEndpoint: options.authorizationEndpoint ?? "https://www.fitbit.com/oauth2/authorize",
    tokenEndpoint: options.tokenEndpoint ?? "https://api.fitbit.com/oauth2/token",
    revocationEndpoint: options.revocationEndpoint ?? "https://api.fitbit.com/oauth2/revoke",
    scopes,
    // `profile` only gives the time zone, which has a fallback (docs/fitbit-web-api.md#q7-unticked-scopes); `activity` is essential.
    requiredScopes: [FITBIT_SCOPES.activity],
    clientAuth: "basic",
    authorizeParams: {},
    rotatesRefreshTokens: true,
  };
}
