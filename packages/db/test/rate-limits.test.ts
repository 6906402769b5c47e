import { describe, expect, it } from "vitest";
import { createParticipant, loadRateLimits, removeParticipant, saveApiPause, saveParticipantRateLimit } from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const t0 = new Date("2026-11-30T12:00:00.000Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe.each(DIALECTS)("rate limits on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "ratelim");

  it("keeps a participant's postponement until its time, then forgets it", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveParticipantRateLimit(db, { participantId: p.id, api: "tracker", until: at(30), now: t0 });
    const during = await loadRateLimits(db, { now: at(10) });
    expect(during.participants.filter((r) => r.participantId === p.id)).toEqual([{ participantId: p.id, api: "tracker", until: at(30) }]);
    const after = await loadRateLimits(db, { now: at(30) });
    expect(after.participants.filter((r) => r.participantId === p.id)).toEqual([]);
  });

  it("never shortens a wait: a later postponement or pause wins over an earlier one", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveParticipantRateLimit(db, { participantId: p.id, api: "weconnect", until: at(120), now: t0 });
    await saveParticipantRateLimit(db, { participantId: p.id, api: "weconnect", until: at(60), now: at(1) });
    await saveApiPause(db, { api: "oauth", until: at(90), now: t0 });
    await saveApiPause(db, { api: "oauth", until: at(45), now: at(1) });
    const limits = await loadRateLimits(db, { now: at(2) });
    expect(limits.participants.find((r) => r.participantId === p.id)?.until).toEqual(at(120));
    expect(limits.apis.find((r) => r.api === "oauth")?.until).toEqual(at(90));
    await saveApiPause(db, { api: "oauth", until: at(200), now: at(3) });
    expect((await loadRateLimits(db, { now: at(4) })).apis.find((r) => r.api === "oauth")?.until).toEqual(at(200));
  });

  it("drops a removed participant's postponement with the participant", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveParticipantRateLimit(db, { participantId: p.id, api: "tracker", until: at(30), now: t0 });
    await removeParticipant(db, { participantId: p.id, reason: "test", now: t0 });
    expect((await loadRateLimits(db, { now: at(1) })).participants.filter((r) => r.participantId === p.id)).toEqual([]);
  });

  it("refuses an API name that is not a family name and a participant id that is not one", async () => {
    const { db } = database.get();
    await expect(saveApiPause(db, { api: "Tracker API", until: at(30), now: t0 })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("api must be") });
    await expect(saveParticipantRateLimit(db, { participantId: 0, api: "tracker", until: at(30), now: t0 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
