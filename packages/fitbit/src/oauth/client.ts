import * as oauth from "oauth4webapi";
import { FitbitError } from "../errors.js";
import { codeForStatus, parseJsonOrNull, retryAfterMsFrom } from "../_http.js";
import { redactSecrets } from "../_redact.js";
import type { TokenSet } from "../token-store.js";
import type { RequestInfo } from "../tracker.js";
import type { OAuthProvider } from "./provider.js";
import { OAuthErrorBodySchema, TokenResponseSchema } from "./schemas.js";

/** Tokens from a grant or refresh; `userId` is Fitbit's `user_id` (null on Google). */
export interface OAuthTokens extends TokenSet {
  userId: string | null;
}

/** Options of `createOAuthClient`. */
export interface OAuthClientOptions {
  fetch?: typeof globalThis.fetch;
  /** @default 10_000 */
  timeoutMs?: number;
  onRequest?: (info: RequestInfo) => void;
  /** Clock for `expiresAt`. @default () => new Date() */
  now?: () => Date;
}

/** Input of `exchangeCode`: the redirect the participant came back with, or its `code`. */
export interface ExchangeCodeInput {
  /** The full callback URL (or its query string); its `state` is checked against `expectedState`. */
  callbackUrl?: string | URL;
  /** Alternatively the bare code (state already checked by the caller). */
  code?: string;
  expectedState: string;
  codeVerifier: string;
}

/** OAuth 2.0 operations against one provider. */
export interface OAuthClient {
  readonly provider: OAuthProvider;
  /** The consent URL to send the participant to (PKCE S256 + state). */
  authorizationUrl(input: { state: string; codeChallenge: string; loginHint?: string }): string;
  /** Trades the authorization code for tokens and checks the granted scopes. @throws FitbitError INSUFFICIENT_SCOPE, REAUTH_REQUIRED, BAD_REQUEST */
  exchangeCode(input: ExchangeCodeInput): Promise<OAuthTokens>;
  /**
   * Refreshes an access token. On Fitbit the returned refresh token replaces the old one, which
   * is now dead: persist it before anything else. Google keeps the old one unless it sends a new one.
   * @throws FitbitError REAUTH_REQUIRED (invalid_grant), CONFLICT (Fitbit 409), NETWORK, SERVER, API_GONE
   */
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** Revokes a token (on both providers this ends the whole grant). */
  revoke(token: string): Promise<void>;
  /** Required scopes missing from `granted`. */
  missingScopes(granted: readonly string[]): string[];
}

/**
 * Creates an OAuth client for Google or Fitbit. Built on oauth4webapi (given our `fetch` through
 * its `customFetch` option); error bodies are parsed here because Fitbit's envelope is not
 * RFC 6749 and embeds tokens in messages, which we redact.
 * @example
 * const client = createOAuthClient(googleOAuthProvider({ clientId, clientSecret, redirectUri }));
 * const { codeVerifier, codeChallenge } = await createPkce();
 * const url = client.authorizationUrl({ state: createState(), codeChallenge });
 */
