import { isFitbitError, type TrackerBackend } from "@powertoken/fitbit";
import { isWeconnectError } from "@powertoken/weconnect";
import type { RestoreCandidate, TokenCheckOutcome } from "@powertoken/db";
import type { PowerTokenContext } from "../runtime/context.js";
import { classifyError } from "./classify-error.js";

/** What {@link restoreWorkingTokens} did. */
export interface RestoreResult {
  /** Stored tokens tried (one request each: a WEconnect token check or a tracker refresh). */
  tokensChecked: number;
  /** Participants moved back out of `needs-weconnect-signin` / `needs-tracker-consent`. */
  tokensRestored: number;
}

/** Options of {@link restoreWorkingTokens}. */
export interface RestoreOptions {
  /** Only these participants (maintenance's `participantIds`). */
  participantIds?: readonly number[];
  signal?: AbortSignal;
  /**
   * Asked before a flagged tracker account is refreshed: is its backend's client configured?
   * Maintenance passes its tally (which counts it for the run's NOT_CONFIGURED report).
   * @default whether `ctx.tokenManagers` holds the backend
   */
  canRefresh?: (backend: TrackerBackend) => boolean;
}

/** A flagged participant's token is tried at most once per this long. */
export const TOKEN_RECHECK_MS = 3_600_000;

/** At most this many flagged participants are tried per run. */
const RESTORE_LIMIT = 200;

/**
 * Tracker-account reasons that prove nothing about the grant: a flag with one of these (a 401 or
 * an outage that an older version, or staff, took for a revoked grant) is lifted when a refresh
 * still works. Every other reason — `invalid_grant`, REAUTH_REQUIRED, a missing permission, the
 * legacy shutdown — means the grant is dead or unusable and only new consent helps; its refresh
 * token is never sent again (a dead refresh token retried in a loop helps nobody).
 */
const UNPROVEN_TRACKER_REASONS: ReadonlySet<string> = new Set(["UNAUTHORIZED", "FORBIDDEN", "NETWORK", "SERVER", "RATE_LIMITED", "TOKEN_STORE", "INVALID_RESPONSE"]);

/**
 * Give participants flagged by mistake their status back (issue 15 item 4). A participant in
 * `needs-weconnect-signin` whose stored WEconnect token has not run out is tried with the token
 * check (`GET /People/:id`); when it answers 200 the account and the participant go back to
 * active, with a `status-restored` audit row. A participant in `needs-tracker-consent` whose
 * flag proves nothing (see UNPROVEN_TRACKER_REASONS) gets one refresh; a saved refresh lifts the
 * flag (db's saveTrackerToken) and is audited the same way. Each participant is tried at most
 * once an hour (`token_checks`), at most 200 per run, one at a time: these are few.
 */
export async function restoreWorkingTokens(ctx: PowerTokenContext, options: RestoreOptions = {}): Promise<RestoreResult> {
  const result: RestoreResult = { tokensChecked: 0, tokensRestored: 0 };
  const now = ctx.now();
  let candidates = await ctx.data.listRestoreCandidates({ now, checkedBefore: new Date(now.getTime() - TOKEN_RECHECK_MS), limit: RESTORE_LIMIT });
  if (options.participantIds) {
    const wanted = new Set(options.participantIds);
    candidates = candidates.filter((c) => wanted.has(c.participantId));
  }
  if (candidates.length === 0) return result;
  // Decrypt only the WEconnect tokens about to be tried.
  const weconnectIds = candidates.filter((c) => c.status === "needs-weconnect-signin").map((c) => c.participantId);
  const records = new Map((weconnectIds.length > 0 ? await ctx.data.listParticipants({ ids: weconnectIds }) : []).map((p) => [p.id, p]));

  for (const candidate of candidates) {
    if (options.signal?.aborted) break;
    try {
      const outcome =
        candidate.status === "needs-weconnect-signin"
          ? await tryWeconnect(ctx, candidate, records.get(candidate.participantId)?.weconnect ?? null)
          : await tryTracker(ctx, candidate, options.canRefresh);
      if (outcome === "skipped") continue;
      result.tokensChecked += 1;
      if (outcome === "restored") result.tokensRestored += 1;
      await ctx.data.recordTokenCheck({ participantId: candidate.participantId, outcome: outcome === "restored" ? "works" : outcome, now: ctx.now() });
    } catch (error) {
      // A database failure on one participant must not stop maintenance; next hour tries again.
      ctx.log.warn("token restore: could not check a participant", { participantId: candidate.participantId, code: classifyError(error).code });
    }
  }
  return result;
}

type Attempt = Exclude<TokenCheckOutcome, "works"> | "restored" | "skipped";

async function tryWeconnect(ctx: PowerTokenContext, candidate: RestoreCandidate, weconnect: { personId: number; token: string } | null): Promise<Attempt> {
  if (!weconnect) return "skipped";
  try {
    await ctx.weconnect.getPerson({ personId: weconnect.personId, token: weconnect.token });
  } catch (error) {
    return isWeconnectError(error) && error.code === "UNAUTHORIZED" ? "refused" : "failed";
  }
  const next = await ctx.data.restoreWeconnectSignin({ participantId: candidate.participantId, reason: "the stored WEconnect token works again (token check answered 200)", now: ctx.now() });
  if (next === null) return "failed";
  ctx.log.info("participant restored: WEconnect token works", { participantId: candidate.participantId, status: next });
  return "restored";
}

async function tryTracker(ctx: PowerTokenContext, candidate: RestoreCandidate, canRefresh?: (backend: TrackerBackend) => boolean): Promise<Attempt> {
  const account = candidate.trackerAccounts.find((a) => a.status === "reauth-required" && a.statusReason !== null && UNPROVEN_TRACKER_REASONS.has(a.statusReason));
  const manager = account && (canRefresh?.(account.backend) ?? true) ? ctx.tokenManagers[account.backend] : undefined;
  if (account && !manager) {
    // The grant may well work, but this run has no OAuth client to try it with: "could not
    // tell", not "refused" (an hour's pause all the same, so these never crowd out the others).
    await ctx.data.recordTokenCheck({ participantId: candidate.participantId, outcome: "failed", now: ctx.now() });
    return "skipped";
  }
  if (!account || !manager) {
    // Nothing to try (a dead grant): remember the look so the next runs skip it for an hour.
    await ctx.data.recordTokenCheck({ participantId: candidate.participantId, outcome: "refused", now: ctx.now() });
    return "skipped";
  }
  try {
    await manager.refreshNow(String(account.id));
  } catch (error) {
    // invalid_grant: the token manager has flagged the account with that reason, so it is never tried again.
    return isFitbitError(error) && error.code === "REAUTH_REQUIRED" ? "refused" : "failed";
  }
  const [after] = await ctx.data.listParticipants({ ids: [candidate.participantId] });
  if (after?.status === "needs-tracker-consent") return "failed";
  await ctx.data.appendAudit({
    at: ctx.now(),
    participantId: candidate.participantId,
    participantName: candidate.name,
    action: "status-restored",
    outcome: "ok",
    backend: account.backend,
    detail: `needs-tracker-consent → ${after?.status ?? "unknown"}: the ${account.backend} grant still refreshes (flagged for ${account.statusReason ?? "no reason"})`,
  });
  ctx.log.info("participant restored: tracker grant still refreshes", { participantId: candidate.participantId });
  return "restored";
}
