import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createInviteRecord,
  createParticipant,
  findInviteByTokenHash,
  listInvites,
  markInviteRecordCompleted,
  markInviteRecordOpened,
  recordSigninAttempt,
  removeParticipant,
  revokeInviteRecords,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-30T12:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const newHash = () => createHash("sha256").update(randomBytes(32)).digest("hex");

describe.each(DIALECTS)("invites on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "invites");
  const participant = async () => {
    const { db } = database.get();
    return createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-30" });
  };

  it("stores an invite by the hash of its secret and finds it again by that hash", async () => {
    const { db } = database.get();
    const p = await participant();
    const hash = newHash();
    const created = await createInviteRecord(db, { participantId: p.id, tokenHash: hash, expiresAt: at(86_400_000), now });
    expect(created).toMatchObject({ participantId: p.id, tokenHash: hash, createdAt: now, expiresAt: at(86_400_000), revokedAt: null, openedAt: null });
    expect(await findInviteByTokenHash(db, hash)).toEqual(created);
    expect(await findInviteByTokenHash(db, newHash())).toBeNull();
    expect(await findInviteByTokenHash(db, "not-a-hash")).toBeNull();
  });

  it("rejects a token that is not a hash and a participant that does not exist", async () => {
    const { db } = database.get();
    const p = await participant();
    await expect(createInviteRecord(db, { participantId: p.id, tokenHash: "plain-secret", expiresAt: at(1), now })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createInviteRecord(db, { participantId: 999_999, tokenHash: newHash(), expiresAt: at(1), now })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("revokes all of a participant's live invites and no one else's", async () => {
    const { db } = database.get();
    const [a, b] = [await participant(), await participant()];
    await createInviteRecord(db, { participantId: a.id, tokenHash: newHash(), expiresAt: at(1_000), now });
    await createInviteRecord(db, { participantId: a.id, tokenHash: newHash(), expiresAt: at(2_000), now: at(1) });
    const other = await createInviteRecord(db, { participantId: b.id, tokenHash: newHash(), expiresAt: at(1_000), now });
    expect(await revokeInviteRecords(db, a.id, at(10))).toBe(2);
    expect(await revokeInviteRecords(db, a.id, at(20))).toBe(0);
    const listed = await listInvites(db, a.id);
    expect(listed.map((i) => i.revokedAt)).toEqual([at(10), at(10)]);
    expect(listed[0]!.expiresAt).toEqual(at(2_000));
    expect((await findInviteByTokenHash(db, other.tokenHash))?.revokedAt).toBeNull();
  });

  it("keeps the first opened and completed times", async () => {
    const { db } = database.get();
    const p = await participant();
    const invite = await createInviteRecord(db, { participantId: p.id, tokenHash: newHash(), expiresAt: at(1_000), now });
    await markInviteRecordOpened(db, invite.id, at(1));
    await markInviteRecordOpened(db, invite.id, at(2));
    await markInviteRecordCompleted(db, invite.id, at(3));
    await markInviteRecordCompleted(db, invite.id, at(4));
    expect(await findInviteByTokenHash(db, invite.tokenHash)).toMatchObject({ openedAt: at(1), completedAt: at(3) });
  });

  it("allows five sign-in attempts per window, then says when to retry, then a new window starts", async () => {
    const { db } = database.get();
    const p = await participant();
    const invite = await createInviteRecord(db, { participantId: p.id, tokenHash: newHash(), expiresAt: at(10_000_000), now });
    const attempt = (ms: number) => recordSigninAttempt(db, { inviteId: invite.id, limit: 5, windowMs: 900_000, now: at(ms) });
    for (let i = 0; i < 5; i += 1) expect(await attempt(i * 1_000)).toEqual({ allowed: true, retryAt: null });
    expect(await attempt(60_000)).toEqual({ allowed: false, retryAt: at(900_000) });
    expect(await attempt(899_999)).toEqual({ allowed: false, retryAt: at(900_000) });
    expect(await attempt(900_000)).toEqual({ allowed: true, retryAt: null });
  });

  it("counts concurrent attempts exactly once each", async () => {
    const { db } = database.get();
    const p = await participant();
    const invite = await createInviteRecord(db, { participantId: p.id, tokenHash: newHash(), expiresAt: at(10_000_000), now });
    const results = await Promise.all(Array.from({ length: 8 }, () => recordSigninAttempt(db, { inviteId: invite.id, limit: 5, windowMs: 900_000, now })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("removes a participant's invites with the participant", async () => {
    const { db } = database.get();
    const p = await participant();
    const invite = await createInviteRecord(db, { participantId: p.id, tokenHash: newHash(), expiresAt: at(1_000), now });
    await removeParticipant(db, { participantId: p.id, reason: "test" });
    expect(await findInviteByTokenHash(db, invite.tokenHash)).toBeNull();
  });
});
