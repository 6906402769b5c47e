import {
  beginTrackerConsent,
  countSigninAttempt,
  describeParticipant,
  describeParticipantDay,
  isCoreError,
  linkWeconnect,
  markInviteCompleted,
  markInviteOpened,
  resolveInvite,
  type ResolvedInvite,
} from "@powertoken/core";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { backendLabel, firstNameOf, type WebDeps } from "../_deps.js";
import { DonePage } from "../pages/done-page.js";
import { InvalidLinkPage, MessagePage } from "../pages/message-page.js";
import { SigninPage } from "../pages/signin-page.js";
import { WelcomePage } from "../pages/welcome-page.js";
import { csrfTokenFor } from "../security/csrf.js";
import { writeCookie } from "../security/cookies.js";
import { seal } from "../security/sealed-cookie.js";
import { renderConsentPage } from "./consent-view.js";
import { OAUTH_COOKIE, OAUTH_COOKIE_TTL_S, type PendingConsent } from "./pending-consent.js";

const SigninForm = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(200) });

/** The participant's own pages under `/p/:token`; each step is derived from the stored state, so any step can be resumed. */
export function addInviteRoutes(app: Hono, deps: WebDeps): void {
  const { runtime, frame, log } = deps;
  const base = (token: string) => `/p/${token}`;

  async function resolve(c: Context): Promise<ResolvedInvite | null> {
    return resolveInvite(runtime, c.req.param("token") ?? "");
  }
  const invalid = (c: Context) => c.html(<InvalidLinkPage {...frame} />, 404);

  app.get("/p/:token", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    await markInviteOpened(runtime, found.invite.id);
    const token = c.req.param("token");
    const { participant } = found;
    const firstName = firstNameOf(participant.name);
    switch (participant.status) {
      case "needs-weconnect-signin": {
        const described = await describeParticipant(runtime, participant.id);
        if (described.weconnect) return c.redirect(`${base(token)}/weconnect`, 303);
        return c.html(<WelcomePage {...frame} firstName={firstName} nextHref={`${base(token)}/weconnect`} backendLabel={backendLabel(deps.consentBackend)} />);
      }
      case "needs-tracker-consent":
      case "needs-google-health":
        return renderConsentPage(c, deps, { ...found, token });
      case "active":
      case "ended": {
        if (participant.status === "active") await markInviteCompleted(runtime, found.invite.id);
        const day = await describeParticipantDay(runtime, participant.id);
        const described = await describeParticipant(runtime, participant.id);
        // Runs prefer Google Health when both accounts are linked (a participant moved off legacy Fitbit).
        const active = described.trackers.filter((t) => t.status === "active").map((t) => t.backend);
        const backend = active.includes("google-health") ? "google-health" : (active[0] ?? deps.consentBackend);
        return c.html(<DonePage {...frame} firstName={firstName} day={day} backendLabel={backendLabel(backend)} ended={participant.status === "ended"} />);
      }
    }
  });

  app.get("/p/:token/weconnect", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    if (found.participant.status !== "needs-weconnect-signin") return c.redirect(base(c.req.param("token")), 303);
    const described = await describeParticipant(runtime, found.participant.id);
    return c.html(<SigninPage {...frame} action={c.req.path} csrfToken={csrfTokenFor(c, deps.cookies, deps.cookieKey)} email="" reconnect={described.weconnect !== null} />);
  });

  app.post("/p/:token/weconnect", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    const token = c.req.param("token");
    // A double submit or a back button after success: the step is done, go on.
    if (found.participant.status !== "needs-weconnect-signin") return c.redirect(base(token), 303);
    const body = await c.req.parseBody();
    const form = SigninForm.safeParse(body);
    const email = typeof body.email === "string" ? body.email.slice(0, 200) : "";
    const csrfToken = csrfTokenFor(c, deps.cookies, deps.cookieKey);
    const reconnect = (await describeParticipant(runtime, found.participant.id)).weconnect !== null;
    const again = (error: string, status: 400 | 422) => c.html(<SigninPage {...frame} action={c.req.path} csrfToken={csrfToken} email={email} error={error} reconnect={reconnect} />, status);
    if (!form.success) return again("Please enter your WEconnect e-mail and password.", 400);
    const attempt = await countSigninAttempt(runtime, found.invite.id);
    if (!attempt.allowed) {
      const retryAt = attempt.retryAt ?? new Date(runtime.ctx.now().getTime() + 15 * 60_000);
      const minutes = Math.max(1, Math.ceil((retryAt.getTime() - runtime.ctx.now().getTime()) / 60_000));
      log.warn("web: sign-in attempts exhausted", { inviteId: found.invite.id });
      c.header("Retry-After", String(minutes * 60));
      return c.html(
        <MessagePage {...frame} title="Too many attempts" lines={[`That was too many sign-in attempts. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, `If you have forgotten your password, reset it in the WEconnect app or contact ${frame.contact}.`]} />,
        429,
      );
    }
    try {
      await linkWeconnect(runtime, { participantId: found.participant.id, email: form.data.email, password: form.data.password });
      log.info("web: WEconnect linked", { inviteId: found.invite.id });
      return c.redirect(base(token), 303);
    } catch (error) {
      if (!isCoreError(error)) throw error;
      log.warn("web: WEconnect sign-in failed", { inviteId: found.invite.id, code: error.code });
      switch (error.code) {
        case "WECONNECT_CREDENTIALS_REJECTED":
          return again("WEconnect did not accept that e-mail and password. Please check them and try again.", 422);
        case "WECONNECT_UNAVAILABLE":
          return c.html(<MessagePage {...frame} title="WEconnect is not answering" lines={["WEconnect is not answering right now. Please try again in a few minutes."]} action={{ href: c.req.path, label: "Try again" }} />, 503);
        // Core's message names the other participant (for the study team); the participant is told
        // only what to do, and whose account it is stays private.
        case "WECONNECT_ACCOUNT_IN_USE":
          return c.html(
            <MessagePage
              {...frame}
              title="This WEconnect account is already in use"
              lines={[
                "This WEconnect account is already connected to another person in the study, so it was not connected to you. Each person needs their own WEconnect account.",
                `Please contact ${frame.contact}; they will help you connect the right account. If you have a WEconnect account of your own, you can also sign in with it.`,
              ]}
              action={{ href: c.req.path, label: "Sign in with another account" }}
            />,
            409,
          );
        default:
          throw error;
      }
    }
  });

  app.get("/p/:token/connect", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    const token = c.req.param("token");
    const status = found.participant.status;
    if (status !== "needs-tracker-consent" && status !== "needs-google-health") return c.redirect(base(token), 303);
    const consent = await beginTrackerConsent(runtime, { participantId: found.participant.id, backend: deps.consentBackend, redirectUri: `${deps.publicUrl}/oauth/callback` });
    const pending: PendingConsent = {
      t: token,
      s: consent.state,
      v: consent.codeVerifier,
      p: found.participant.id,
      i: found.invite.id,
      b: deps.consentBackend,
      r: consent.redirectUri,
      e: runtime.ctx.now().getTime() + OAUTH_COOKIE_TTL_S * 1000,
    };
    writeCookie(c, deps.cookies, OAUTH_COOKIE, seal(deps.cookieKey, pending), OAUTH_COOKIE_TTL_S);
    log.info("web: tracker consent started", { inviteId: found.invite.id, backend: deps.consentBackend });
    return c.redirect(consent.authorizationUrl, 302);
  });

}
