import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthClient, createPkce, fitbitOAuthProvider, googleOAuthProvider } from "../src/index.js";
import { startOAuthSimulator, type OAuthSimulator } from "../src/simulator/index.js";

const redirectUri = "http://127.0.0.1:9/callback";
const sims: Record<"google" | "fitbit", OAuthSimulator> = {} as never;

beforeAll(async () => {
  sims.google = await startOAuthSimulator({ mode: "google", consent: "page", appName: "PowerToken <Study>" });
  sims.fitbit = await startOAuthSimulator({ mode: "fitbit", consent: "page" });
});
afterAll(async () => {
  await sims.google.close();
  await sims.fitbit.close();
});

const clientFor = (mode: "google" | "fitbit") =>
  createOAuthClient(
    (mode === "google" ? googleOAuthProvider : fitbitOAuthProvider)({
      clientId: "sim-client",
      clientSecret: "sim-secret",
      redirectUri,
      authorizationEndpoint: `${sims[mode].oauthUrl}/authorize`,
      tokenEndpoint: `${sims[mode].oauthUrl}/token`,
      revocationEndpoint: `${sims[mode].oauthUrl}/revoke`,
    }),
  );

/** The form a browser would post: hidden fields, the ticked boxes and the pressed button. */
function formOf(html: string, keep: (scope: string) => boolean, decision: "allow" | "cancel"): URLSearchParams {
  const decode = (v: string) => v.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(decode(m[1]!), decode(m[2]!));
  for (const m of html.matchAll(/<input type="checkbox" name="scope" value="([^"]+)"/g)) if (keep(decode(m[1]!))) form.append("scope", decode(m[1]!));
  form.set("decision", decision);
  return form;
}

async function openPage(mode: "google" | "fitbit", state: string) {
  const { codeVerifier, codeChallenge } = await createPkce();
  const client = clientFor(mode);
  const url = client.authorizationUrl({ state, codeChallenge });
  const page = await fetch(url, { redirect: "manual" });
  return { client, codeVerifier, page, html: await page.text(), action: new URL(url) };
}

async function submit(action: URL, form: URLSearchParams) {
  const response = await fetch(new URL(action.pathname, action), {
    method: "POST",
    body: form,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  return { status: response.status, location: new URL(response.headers.get("location") ?? "http://invalid/") };
}

describe.each(["google", "fitbit"] as const)("consent page (%s)", (mode) => {
  it("renders the app name, every requested scope as a ticked checkbox, and Allow / Cancel, without scripts", async () => {
    const { page, html, client } = await openPage(mode, "st-render");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(html).toContain(mode === "google" ? "PowerToken &lt;Study&gt;" : "PowerToken");
    for (const scope of client.provider.scopes) expect(html).toContain(`name="scope" value="${scope}"`);
    expect(html).toMatch(/<form method="post"/);
    expect(html).toContain('value="allow">Allow</button>');
    expect(html).toContain('value="cancel">Cancel</button>');
    expect(html).not.toContain("<script");
  });

  it("Allow redirects with code and state and grants only the ticked scopes", async () => {
    const { html, action, client, codeVerifier } = await openPage(mode, "st-allow");
    const dropped = client.provider.scopes[client.provider.scopes.length - 1]!;
    const answer = await submit(action, formOf(html, (s) => s !== dropped, "allow"));
    expect(answer.status).toBe(303);
    expect(answer.location.origin + answer.location.pathname).toBe(redirectUri);
    expect(answer.location.searchParams.get("state")).toBe("st-allow");
    const code = answer.location.searchParams.get("code");
    expect(code).toEqual(expect.any(String));
    // The client refuses a grant missing a required scope; the simulator granted exactly what was ticked.
    const exchanged = await client.exchangeCode({ code: code!, expectedState: "st-allow", codeVerifier }).catch((e: unknown) => e);
    if (client.missingScopes(client.provider.scopes.filter((s) => s !== dropped)).length > 0) {
      expect(exchanged).toMatchObject({ code: "INSUFFICIENT_SCOPE" });
    } else {
      expect((exchanged as { scopes: string[] }).scopes).not.toContain(dropped);
    }
  });

  it("Allow with every box ticked gives tokens for every requested scope", async () => {
    const { html, action, client, codeVerifier } = await openPage(mode, "st-all");
    const answer = await submit(action, formOf(html, () => true, "allow"));
    const tokens = await client.exchangeCode({ callbackUrl: answer.location, expectedState: "st-all", codeVerifier });
    expect([...tokens.scopes].sort()).toEqual([...client.provider.scopes].sort());
  });

  it("Cancel redirects with error=access_denied and the state, and no code", async () => {
    const { html, action } = await openPage(mode, "st-cancel");
    const answer = await submit(action, formOf(html, () => true, "cancel"));
    expect(answer.status).toBe(303);
    expect(answer.location.searchParams.get("error")).toBe("access_denied");
    expect(answer.location.searchParams.get("state")).toBe("st-cancel");
    expect(answer.location.searchParams.has("code")).toBe(false);
  });

  it("a hand-made POST cannot grant a scope that was not requested", async () => {
    const { html, action, client, codeVerifier } = await openPage(mode, "st-widen");
    const form = formOf(html, () => true, "allow");
    form.append("scope", "https://example.invalid/everything");
    const answer = await submit(action, form);
    const tokens = await client.exchangeCode({ callbackUrl: answer.location, expectedState: "st-widen", codeVerifier });
    expect(tokens.scopes).not.toContain("https://example.invalid/everything");
  });
});
