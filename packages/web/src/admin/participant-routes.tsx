import { createInvite, getParticipantHistory, isCoreError, pauseParticipant, pollParticipantNow, removeParticipant, resumeParticipant, updateParticipantSettings, type MappingName } from "@powertoken/core";
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { WebDeps } from "../_deps.js";
import { ADMIN, type AdminEnv } from "./admin-env.js";
import { frameOf } from "./frame.js";
import { ConfirmRemovePage, LinkMadePage, MAPPINGS, ParticipantPage } from "./pages/participant-page.js";
import { idOf } from "./query.js";
import { qrCodeSvg } from "./qr-code.js";

// Whole numbers in digits only: z.coerce.number() read "" as 0, "0x10" as 16 and "1e3" as 1000.
const wholeSteps = z.string().regex(/^\d{1,7}$/).transform(Number).pipe(z.number().max(1_000_000));
const SettingsForm = z.object({ mapping: z.enum(MAPPINGS), goalSteps: wholeSteps });

/** The 400 message for a field of the settings form, saying what a valid value looks like. */
const SETTINGS_PROBLEMS: Record<keyof z.input<typeof SettingsForm>, string> = {
  mapping: `Choose a mapping: one of ${MAPPINGS.join(", ")}. Nothing was changed.`,
  goalSteps: "The goal must be a whole number of steps from 0 to 1,000,000, written in digits only (e.g. 10000). Nothing was changed.",
};

// What a redirect after an action says on the participant's page (`?done=`): fixed sentences, so nothing from the request is echoed.
const NOTICES: Record<string, string> = {
  polled: "Polled.",
  "poll-failed": "The poll did not succeed: see the errors below.",
  "poll-skipped": "Not polled: the participant is not active or is paused.",
  saved: "Settings saved; the next poll writes with them.",
  paused: "Paused: neither polled nor maintained until resumed.",
  resumed: "Resumed: the next poll includes the participant again.",
};

/** A participant's page and the admin actions on it. */
export function addParticipantRoutes(admin: Hono<AdminEnv>, deps: WebDeps): void {
  const { runtime, log } = deps;
  const pageOf = (id: number) => `${ADMIN}/participants/${id}`;
  const notFound = (c: Context<AdminEnv>) => c.notFound();

  /** Runs `action` for the path's participant; PARTICIPANT_NOT_FOUND becomes the 404 page. */
  async function withParticipant(c: Context<AdminEnv>, action: (id: number) => Promise<Response>): Promise<Response> {
    const id = idOf(c.req.param("id"));
    if (id === undefined) return notFound(c);
    try {
      return await action(id);
    } catch (error) {
      if (isCoreError(error) && error.code === "PARTICIPANT_NOT_FOUND") return notFound(c);
      throw error;
    }
  }

  admin.get("/participants/:id", (c) =>
    withParticipant(c, async (id) => {
      const history = await getParticipantHistory(runtime, id);
      const notice = NOTICES[c.req.query("done") ?? ""];
      return c.html(<ParticipantPage {...frameOf(c, deps)} history={history} canAct={c.get("coordinator").role === "admin"} canPause {...(notice ? { notice } : {})} />);
    }),
  );

  admin.post("/participants/:id/link", (c) =>
    withParticipant(c, async (id) => {
      const invite = await createInvite(runtime, { participantId: id, publicUrl: deps.publicUrl });
      log.info("web: reconnect link made", { participantId: id, inviteId: invite.inviteId, coordinatorId: c.get("coordinator").id });
      const qrSvg = await qrCodeSvg(invite.url, `QR code of the link for ${invite.participantName}`);
      return c.html(<LinkMadePage {...frameOf(c, deps)} participantId={id} name={invite.participantName} url={invite.url} expiresAt={invite.expiresAt} qrSvg={qrSvg} />);
    }),
  );

  admin.post("/participants/:id/poll", (c) =>
    withParticipant(c, async (id) => {
      const outcome = await pollParticipantNow(runtime, id);
      log.info("web: poll now", { participantId: id, outcome: outcome.outcome, coordinatorId: c.get("coordinator").id });
      const done = outcome.outcome === "failed" ? "poll-failed" : outcome.outcome === "skipped" ? "poll-skipped" : "polled";
      return c.redirect(`${pageOf(id)}?done=${done}`, 303);
    }),
  );

  // Admin only and CSRF-checked like every POST here (admin-session.ts and the CSRF middleware).
  admin.post("/participants/:id/pause", (c) =>
    withParticipant(c, async (id) => {
      await pauseParticipant(runtime, id, { reason: `paused from the dashboard by coordinator ${c.get("coordinator").id}` });
      log.info("web: participant paused", { participantId: id, coordinatorId: c.get("coordinator").id });
      return c.redirect(`${pageOf(id)}?done=paused`, 303);
    }),
  );

  admin.post("/participants/:id/resume", (c) =>
    withParticipant(c, async (id) => {
      await resumeParticipant(runtime, id);
      log.info("web: participant resumed", { participantId: id, coordinatorId: c.get("coordinator").id });
      return c.redirect(`${pageOf(id)}?done=resumed`, 303);
    }),
  );

  admin.post("/participants/:id/settings", (c) =>
    withParticipant(c, async (id) => {
      const form = SettingsForm.safeParse(await c.req.parseBody());
      if (!form.success) {
        const fields = [...new Set(form.error.issues.map((issue) => issue.path[0]))].filter((f): f is keyof typeof SETTINGS_PROBLEMS => f === "mapping" || f === "goalSteps");
        return c.text(fields.map((f) => SETTINGS_PROBLEMS[f]).join(" ") || SETTINGS_PROBLEMS.goalSteps, 400);
      }
      const by = `coordinator ${c.get("coordinator").id} from the dashboard`;
      await updateParticipantSettings(runtime, id, { mapping: form.data.mapping satisfies MappingName, goalSteps: form.data.goalSteps }, { by });
      log.info("web: participant settings changed", { participantId: id, coordinatorId: c.get("coordinator").id });
      return c.redirect(`${pageOf(id)}?done=saved`, 303);
    }),
  );

  admin.get("/participants/:id/remove", (c) =>
    withParticipant(c, async (id) => {
      const history = await getParticipantHistory(runtime, id, { recent: 0 });
      if (c.get("coordinator").role !== "admin") return c.redirect(pageOf(id), 303);
      return c.html(<ConfirmRemovePage {...frameOf(c, deps)} participantId={id} name={history.participant.name} />);
    }),
  );

  admin.post("/participants/:id/remove", (c) =>
    withParticipant(c, async (id) => {
      const removed = await removeParticipant(runtime, id, { reason: `removed from the dashboard by coordinator ${c.get("coordinator").id}` });
      log.info("web: participant removed", { participantId: removed.id, coordinatorId: c.get("coordinator").id });
      return c.redirect(ADMIN, 303);
    }),
  );
}
