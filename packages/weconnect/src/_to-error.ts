/** Internal: turn one failed call (status, upstream body, cause) into a WeconnectError with a useful message. */
import { WeconnectError, type WeconnectErrorCode } from "./errors.js";
import { LoopbackErrorSchema } from "./schemas.js";

/** What we know about a failed call; built from status and endpoint, never from ofetch's error. */
export interface Failure {
  code: WeconnectErrorCode;
  status?: number;
  upstreamCode?: string;
  upstreamMessage?: string;
  retryAfterMs?: number;
  timedOut?: boolean;
  netCode?: string;
  cause?: Error;
}

/** Where a failure happened, for the message. */
export interface FailureSite {
  endpoint: string;
  personId?: number;
  attempts: number;
  timeoutMs: number;
}

/** The code for an HTTP error status. */
export function codeForStatus(status: number): WeconnectErrorCode {
  if (status === 401 || status === 403) return "UNAUTHORIZED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "SERVER";
  return "BAD_REQUEST";
}

/** The LoopBack `error.code` and `error.message` of an error body, if it is one. */
export function readLoopbackError(text: string): { code?: string; message?: string } {
  // docs/weconnect-api.md#errors: LB3 errors are JSON, but Heroku router errors (5xx) are HTML; never assume JSON.
  try {
    const parsed = LoopbackErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : {};
  } catch {
    return {};
  }
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); returns ms ≥ 0. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Build the error a caller sees: what happened and what to do, with no URL and no token. */
export function toError(f: Failure, site: FailureSite): WeconnectError {
  const { endpoint, attempts, timeoutMs } = site;
  const tries = attempts <= 1 ? "" : ` after ${attempts} attempts`;
  const upstream = [f.upstreamCode, f.upstreamMessage].filter(Boolean).join(": ");
  const said = upstream ? ` (${f.status} ${upstream})` : f.status ? ` (${f.status})` : "";
  const who = site.personId === undefined ? "" : ` for person ${site.personId}`;
  let message: string;
  switch (f.code) {
    case "NETWORK":
      message = f.timedOut
        ? `WEconnect did not answer ${endpoint}${who} within ${timeoutMs} ms${tries}. Try again later, or raise timeoutMs.`
        : `Could not reach WEconnect for ${endpoint}${who}${f.netCode ? ` (${f.netCode})` : ""}${tries}. Check the network and baseUrl, then try again.`;
      break;
    case "UNAUTHORIZED":
      message = endpoint.startsWith("POST /People/login")
        ? `WEconnect refused the email and password${said}. Check the credentials with the participant.`
        : `WEconnect rejected the access token${who} on ${endpoint}${said}. Tokens cannot be refreshed: ask the participant to sign in to WEconnect again.`;
      break;
    case "NOT_FOUND":
      message = `WEconnect has no ${endpoint}${who}${said}. Check that baseUrl ends with /api and that the person id is right.`;
      break;
    case "RATE_LIMITED":
      message = `WEconnect rate-limited ${endpoint}${said}${tries}. Wait ${f.retryAfterMs === undefined ? "a while" : `${Math.ceil(f.retryAfterMs / 1000)} s`} before trying again.`;
      break;
    case "SERVER":
      message = `WEconnect failed on ${endpoint}${said}${tries}; the Heroku app may be restarting. Try again later.`;
      break;
    case "INVALID_RESPONSE":
      message = `WEconnect's reply to ${endpoint} was not valid JSON. The API or a proxy in front of it may have changed; try again later.`;
      break;
    case "BAD_REQUEST":
      message = `WEconnect refused ${endpoint}${who} as a bad request${said}. Check the inputs (credentials, window dates); retrying will not help.`;
      break;
  }
  return new WeconnectError(f.code, message, {
    status: f.status,
    endpoint,
    upstreamCode: f.upstreamCode,
    retryAfterMs: f.retryAfterMs,
    timedOut: f.timedOut,
    cause: f.cause,
  });
}
