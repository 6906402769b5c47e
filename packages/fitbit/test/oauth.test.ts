import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthClient, createPkce, createState, fitbitOAuthProvider, googleOAuthProvider, GOOGLE_HEALTH_SCOPES } from "../src/index.js";
import { startOAuthSimulator, type OAuthSimulator } from "../src/simulator/index.js";
import { everythingIn } from "./_helpers.js";

const redirectUri = "http://127.0.0.1:9/callback";
let google: OAuthSimulator;
let fitbit: OAuthSimulator;

const endpoints = (sim: OAuthSimulator) => ({
  authorizationEndpoint: `${sim.oauthUrl}/authorize`,
  tokenEndpoint: `${sim.oauthUrl}/token`,
  revocationEndpoint: `${sim.oauthUrl}/revoke`,
});
const googleClient = () => createOAuthClient(googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri, ...endpoints(google) }));
const fitbitClient = () => createOAuthClient(fitbitOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri, ...endpoints(fitbit) }));

/** Follows the consent step like a browser would, returning the callback URL. */
async function consent(url: string): Promise<string> {
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

beforeAll(async () => {
  google = await startOAuthSimulator({ mode: "google" });
  fitbit = await startOAuthSimulator({ mode: "fitbit" });
});
afterAll(async () => {
  await google.close();
  await fitbit.close();
});

describe("OAuth client", () => {
  it("builds a Google consent URL with state, PKCE S256, offline access, consent prompt and both scopes", async () => {
    const { codeChallenge } = await createPkce();
    const url = new URL(googleClient().authorizationUrl({ state: "st-1", codeChallenge }));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "sim-client",
      redirect_uri: redirectUri,
      state: "st-1",
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
      access_type: "offline",
      prompt: "consent",
      scope: [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite, GOOGLE_HEALTH_SCOPES.settingsRead].join(" "),
    });
    expect(createState()).not.toBe(createState());
  });

  it("exchanges a code with PKCE and returns tokens with the granted scopes", async () => {
    const client = googleClient();
    const { codeVerifier, codeChallenge } = await createPkce();
    const state = createState();
    const callback = await consent(client.authorizationUrl({ state, codeChallenge }));
    const tokens = await client.exchangeCode({ callbackUrl: callback, expectedState: state, codeVerifier });
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.scopes).toContain(GOOGLE_HEALTH_SCOPES.activityWrite);
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it("rejects a wrong code_verifier as REAUTH_REQUIRED (invalid_grant) and a wrong state as BAD_REQUEST", async () => {
    const client = googleClient();
    const { codeChallenge } = await createPkce();
    const other = await createPkce();
    const callback = await consent(client.authorizationUrl({ state: "s", codeChallenge }));
    await expect(client.exchangeCode({ callbackUrl: callback, expectedState: "other", codeVerifier: other.codeVerifier })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(client.exchangeCode({ callbackUrl: callback, expectedState: "s", codeVerifier: other.codeVerifier })).rejects.toMatchObject({ code: "REAUTH_REQUIRED", upstreamCode: "invalid_grant" });
  });

  it("names the scopes a participant unticked (INSUFFICIENT_SCOPE)", async () => {
    const client = googleClient();
    google.state.autoApprove.scopes = [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.settingsRead];
    try {
      const { codeVerifier, codeChallenge } = await createPkce();
      const callback = await consent(client.authorizationUrl({ state: "s", codeChallenge }));
      await expect(client.exchangeCode({ callbackUrl: callback, expectedState: "s", codeVerifier })).rejects.toMatchObject({
        code: "INSUFFICIENT_SCOPE",
        missingScopes: [GOOGLE_HEALTH_SCOPES.activityWrite],
        message: expect.stringContaining("permission to add activity data") as string,
      });
    } finally {
      google.state.autoApprove.scopes = null;
    }
  });

  it("accepts a Google grant without settings.readonly (partial consent: the time zone comes from the participant's record)", async () => {
    const client = googleClient();
    google.state.autoApprove.scopes = [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite];
    try {
      const { codeVerifier, codeChallenge } = await createPkce();
      const callback = await consent(client.authorizationUrl({ state: "s", codeChallenge }));
      const tokens = await client.exchangeCode({ callbackUrl: callback, expectedState: "s", codeVerifier });
      expect(tokens.scopes).not.toContain(GOOGLE_HEALTH_SCOPES.settingsRead);
    } finally {
      google.state.autoApprove.scopes = null;
    }
  });

  it("refreshes on Google without rotating the refresh token; revoke ends the grant", async () => {
    const client = googleClient();
    const minted = google.state.issueTokens("g1", [...client.provider.scopes]);
    const refreshed = await client.refresh(minted.refreshToken);
    expect(refreshed.refreshToken === minted.refreshToken).toBe(true);
    expect(refreshed.accessToken === minted.accessToken).toBe(false);
    await client.revoke(minted.refreshToken);
    await expect(client.refresh(minted.refreshToken)).rejects.toMatchObject({ code: "REAUTH_REQUIRED" });
  });

  it("uses HTTP Basic on Fitbit, rotates the refresh token, and rejects reuse with a redacted message", async () => {
    const client = fitbitClient();
    const { codeVerifier, codeChallenge } = await createPkce();
    const callback = await consent(client.authorizationUrl({ state: "f", codeChallenge }));
    expect(callback).toContain("#_=_");
    const first = await client.exchangeCode({ callbackUrl: callback, expectedState: "f", codeVerifier });
    expect(first.userId).toBe("user-1");
    const second = await client.refresh(first.refreshToken!);
    expect(second.refreshToken === first.refreshToken).toBe(false);
    // Using the new access token closes the 120 s replay window, so the old token is now dead.
    expect(fitbit.state.authenticate(second.accessToken).ok).toBe(true);
    const error = await client.refresh(first.refreshToken!).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "REAUTH_REQUIRED", status: 400, upstreamCode: "invalid_grant" });
    expect(everythingIn(error).includes(first.refreshToken!)).toBe(false);
    expect(String(error)).toContain("[redacted]");
  });

  it("replays the same answer for an identical Fitbit refresh within 120 s", async () => {
    const client = fitbitClient();
    const minted = fitbit.state.issueTokens("f2", ["activity", "profile"]);
    const a = await client.refresh(minted.refreshToken);
    const b = await client.refresh(minted.refreshToken);
    // Compared as booleans so a failure never prints a token.
    expect(b.accessToken === a.accessToken && b.refreshToken === a.refreshToken).toBe(true);
    expect(fitbit.state.stats.replays).toBeGreaterThanOrEqual(1);
  });

  it("maps a Fitbit 409 on the token endpoint to CONFLICT and a 410 to API_GONE", async () => {
    const client = fitbitClient();
    const minted = fitbit.state.issueTokens("f3", ["activity"]);
    fitbit.state.conflictNextRefresh();
    await expect(client.refresh(minted.refreshToken)).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
    fitbit.failNext({ status: 410, body: "" });
    await expect(client.refresh(minted.refreshToken)).rejects.toMatchObject({ code: "API_GONE", message: expect.stringContaining("Google Health") as string });
  });

  it("reports bad client credentials as UNAUTHORIZED without the secret", async () => {
    const client = createOAuthClient(googleOAuthProvider({ clientId: "sim-client", clientSecret: "wrong-secret-value", redirectUri, ...endpoints(google) }));
    const error = await client.refresh("1//whatever-refresh-token").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", upstreamCode: "invalid_client" });
    expect(everythingIn(error).includes("wrong-secret-value")).toBe(false);
  });

  it("refuses plain http to a non-loopback token endpoint", () => {
    expect(() => createOAuthClient(googleOAuthProvider({ clientId: "a", clientSecret: "b", redirectUri, tokenEndpoint: "http://example.com/token" }))).toThrow(/https/);
  });
});
