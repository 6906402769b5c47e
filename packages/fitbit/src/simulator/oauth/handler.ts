import { json, readParams } from "../_server.js";
import { renderConsentPage } from "./consent-page.js";
import type { OAuthSimulatorState } from "./state.js";

/**
 * Handles `<prefix>/authorize`, `<prefix>/token` and `<prefix>/revoke`; returns null for other paths.
 * With `settings.consent` "auto" the consent step approves at once (as `state.autoApprove`); with
 * "page" GET renders a consent form and its POST (Allow / Cancel) redirects.
 */
export async function handleOAuthRequest(state: OAuthSimulatorState, request: Request, prefix: string): Promise<Response | null> {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(prefix + "/")) return null;
  const action = url.pathname.slice(prefix.length + 1);
  if (action === "authorize" && request.method === "GET") return authorize(state, url);
  if (action === "authorize" && request.method === "POST") return decide(state, new URL(`?${await request.text()}`, url));
  if (action === "token" && request.method === "POST") return token(state, request);
  if (action === "revoke" && request.method === "POST") return revoke(state, request);
  return null;
}

const CARRIED = ["client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method", "login_hint"] as const;

/** The authorize request's problem, shown to the user rather than the app (docs/fitbit-web-api.md#authorize), or null. */
function invalidAuthorize(state: OAuthSimulatorState, q: URLSearchParams): Response | null {
  if (q.get("client_id") !== state.client.clientId || !q.get("redirect_uri") || q.get("response_type") !== "code") {
    return new Response("invalid_request: unknown client, missing redirect_uri or unsupported response_type", { status: 400 });
  }
  const challenge = q.get("code_challenge");
  if (challenge !== null && (q.get("code_challenge_method") !== "S256" || challenge.length < 43 || challenge.length > 128)) {
    return new Response("invalid_request: code_challenge", { status: 400 });
  }
  return null;
}

/** Redirects back to the app with a code for `scopes`, or with `error=access_denied`. */
function redirectBack(state: OAuthSimulatorState, q: URLSearchParams, scopes: string[] | null, status: number): Response {
  const target = new URL(q.get("redirect_uri")!);
  if (scopes === null) {
    target.searchParams.set("error", "access_denied");
  } else {
    const userId = q.get("login_hint") ?? state.autoApprove.userId;
    target.searchParams.set("code", state.createCode({ userId, scopes, redirectUri: q.get("redirect_uri")!, codeChallenge: q.get("code_challenge") }));
  }
  const st = q.get("state");
  if (st !== null) target.searchParams.set("state", st);
  if (state.mode === "fitbit") target.hash = "_=_"; // docs/fitbit-web-api.md#authorize: Fitbit appended #_=_
  return new Response(null, { status, headers: { location: target.toString() } });
}

/** POST from the consent page: Allow grants only the ticked requested scopes; Cancel denies. */
function decide(state: OAuthSimulatorState, form: URL): Response {
  const q = form.searchParams;
  const invalid = invalidAuthorize(state, q);
  if (invalid) return invalid;
  if (q.get("decision") !== "allow") return redirectBack(state, q, null, 303);
  // Only scopes that were asked for: a hand-made POST cannot widen the grant.
  const requested = (q.get("requested_scope") ?? "").split(" ");
  return redirectBack(state, q, q.getAll("scope").filter((s) => requested.includes(s)), 303);
}

function authorize(state: OAuthSimulatorState, url: URL): Response {
  const q = url.searchParams;
  const invalid = invalidAuthorize(state, q);
  if (invalid) return invalid;
  const requested = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (state.settings.consent === "auto") {
    // Granular consent: the participant may untick scopes (docs/google-health-api.md#scopes, docs/fitbit-web-api.md#q7-unticked-scopes).
    const scopes = state.autoApprove.scopes === null ? requested : requested.filter((s) => state.autoApprove.scopes!.includes(s));
    return redirectBack(state, q, scopes, 302);
  }
  const carried: Record<string, string> = { requested_scope: requested.join(" ") };
  for (const name of CARRIED) {
    const value = q.get(name);
    if (value !== null) carried[name] = value;
  }
  const html = renderConsentPage({
    mode: state.mode,
    appName: state.settings.appName,
    userId: q.get("login_hint") ?? state.autoApprove.userId,
    scopes: requested,
    carried,
    action: url.pathname,
  });
  return new Response(html, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
}

function clientAuthenticated(state: OAuthSimulatorState, request: Request, params: Record<string, string>): boolean {
  const header = request.headers.get("authorization") ?? "";
  if (header.startsWith("Basic ")) {
    const [id, secret] = Buffer.from(header.slice(6), "base64").toString().split(":").map((p) => decodeURIComponent(p));
    return id === state.client.clientId && secret === state.client.clientSecret;
  }
  return params.client_id === state.client.clientId && params.client_secret === state.client.clientSecret;
}

function oauthError(state: OAuthSimulatorState, status: number, error: string, message: string): Response {
  // Fitbit uses its own envelope on the token endpoint (docs/fitbit-web-api.md#error-envelope); Google uses RFC 6749.
  return state.mode === "fitbit"
    ? json(status, { errors: [{ errorType: error, message }], success: false })
    : json(status, { error, error_description: message });
}

async function token(state: OAuthSimulatorState, request: Request): Promise<Response> {
  const params = await readParams(request);
  if (!clientAuthenticated(state, request, params)) return oauthError(state, 401, "invalid_client", "Invalid client credentials.");
  if (params.grant_type === "authorization_code") {
    const result = state.exchangeCode({ code: params.code ?? "", redirectUri: params.redirect_uri ?? "", codeVerifier: params.code_verifier });
    if (result === "invalid_grant") return oauthError(state, 400, "invalid_grant", "Authorization code invalid or expired, or code_verifier mismatch.");
    return json(200, result);
  }
  if (params.grant_type === "refresh_token") {
    const presented = params.refresh_token ?? "";
    const result = state.refresh(presented);
    // docs/fitbit-web-api.md#refresh-tokens: 409 on concurrent refresh; body UNDOCUMENTED, we send the usual envelope.
    if (result === "conflict") return oauthError(state, 409, "conflict", "Another request is refreshing this token.");
    if (result === "invalid_grant") {
      // Like the real Fitbit server, the message embeds the token (so clients must redact it).
      return state.mode === "fitbit"
        ? oauthError(state, 400, "invalid_grant", `Refresh token invalid: ${presented}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`)
        : oauthError(state, 400, "invalid_grant", "Token has been expired or revoked.");
    }
    return json(200, result);
  }
  return oauthError(state, 400, "unsupported_grant_type", "Unsupported grant_type.");
}

async function revoke(state: OAuthSimulatorState, request: Request): Promise<Response> {
  const params = await readParams(request);
  if (state.mode === "fitbit" && !clientAuthenticated(state, request, params)) return oauthError(state, 401, "invalid_client", "Invalid client credentials.");
  state.revokeToken(params.token ?? "");
  return json(200, {});
}
