import { createHash, randomBytes } from "node:crypto";

/** Which real server the OAuth simulator imitates. */
export type OAuthSimulatorMode = "google" | "fitbit";

/** Options of the OAuth simulator state. */
export interface OAuthSimulatorOptions {
  mode: OAuthSimulatorMode;
  /** The one OAuth client it accepts. @default { clientId: "sim-client", clientSecret: "sim-secret" } */
  client?: { clientId: string; clientSecret: string };
  /** Clock; inject to expire tokens. @default () => new Date() */
  now?: () => Date;
  /** Access token lifetime. @default 3599 (google) / 28800 (fitbit) */
  accessTokenTtlSeconds?: number;
  /**
   * Whether a refresh answers with a new refresh token. Google does not rotate by default
   * (docs/google-health-api.md#token-refresh); Fitbit always does (docs/fitbit-web-api.md#refresh-tokens).
   * @default false (google) / true (fitbit)
   */
  rotateRefreshTokens?: boolean;
  /** With rotation: the old refresh token dies once used (outside the replay window). @default true */
  singleUseRefreshTokens?: boolean;
  /**
   * How long a used single-use refresh token, presented again unchanged, gets the same answer
   * again (Fitbit's grace period, docs/fitbit-web-api.md#refresh-tokens). 0 switches replays off.
   * @default 120 (fitbit) / 0 (google)
   */
  replayWindowSeconds?: number;
  /** How the authorize endpoint answers: approve at once, or render a consent page. @default "auto" */
  consent?: "auto" | "page";
  /** App name the consent page shows. @default "PowerToken" */
  appName?: string;
}

/** The OAuth simulator's behaviour switches (see `OAuthSimulatorOptions`). */
export type OAuthSimulatorSettings = Required<Pick<OAuthSimulatorOptions, "rotateRefreshTokens" | "singleUseRefreshTokens" | "replayWindowSeconds" | "consent" | "appName">>;

/** Tokens minted by the simulator. */
export interface SimulatorTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scopes: string[];
}

/** Counts tests can assert on ("exactly one refresh"). */
export interface OAuthSimulatorStats {
  /** Authorization codes exchanged plus tokens minted by `issueTokens`. */
  grants: number;
  /** Successful refreshes, replays excluded. */
  refreshes: number;
  /** Identical repeats answered from the replay window (Fitbit's 120 s grace period). */
  replays: number;
  /** Refresh attempts answered with invalid_grant. */
  rejectedRefreshes: number;
  revocations: number;
}

interface AccessRecord {
  userId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}
interface Grant {
  userId: string;
  scopes: string[];
  refreshTokens: Set<string>;
}
interface CodeRecord {
  userId: string;
  scopes: string[];
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
}
interface Replay {
  at: number;
  accessToken: string;
  refreshToken: string;
  body: TokenBody;
}
/** The token endpoint's JSON answer. */
export interface TokenBody {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token?: string;
  scope: string;
  user_id?: string;
}

/** Result of checking an access token on an API call. */
export type AuthCheck = { ok: true; userId: string; scopes: string[] } | { ok: false; reason: "missing" | "invalid" | "expired" };

const FITBIT_REPLAY_WINDOW_S = 120; // docs/fitbit-web-api.md#refresh-tokens: older docs say two minutes
const CODE_TTL_MS = 10 * 60_000; // docs/fitbit-web-api.md#authorize: codes live 10 minutes

/** In-memory OAuth server state shared by the handler and tests. */
export type OAuthSimulatorState = ReturnType<typeof createOAuthSimulatorState>;

