import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipant, type ParticipantStatus } from "@powertoken/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigSchema,
  countSigninAttempt,
  createInvite,
  createInvites,
  createRuntime,
  hashInviteToken,
  listParticipantInvites,
  markInviteCompleted,
  markInviteOpened,
  resolveInvite,
  revokeInvites,
  type PowerTokenRuntime,
} from "../src/index.js";
import { DIALECTS, POSTGRES_URL } from "./helpers/db-world.js";

const DAY = 86_400_000;

describe.each(DIALECTS)("invite links on %s", (dialect) => {
  const clock = { now: new Date("2026-11-30T12:00:00.000Z") };
  let runtime: PowerTokenRuntime;
  let dir: string | undefined;
  const schema = `core_inv_${randomBytes(5).toString("hex")}`;

  beforeAll(async () => {
    dir = dialect === "sqlite" ? mkdtempSync(join(tmpdir(), "pt-invites-")) : undefined;
    const config = ConfigSchema.parse({
      database: { url: dir ? join(dir, "pt.sqlite") : POSTGRES_URL, poolSize: 4 },
      encryption: { key: randomBytes(32).toString("base64") },
      web: { publicUrl: "https://study.example.org/" },
    });
    runtime = await createRuntime(config, { now: () => clock.now, ...(dir ? {} : { schema }) });
  });
  afterAll(async () => {
    await runtime.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    else {
      const client = new pg.Client(POSTGRES_URL);
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });

  let counter = 0;
  const participant = (status: ParticipantStatus = "needs-weconnect-signin") =>
    createParticipant(runtime.db.db, { name: `inv-${(counter += 1)}-${randomBytes(2).toString("hex")}`, timeZone: "UTC", enrollmentStart: "2026-11-30", status });

  it("makes a link of 256 random bits under publicUrl/p/ that resolves to its participant for 14 days", async () => {
    const p = await participant();
    const invite = await createInvite(runtime, { participantId: p.id });
    expect(invite.url).toBe(`https://study.example.org/p/${invite.token}`);
    expect(Buffer.from(invite.token, "base64url")).toHaveLength(32);
    expect(invite.expiresAt).toEqual(new Date(clock.now.getTime() + 14 * DAY));
    const resolved = await resolveInvite(runtime, invite.token);
    expect(resolved?.participant.id).toBe(p.id);
    expect(resolved?.invite.id).toBe(invite.inviteId);
  });

  it("stores only the hash of the secret", async () => {
    const p = await participant();
    const invite = await createInvite(runtime, { participantId: p.id });
    const [stored] = await listParticipantInvites(runtime, p.id);
    expect(stored?.tokenHash).toBe(hashInviteToken(invite.token));
    expect(JSON.stringify(stored)).not.toContain(invite.token);
  });

  it("does not resolve unknown, malformed, expired or revoked links", async () => {
    const p = await participant();
    const short = await createInvite(runtime, { participantId: p.id, expiresInMs: 60_000 });
    const other = await createInvite(runtime, { participantId: p.id });
    expect(await resolveInvite(runtime, randomBytes(32).toString("base64url"))).toBeNull();
    expect(await resolveInvite(runtime, "short")).toBeNull();
    expect(await resolveInvite(runtime, `${other.token}x`)).toBeNull();
    clock.now = new Date(clock.now.getTime() + 60_000);
    expect(await resolveInvite(runtime, short.token)).toBeNull();
    expect(await resolveInvite(runtime, other.token)).not.toBeNull();
    expect(await revokeInvites(runtime, p.id)).toBe(2);
    expect(await resolveInvite(runtime, other.token)).toBeNull();
  });

  it("makes one link per participant in the given states", async () => {
    const a = await participant("needs-tracker-consent");
    const b = await participant("needs-google-health");
    const c = await participant("active");
    const made = await createInvites(runtime, { states: ["needs-tracker-consent", "needs-google-health"], expiresInMs: DAY });
    const ids = made.map((m) => m.participantId);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(ids).not.toContain(c.id);
    expect(new Set(made.map((m) => m.token)).size).toBe(made.length);
  });

  it("records when a link was opened and completed", async () => {
    const p = await participant();
    const invite = await createInvite(runtime, { participantId: p.id });
    const openedAt = clock.now;
    await markInviteOpened(runtime, invite.inviteId);
    await markInviteCompleted(runtime, invite.inviteId);
    expect((await listParticipantInvites(runtime, p.id))[0]).toMatchObject({ openedAt, completedAt: openedAt, revokedAt: null });
  });

  it("allows five sign-in attempts per link per 15 minutes", async () => {
    const p = await participant();
    const invite = await createInvite(runtime, { participantId: p.id });
    for (let i = 0; i < 5; i += 1) expect((await countSigninAttempt(runtime, invite.inviteId)).allowed).toBe(true);
    const blocked = await countSigninAttempt(runtime, invite.inviteId);
    expect(blocked).toEqual({ allowed: false, retryAt: new Date(clock.now.getTime() + 15 * 60_000) });
  });

  it("refuses without web.publicUrl and with a bad lifetime", async () => {
    const p = await participant();
    const bare = { ...runtime, config: { ...runtime.config, web: { ...runtime.config.web, publicUrl: undefined } } };
    await expect(createInvite(bare, { participantId: p.id })).rejects.toMatchObject({ code: "NOT_CONFIGURED", key: "web.publicUrl" });
    await expect(createInvite(runtime, { participantId: p.id, expiresInMs: 0 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createInvite(runtime, { participantId: 987_654 })).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });
});
