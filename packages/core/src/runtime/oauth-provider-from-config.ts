import { fitbitOAuthProvider, googleOAuthProvider, type OAuthProvider, type TrackerBackend } from "@powertoken/fitbit";
import type { PowerTokenConfig } from "../config/schema.js";
import { CoreError } from "../errors.js";

/** What {@link createOAuthProviderFromConfig} takes besides the config and backend. */
export interface OAuthProviderFromConfigOptions {
  /** Use this redirect instead of the backend's `redirectUri` setting (a loopback port, the web app's callback). */
  redirectUri?: string;
}

const SETTINGS = {
  "google-health": { section: "googleHealth", env: "POWERTOKEN_GOOGLE", make: googleOAuthProvider },
  "fitbit-legacy": { section: "fitbitLegacy", env: "POWERTOKEN_FITBIT", make: fitbitOAuthProvider },
} as const;

/** True when the config holds an OAuth client id and secret for the backend. */
export function isBackendConfigured(config: PowerTokenConfig, backend: TrackerBackend): boolean {
  const section = config[SETTINGS[backend].section];
  return section.clientId !== undefined && section.clientSecret !== undefined;
}

/**
 * The NOT_CONFIGURED error for a backend without an OAuth client, naming its config keys and
 * environment variables. One wording for every place that finds the client missing (building a
 * provider, a maintenance run whose participants need the backend), so an operator reads the same
 * fix wherever it shows up.
 * @example throw oauthClientNotConfigured("google-health"); // key: "googleHealth.clientId"
 */
export function oauthClientNotConfigured(backend: TrackerBackend): CoreError {
  const { section: key, env } = SETTINGS[backend];
  return new CoreError(
    "NOT_CONFIGURED",
    `No OAuth client for ${backend}: set ${key}.clientId and ${key}.clientSecret (or ${env}_CLIENT_ID and ${env}_CLIENT_SECRET, or a mode-0600 file named by ${env}_CLIENT_SECRET_FILE).`,
    { key: `${key}.clientId` },
  );
}

/**
 * The backend's OAuth provider built from the config (client, endpoints, redirect): the one place
 * the CLI, the daemon, the web app and `createRuntime` turn settings into a provider.
 * @throws CoreError NOT_CONFIGURED (naming the config keys and environment variables) when the client id or secret is missing
 * @example
 * const provider = createOAuthProviderFromConfig(config, "google-health", { redirectUri: "http://127.0.0.1:8123/callback" });
 */
export function createOAuthProviderFromConfig(config: PowerTokenConfig, backend: TrackerBackend, options: OAuthProviderFromConfigOptions = {}): OAuthProvider {
  const { section: key, make } = SETTINGS[backend];
  const section = config[key];
  if (section.clientId === undefined || section.clientSecret === undefined) throw oauthClientNotConfigured(backend);
  return make({
    clientId: section.clientId,
    clientSecret: section.clientSecret,
    redirectUri: options.redirectUri ?? section.redirectUri,
    authorizationEndpoint: section.authorizationUrl,
    tokenEndpoint: section.tokenUrl,
    revocationEndpoint: section.revocationUrl,
  });
}

/** The OAuth redirect of the web app's consent, `<web.publicUrl>/oauth/callback`, or undefined when `web.publicUrl` is not set. */
export function webOAuthRedirectUri(config: PowerTokenConfig): string | undefined {
  if (config.web.publicUrl === undefined) return undefined;
  return `${config.web.publicUrl.replace(/\/+$/, "")}/oauth/callback`;
}