export function createOAuthClient(provider: OAuthProvider, options: OAuthClientOptions = {}): OAuthClient {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const as: oauth.AuthorizationServer = {
    issuer: new URL(provider.authorizationEndpoint).origin,
    authorization_endpoint: provider.authorizationEndpoint,
    token_endpoint: provider.tokenEndpoint,
    revocation_endpoint: provider.revocationEndpoint,
  };
  const client: oauth.Client = { client_id: provider.clientId };
  const clientAuth =
    provider.clientAuth === "basic" ? oauth.ClientSecretBasic(provider.clientSecret) : oauth.ClientSecretPost(provider.clientSecret);
  const loopback = [provider.tokenEndpoint, provider.revocationEndpoint].every((u) => {
    const { protocol, hostname } = new URL(u);
    return protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  });
  if (!loopback) throw new FitbitError("BAD_REQUEST", `${provider.api}: token and revocation endpoints must use https (plain http only on loopback).`);

  const requestOptions = (endpoint: string) => ({
    signal: AbortSignal.timeout(timeoutMs),
    [oauth.allowInsecureRequests]: true, // checked above: https, or plain http to a loopback simulator only
    [oauth.customFetch]: async (url: string, init: oauth.CustomFetchOptions<string, unknown>) => {
      const started = performance.now();
      let status = 0;
      try {
        const response = await (options.fetch ?? globalThis.fetch)(url, init as RequestInit);
        status = response.status;
        return response;
      } finally {
        options.onRequest?.({ api: provider.api, endpoint, method: init.method ?? "POST", operation: oauthOperation(endpoint), status, durationMs: performance.now() - started, attempt: 1 });
      }
    },
  });

  async function call(endpoint: string, secrets: string[], send: () => Promise<Response>): Promise<Response> {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      const detail = error instanceof Error ? redactSecrets(`${error.name}: ${error.message}`, secrets) : "unknown";
      throw new FitbitError("NETWORK", `Could not reach ${provider.api} for ${endpoint} (${detail}).`, {
        endpoint,
        api: provider.api,
        cause: new Error(detail),
      });
    }
    if (response.ok) return response;
    throw errorFromResponse(provider, endpoint, response.status, response.headers, await response.text(), secrets);
  }

  async function tokens(endpoint: string, response: Response, process: (r: Response) => Promise<unknown>, fallbackRefresh: string | null): Promise<OAuthTokens> {
    let raw: unknown;
    try {
      raw = await process(response);
    } catch {
      // oauth4webapi errors carry the body (tokens) in `cause`: never pass them on.
      throw new FitbitError("INVALID_RESPONSE", `${provider.api} answered ${endpoint} with an invalid token response.`, { endpoint, api: provider.api });
    }
    const parsed = TokenResponseSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FitbitError(
        "INVALID_RESPONSE",
        `${provider.api} answered ${endpoint} with an invalid token response (${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}).`,
        { endpoint, api: provider.api },
      );
    }
    const body = parsed.data;
    return {
      accessToken: body.access_token,
      // Google normally omits refresh_token on refresh and the old one stays valid (docs/google-health-api.md#token-refresh).
      refreshToken: body.refresh_token ?? fallbackRefresh,
      expiresAt: new Date(now().getTime() + body.expires_in * 1000),
      scopes: body.scope === undefined ? [...provider.scopes] : body.scope.split(/[\s,]+/).filter(Boolean),
      userId: body.user_id ?? null,
    };
  }

  const missingScopes = (granted: readonly string[]) => provider.requiredScopes.filter((s) => !granted.includes(s));

  return {
    provider,
    missingScopes,
    authorizationUrl({ state, codeChallenge, loginHint }) {
      const url = new URL(provider.authorizationEndpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", provider.clientId);
      url.searchParams.set("redirect_uri", provider.redirectUri);
      url.searchParams.set("scope", provider.scopes.join(" "));
      url.searchParams.set("state", state);
      url.searchParams.set("code_challenge", codeChallenge);
      url.searchParams.set("code_challenge_method", "S256");
      for (const [key, value] of Object.entries(provider.authorizeParams)) url.searchParams.set(key, value);
      if (loginHint) url.searchParams.set("login_hint", loginHint);
      return url.toString();
    },
    async exchangeCode(input) {
      const endpoint = "POST /token (authorization_code)";
      const params = input.callbackUrl !== undefined ? callbackParams(input.callbackUrl) : new URLSearchParams({ code: input.code ?? "", state: input.expectedState });
      let validated: URLSearchParams;
      try {
        validated = oauth.validateAuthResponse(as, client, params, input.expectedState);
      } catch (error) {
        const denied = error instanceof oauth.AuthorizationResponseError ? error.error : undefined;
        throw new FitbitError(
          denied === "access_denied" ? "REAUTH_REQUIRED" : "BAD_REQUEST",
          denied === "access_denied"
            ? "The participant declined access on the consent screen. Ask them to connect again and approve."
            : `The OAuth callback is not valid (${denied ?? "state mismatch or missing code"}). Start the connection again.`,
          { endpoint, api: provider.api, upstreamCode: denied },
        );
      }
      const secrets = [validated.get("code") ?? "", input.codeVerifier, provider.clientSecret];
      const response = await call(endpoint, secrets, () =>
        oauth.authorizationCodeGrantRequest(as, client, clientAuth, validated, provider.redirectUri, input.codeVerifier, requestOptions(endpoint)),
      );
      const result = await tokens(endpoint, response, (r) => oauth.processAuthorizationCodeResponse(as, client, r), null);
      const missing = missingScopes(result.scopes);
      if (missing.length > 0) {
        throw new FitbitError(
          "INSUFFICIENT_SCOPE",
          `The participant did not grant ${missing.map(permissionName).join(" and ")} (${missing.join(", ")}). Their account needs consent: ask them to connect again and tick that permission.`,
          { endpoint, api: provider.api, missingScopes: missing },
        );
      }
      return result;
    },
    async refresh(refreshToken) {
      const endpoint = "POST /token (refresh_token)";
      const response = await call(endpoint, [refreshToken, provider.clientSecret], () =>
        oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, requestOptions(endpoint)),
      );
      return tokens(endpoint, response, (r) => oauth.processRefreshTokenResponse(as, client, r), refreshToken);
    },
    async revoke(token) {
      const endpoint = "POST /revoke";
      await call(endpoint, [token, provider.clientSecret], () => oauth.revocationRequest(as, client, clientAuth, token, requestOptions(endpoint)));
    },
  };
}