/** Creates the OAuth server state: grants, codes, tokens, the replay window, stats. */
export function createOAuthSimulatorState(options: OAuthSimulatorOptions) {
  const mode = options.mode;
  const client = options.client ?? { clientId: "sim-client", clientSecret: "sim-secret" };
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const ttlSeconds = options.accessTokenTtlSeconds ?? (mode === "google" ? 3599 : 28800);
  // Mutable so a test can reconfigure the OAuth server embedded in an API simulator.
  const settings: OAuthSimulatorSettings = {
    rotateRefreshTokens: options.rotateRefreshTokens ?? mode === "fitbit",
    singleUseRefreshTokens: options.singleUseRefreshTokens ?? true,
    replayWindowSeconds: options.replayWindowSeconds ?? (mode === "fitbit" ? FITBIT_REPLAY_WINDOW_S : 0),
    consent: options.consent ?? "auto",
    appName: options.appName ?? "PowerToken",
  };
  const grants = new Map<string, Grant>();
  const access = new Map<string, AccessRecord>();
  const codes = new Map<string, CodeRecord>();
  const refreshOwner = new Map<string, string>(); // live refresh token → userId
  const replays = new Map<string, Replay>(); // Fitbit: used refresh token → the answer it got
  const stats: OAuthSimulatorStats = { grants: 0, refreshes: 0, replays: 0, rejectedRefreshes: 0, revocations: 0 };
  const autoApprove = { userId: "user-1", scopes: null as string[] | null };
  let conflictsLeft = 0;

  const random = (bytes: number) => randomBytes(bytes).toString("base64url");
  const newAccessToken = (userId: string) =>
    mode === "google"
      ? `ya29.sim-${random(24)}`
      : // Fitbit access tokens are HS256 JWTs (docs/fitbit-web-api.md#token-response); shape only, the signature is random.
        `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: userId, iss: "Fitbit", typ: "access_token", jti: random(6) })).toString("base64url")}.${random(32)}`;
  const newRefreshToken = () => (mode === "google" ? `1//sim-${random(32)}` : randomBytes(32).toString("hex"));

  function mint(userId: string, scopes: string[], refreshToken: string): TokenBody {
    const accessToken = newAccessToken(userId);
    access.set(accessToken, { userId, scopes, expiresAt: now() + ttlSeconds * 1000, used: false });
    const body: TokenBody = { access_token: accessToken, token_type: "Bearer", expires_in: ttlSeconds, refresh_token: refreshToken, scope: scopes.join(" ") };
    if (mode === "fitbit") body.user_id = userId;
    return body;
  }

  function newGrant(userId: string, scopes: string[]): TokenBody {
    const grant = grants.get(userId) ?? { userId, scopes, refreshTokens: new Set<string>() };
    grant.scopes = scopes;
    if (mode === "fitbit") {
      // One active refresh token per user and app (docs/fitbit-web-api.md#refresh-tokens).
      for (const token of grant.refreshTokens) refreshOwner.delete(token);
      grant.refreshTokens.clear();
    }
    const refreshToken = newRefreshToken();
    grant.refreshTokens.add(refreshToken);
    refreshOwner.set(refreshToken, userId);
    grants.set(userId, grant);
    stats.grants += 1;
    return mint(userId, scopes, refreshToken);
  }

  return {
    mode,
    client,
    /** Rotation, single use, replay window and consent mode; change them at any time. */
    settings,
    stats,
    /** Who the authorize endpoint signs in, and which scopes they leave ticked (null = all requested). */
    autoApprove,
    /** Mints tokens without a browser (demo, tests). */
    issueTokens(userId: string, scopes: string[]): SimulatorTokens {
      const body = newGrant(userId, scopes);
      return { accessToken: body.access_token, refreshToken: body.refresh_token!, expiresAt: new Date(now() + ttlSeconds * 1000), scopes };
    },
    /** Revokes everything the user granted (as if they removed the app in their account). */
    revokeGrant(userId: string): void {
      const grant = grants.get(userId);
      if (grant) for (const token of grant.refreshTokens) refreshOwner.delete(token);
      grants.delete(userId);
      for (const [token, record] of access) if (record.userId === userId) access.delete(token);
      stats.revocations += 1;
    },
    /**
     * Kills only the user's refresh tokens: access tokens work until they expire, then the refresh
     * answers invalid_grant (a grant revoked on the provider's side, seen at the next refresh).
     */
    revokeRefreshTokens(userId: string): void {
      const grant = grants.get(userId);
      if (!grant) return;
      for (const token of grant.refreshTokens) refreshOwner.delete(token);
      grant.refreshTokens.clear();
      // Nor may a replay of an earlier refresh bring one back.
      for (const [used, replay] of replays) if (access.get(replay.accessToken)?.userId === userId) replays.delete(used);
      stats.revocations += 1;
    },
    /** Makes every access token of the user expired now. */
    expireAccessTokens(userId: string): void {
      for (const record of access.values()) if (record.userId === userId) record.expiresAt = now() - 1;
    },
    /** Fitbit: answer the next `count` refreshes with 409 (concurrent refresh, docs/fitbit-web-api.md#refresh-tokens). */
    conflictNextRefresh(count = 1): void {
      conflictsLeft += count;
    },
    /** Checks an API call's bearer token and marks it used (which closes Fitbit's replay window). */
    authenticate(token: string | null): AuthCheck {
      if (token === null) return { ok: false, reason: "missing" };
      const record = access.get(token);
      if (!record) return { ok: false, reason: "invalid" };
      if (record.expiresAt <= now()) return { ok: false, reason: "expired" };
      record.used = true;
      return { ok: true, userId: record.userId, scopes: record.scopes };
    },
    /** Creates an authorization code as the consent screen would. */
    createCode(input: { userId: string; scopes: string[]; redirectUri: string; codeChallenge: string | null }): string {
      const code = random(24);
      codes.set(code, { ...input, expiresAt: now() + CODE_TTL_MS });
      return code;
    },
    /** authorization_code grant. Returns an error code string on failure. */
    exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string | undefined }): TokenBody | "invalid_grant" {
      const record = codes.get(input.code);
      codes.delete(input.code); // single use
      if (!record || record.expiresAt <= now() || record.redirectUri !== input.redirectUri) return "invalid_grant";
      if (record.codeChallenge !== null) {
        if (!input.codeVerifier) return "invalid_grant";
        const challenge = createHash("sha256").update(input.codeVerifier).digest("base64url");
        if (challenge !== record.codeChallenge) return "invalid_grant";
      }
      return newGrant(record.userId, record.scopes);
    },
    /** refresh_token grant with each provider's rotation rules. */
    refresh(refreshToken: string): TokenBody | "invalid_grant" | "conflict" {
      if (conflictsLeft > 0) {
        conflictsLeft -= 1;
        return "conflict";
      }
      const userId = refreshOwner.get(refreshToken);
      if (userId === undefined) {
        const replay = replays.get(refreshToken);
        // docs/fitbit-web-api.md#refresh-tokens: an identical repeat within the window gets the same answer, unless a new token was used.
        if (
          replay &&
          now() - replay.at < settings.replayWindowSeconds * 1000 &&
          access.get(replay.accessToken)?.used === false &&
          !replays.has(replay.refreshToken)
        ) {
          stats.replays += 1;
          return replay.body;
        }
        stats.rejectedRefreshes += 1;
        return "invalid_grant";
      }
      const grant = grants.get(userId)!;
      stats.refreshes += 1;
      if (!settings.rotateRefreshTokens) {
        // Google keeps the refresh token and answers without one (docs/google-health-api.md#token-refresh).
        const body = mint(userId, grant.scopes, refreshToken);
        delete body.refresh_token;
        return body;
      }
      if (settings.singleUseRefreshTokens) {
        refreshOwner.delete(refreshToken);
        grant.refreshTokens.delete(refreshToken);
      }
      const next = newRefreshToken();
      grant.refreshTokens.add(next);
      refreshOwner.set(next, userId);
      const body = mint(userId, grant.scopes, next);
      replays.set(refreshToken, { at: now(), accessToken: body.access_token, refreshToken: next, body });
      return body;
    },
    /** Whether a refresh token would be accepted now (not replayed): tests check stored tokens with it. */
    isRefreshTokenLive(refreshToken: string): boolean {
      return refreshOwner.has(refreshToken);
    },
    /** RFC 7009 revoke: on both providers either token ends the whole grant. */
    revokeToken(token: string): void {
      const userId = refreshOwner.get(token) ?? access.get(token)?.userId;
      if (userId !== undefined) this.revokeGrant(userId);
    },
  };
}
