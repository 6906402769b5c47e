import { saveTrackerAccount } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { getJobHealth, listOpenAlerts, runRecordedJob, settleParticipantStatus, type LogFields, type Logger, type PowerTokenRuntime } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** The world's runtime with alerts sent to `webhookUrl` and a recording logger. */
function withAlerts(runtime: PowerTokenRuntime, webhookUrl: string, log: Logger): PowerTokenRuntime {
  return { ...runtime, ctx: { ...runtime.ctx, log }, config: { ...runtime.config, alerts: { ...runtime.config.alerts, webhookUrl } } };
}

describe.each(DIALECTS)("job runs and alerts on %s", (dialect) => {
  let world: DbWorld | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await world?.close();
    await receiver?.close();
    world = undefined;
    receiver = undefined;
  });

  it("records every run with its counts, and reports job health from the records", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ann")], "2026-11-30T15:30:00Z");
    const runtime = world.runtime;
    expect((await getJobHealth(runtime)).map((j) => [j.job, j.lastRun, j.stale])).toEqual([["poll", null, true], ["maintenance", null, true]]);
    await runRecordedJob(runtime, "maintenance", { replica: "cli:test", alerts: false });
    const poll = await runRecordedJob(runtime, "poll", { all: true, replica: "cli:test", alerts: false });
    expect(poll.written).toBe(1);
    await runRecordedJob(runtime, "poll", { all: true, dryRun: true, alerts: false });
    const [pollHealth, maintenanceHealth] = await getJobHealth(runtime);
    expect(pollHealth).toMatchObject({ job: "poll", intervalMinutes: 15, stale: false, runningSince: null, lastRun: { owner: "cli:test", outcome: "ok", written: 1, failed: 0, processed: 1 } });
    expect(pollHealth!.nextExpectedAt).toEqual(new Date(world.clock.now.getTime() + 15 * 60_000));
    expect(maintenanceHealth).toMatchObject({ job: "maintenance", intervalMinutes: 60, stale: false, lastRun: { outcome: "ok" } });
    world.clock.advanceMinutes(31);
    expect((await getJobHealth(runtime))[0]!.stale).toBe(true);
  });

  it("sends one webhook message for a revoked tracker token and one for a stopped job, and a resolved message for each after the fix", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ann"), chicagoMeetingSpec("ben")], "2026-11-30T15:30:00Z");
    receiver = await startWebhookReceiver();
    const runtime = withAlerts(world.runtime, receiver.url, recordingLogger());
    await runRecordedJob(runtime, "maintenance", { alerts: false }); // alone it would find that poll never ran
    await runRecordedJob(runtime, "poll", { all: true });
    expect(receiver.messages).toEqual([]);

    world.googleSim.state.revokeGrant("ben");
    world.clock.advanceMinutes(120); // ben's access token expired: the refresh meets the revoked grant
    const benPerson = world.people.get("ben")!;
    world.weconnectSim.state.checkIn(benPerson.personId, benPerson.activityIds.meeting!, "2026-11-30"); // a new value to write
    expect(await runRecordedJob(runtime, "poll", { all: true })).toMatchObject({ failed: 1, failuresByCode: { REAUTH_REQUIRED: 1 } });
    world.clock.advanceMinutes(15);
    await runRecordedJob(runtime, "poll", { all: true }); // maintenance last ran 135 min ago: over two hourly intervals
    world.clock.advanceMinutes(15);
    await runRecordedJob(runtime, "poll", { all: true });
    const ben = world.people.get("ben")!.id;
    const about = (key: string) => receiver!.messages.filter((m) => m.body.alert.key === key).map((m) => m.body.event);
    expect(about(`tracker-token:${ben}:google-health`)).toEqual(["opened"]);
    expect(about("job-stale:maintenance")).toEqual(["opened"]);
    const opened = receiver.messages.find((m) => m.body.alert.key === "job-stale:maintenance")!;
    expect(opened.body.text).toMatch(/maintenance job has not run/);
    expect((await listOpenAlerts(runtime)).map((a) => a.key)).toEqual(expect.arrayContaining([`tracker-token:${ben}:google-health`, "job-stale:maintenance"]));

    const tokens = world.googleSim.state.issueTokens("ben");
    await saveTrackerAccount(runtime.db.db, runtime.db.keys, { participantId: ben, backend: "google-health", ...tokens, now: world.clock.now });
    await settleParticipantStatus(runtime, ben);
    await runRecordedJob(runtime, "maintenance");
    expect(about(`tracker-token:${ben}:google-health`)).toEqual(["opened", "resolved"]);
    expect(about("job-stale:maintenance")).toEqual(["opened", "resolved"]);
    expect(receiver.messages.find((m) => m.body.event === "resolved")!.body.text).toMatch(/resolved/);
    expect((await listOpenAlerts(runtime)).map((a) => a.key)).not.toContain("job-stale:maintenance");
  });

  it("finishes the job normally when the webhook answers 500, and logs the failure without the webhook's URL", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ann")], "2026-11-30T15:30:00Z");
    receiver = await startWebhookReceiver();
    receiver.status = 500;
    const log = recordingLogger();
    const runtime = withAlerts(world.runtime, receiver.url, log);
    const result = await runRecordedJob(runtime, "poll", { all: true }); // maintenance never ran: an alert is raised and its delivery fails
    expect(result).toMatchObject({ written: 1, failed: 0 });
    expect(receiver.messages.length).toBeGreaterThan(0);
    const warnings = log.lines.filter((l) => l.message === "alert webhook failed");
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.fields).toMatchObject({ reason: "HTTP 500" });
    expect(JSON.stringify(log.lines)).not.toContain("secret-token-in-path");
    expect(JSON.stringify(log.lines)).not.toContain(receiver.url);
    expect((await getJobHealth(runtime))[0]!.lastRun).toMatchObject({ outcome: "ok" });
  });

  it("finishes the job when the webhook cannot be reached at all", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ann")], "2026-11-30T15:30:00Z");
    const log = recordingLogger();
    const runtime = withAlerts(world.runtime, "http://127.0.0.1:9/hooks/secret-token-in-path", log);
    await expect(runRecordedJob(runtime, "poll", { all: true })).resolves.toMatchObject({ written: 1 });
    expect(log.lines.some((l) => l.message === "alert webhook failed")).toBe(true);
    expect(JSON.stringify(log.lines)).not.toContain("secret-token-in-path");
  });
});
