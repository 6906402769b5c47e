import { completeTrackerConsent, isCoreError, markInviteCompleted, pollParticipantNow, resolveInvite } from "@powertoken/core";
import type { Hono } from "hono";
import type { WebDeps } from "../_deps.js";
import { InvalidLinkPage, MessagePage } from "../pages/message-page.js";
import { clearCookie, readCookie } from "../security/cookies.js";
import { unseal } from "../security/sealed-cookie.js";
import { renderConsentPage } from "./consent-view.js";
import { OAUTH_COOKIE, PendingConsentSchema } from "./pending-consent.js";

/**
 * `/oauth/callback`: where the tracker's consent page sends the participant back. The consent
 * in progress comes from this browser's sealed cookie, which is cleared at once, so a replayed
 * or foreign callback finds nothing and stores nothing.
 */
export function addOAuthCallback(app: Hono, deps: WebDeps): void {
  const { runtime, frame, log } = deps;

  app.get("/oauth/callback", async (c) => {
    const sealed = readCookie(c, deps.cookies, OAUTH_COOKIE);
    clearCookie(c, deps.cookies, OAUTH_COOKIE);
    const parsed = PendingConsentSchema.safeParse(unseal(deps.cookieKey, sealed));
    if (!parsed.success || parsed.data.e <= runtime.ctx.now().getTime()) {
      log.warn("web: OAuth callback without a consent in progress");
      return c.html(
        <MessagePage {...frame} title="This sign-in could not be finished" lines={["This page was opened without a sign-in in progress, or the sign-in took too long.", "Please open your personal link again and choose Connect once more."]} />,
        400,
      );
    }
    const pending = parsed.data;
    const found = await resolveInvite(runtime, pending.t);
    if (!found || found.participant.id !== pending.p) return c.html(<InvalidLinkPage {...frame} />, 404);
    const back = { ...found, token: pending.t };
    const callbackUrl = `${deps.publicUrl}/oauth/callback${new URL(c.req.url).search}`;
    try {
      const result = await completeTrackerConsent(runtime, {
        participantId: pending.p,
        backend: pending.b,
        callbackUrl,
        expectedState: pending.s,
        codeVerifier: pending.v,
        redirectUri: pending.r,
      });
      log.info("web: tracker consent completed", { inviteId: pending.i, backend: result.backend, status: result.status });
      if (result.status === "active") {
        await markInviteCompleted(runtime, pending.i);
        // The done page should show today's value at once, not after the next scheduled poll.
        try {
          await pollParticipantNow(runtime, pending.p);
        } catch (error) {
          log.warn("web: immediate poll after consent failed", { inviteId: pending.i, code: (error as { code?: unknown }).code });
        }
      }
      return c.redirect(`/p/${pending.t}`, 303);
    } catch (error) {
      if (!isCoreError(error)) {
        log.warn("web: tracker token exchange failed", { inviteId: pending.i, code: (error as { code?: unknown }).code });
        return c.html(<MessagePage {...frame} title="Could not connect right now" lines={["The tracker's service did not answer. Please try again in a few minutes."]} action={{ href: `/p/${pending.t}/connect`, label: "Try again" }} />, 503);
      }
      log.warn("web: tracker consent not completed", { inviteId: pending.i, code: error.code });
      switch (error.code) {
        case "CONSENT_DENIED":
          return renderConsentPage(c, deps, back, { kind: "denied" });
        case "CONSENT_SCOPES_MISSING":
          return renderConsentPage(c, deps, back, { kind: "scopes", scopes: error.missingScopes ?? [] });
        case "CONSENT_INVALID":
          return c.html(<MessagePage {...frame} title="This sign-in could not be finished" lines={["The answer from the tracker did not belong to this sign-in, so nothing was saved.", "Please open your personal link again and choose Connect once more."]} />, 400);
        default:
          throw error;
      }
    }
  });
}