function callbackParams(callback: string | URL): URLSearchParams {
  if (callback instanceof URL) return callback.searchParams;
  if (/^https?:/i.test(callback)) return new URL(callback).searchParams;
  return new URLSearchParams(callback.startsWith("?") ? callback.slice(1) : callback);
}

/** Maps a token/revoke endpoint failure; the upstream message is redacted (Fitbit embeds the token). */
function errorFromResponse(provider: OAuthProvider, endpoint: string, status: number, headers: Headers, text: string, secrets: string[]): FitbitError {
  const parsed = OAuthErrorBodySchema.safeParse(parseJsonOrNull(text));
  let upstreamCode: string | undefined;
  let detail = "";
  if (parsed.success) {
    const body = parsed.data;
    if ("error" in body) {
      upstreamCode = body.error;
      detail = body.error_description ?? "";
    } else {
      upstreamCode = body.errors[0]!.errorType;
      detail = body.errors[0]!.message ?? "";
    }
  }
  const said = detail ? `: ${redactSecrets(detail, secrets)}` : "";
  const extra = { status, endpoint, api: provider.api, upstreamCode, retryAfterMs: retryAfterMsFrom(headers) };
  if (upstreamCode === "invalid_grant") {
    return new FitbitError(
      "REAUTH_REQUIRED",
      `${provider.api} rejected the refresh token or code (invalid_grant${said}). The participant must connect their account again.`,
      extra,
    );
  }
  if (status === 410) {
    return new FitbitError("API_GONE", `${provider.api} is switched off (410). Move this participant to Google Health and have them connect again.`, extra);
  }
  if (upstreamCode === "invalid_client" || upstreamCode === "unauthorized_client") {
    return new FitbitError("UNAUTHORIZED", `${provider.api} rejected the OAuth client credentials (${upstreamCode}). Check the client id and secret.`, extra);
  }
  const code = codeForStatus(status);
  return new FitbitError(code, `${provider.api} answered ${endpoint} with ${status}${upstreamCode ? ` ${upstreamCode}` : ""}${said}.`, extra);
}

/** The `RequestInfo.operation` of an OAuth endpoint label, so counters never parse labels. */
function oauthOperation(endpoint: string): "token-exchange" | "token-refresh" | "token-revoke" {
  if (endpoint.includes("refresh_token")) return "token-refresh";
  if (endpoint.includes("/revoke")) return "token-revoke";
  return "token-exchange";
}

/** Plain words for a scope in a message to a study team (Google asks for no generic errors). */
function permissionName(scope: string): string {
  if (scope.endsWith("activity_and_fitness.writeonly")) return "permission to add activity data";
  if (scope.endsWith("activity_and_fitness.readonly")) return "permission to read activity data";
  if (scope.endsWith("settings.readonly")) return "permission to read settings";
  return scope;
}
