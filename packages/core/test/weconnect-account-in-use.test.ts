// One WEconnect account feeds one enrolled participant (the CLI's `connect weconnect` and the
// invite pages both go through linkWeconnect).
import { loadWeconnectAccount, updateParticipant } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolParticipant, linkWeconnect, pauseParticipant, removeParticipant } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

describe.each(DIALECTS)("one WEconnect account, one enrolled participant, on %s", (dialect) => {
  let world: DbWorld;
  beforeAll(async () => {
    world = await startDbWorld(dialect, [], "2026-12-01T15:00:00Z");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("refuses a WEconnect person already linked to another participant who is not ended, saving nothing", async () => {
    world.weconnectSim.state.addPerson({ email: "shared@example.org", password: "pw-shared", timeZone: "UTC" });
    const first = await enrolParticipant(world.runtime, { name: "share-a" });
    const second = await enrolParticipant(world.runtime, { name: "share-b" });
    await linkWeconnect(world.runtime, { participantId: first.id, email: "shared@example.org", password: "pw-shared" });
    const error = await linkWeconnect(world.runtime, { participantId: second.id, email: "shared@example.org", password: "pw-shared" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "CoreError", code: "WECONNECT_ACCOUNT_IN_USE", retryable: false });
    expect((error as Error).message).toContain(`participant "share-a" (id ${first.id})`);
    expect((error as Error).message).not.toContain("pw-shared");
    expect(await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, second.id)).toBeNull();
    // A paused participant is still enrolled: still refused.
    await pauseParticipant(world.runtime, first.id, { reason: "test" });
    await expect(linkWeconnect(world.runtime, { participantId: second.id, email: "shared@example.org", password: "pw-shared" })).rejects.toMatchObject({ code: "WECONNECT_ACCOUNT_IN_USE" });
  });

  it("relinks a participant to their own account, and frees the account once its participant has ended or is removed", async () => {
    const person = world.weconnectSim.state.addPerson({ email: "own@example.org", password: "pw-own", timeZone: "UTC" });
    const owner = await enrolParticipant(world.runtime, { name: "own-a" });
    await linkWeconnect(world.runtime, { participantId: owner.id, email: "own@example.org", password: "pw-own" });
    await expect(linkWeconnect(world.runtime, { participantId: owner.id, email: "own@example.org", password: "pw-own" })).resolves.toMatchObject({ personId: String(person.id) });

    await updateParticipant(world.runtime.db.db, owner.id, { status: "ended" });
    const next = await enrolParticipant(world.runtime, { name: "own-b" });
    await expect(linkWeconnect(world.runtime, { participantId: next.id, email: "own@example.org", password: "pw-own" })).resolves.toMatchObject({ personId: String(person.id) });

    await removeParticipant(world.runtime, next.id, { reason: "test" });
    const third = await enrolParticipant(world.runtime, { name: "own-c" });
    await expect(linkWeconnect(world.runtime, { participantId: third.id, email: "own@example.org", password: "pw-own" })).resolves.toMatchObject({ personId: String(person.id) });
  });
});
