import * as oauth from "oauth4webapi";

/** A PKCE pair: keep `codeVerifier` server-side with the state, send `codeChallenge` (S256). */
export interface Pkce {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: "S256";
}

/** Creates a PKCE verifier (43 chars, 256 random bits) and its S256 challenge. */
export async function createPkce(): Promise<Pkce> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return { codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier), codeChallengeMethod: "S256" };
}

/** Creates an unguessable `state` value for one authorization request. */
export function createState(): string {
  return oauth.generateRandomState();
}
