import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addCoordinator,
  hashPassword,
  listCoordinators,
  removeCoordinator,
  resetCoordinatorPassword,
  resolveCoordinatorSession,
  signInCoordinator,
  signOutCoordinator,
  verifyPassword,
  type CoreError,
} from "../src/index.js";
import { DIALECTS } from "./helpers/db-world.js";
import { openPlainRuntime, type PlainRuntime } from "./helpers/plain-runtime.js";

const PASSWORD = "correct horse battery";
const MIN = 60_000;

describe("password hashes", () => {
  it("verifies the right password and refuses a wrong one, with a fresh salt each time", async () => {
    const [a, b] = [await hashPassword(PASSWORD), await hashPassword(PASSWORD)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword("correct horse battery!", a)).toBe(false);
    expect(await verifyPassword(PASSWORD, "plain")).toBe(false);
  });
});

describe.each(DIALECTS)("coordinators and sessions on %s", (dialect) => {
  let world: PlainRuntime;
  beforeAll(async () => {
    world = await openPlainRuntime(dialect, "coord", { web: { sessionIdleMinutes: 30, sessionMaxHours: 12 } });
  });
  afterAll(() => world.close());
  let n = 0;
  const email = () => `Coordinator${(n += 1)}@Example.org`;
  const advance = (ms: number) => (world.clock.now = new Date(world.clock.now.getTime() + ms));

  it("adds a coordinator under a lower-cased e-mail, lists them without a hash, and refuses a duplicate", async () => {
    const address = email();
    const added = await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    expect(added).toMatchObject({ email: address.toLowerCase(), role: "viewer" });
    expect(JSON.stringify(await listCoordinators(world.runtime))).not.toContain("scrypt");
    await expect(addCoordinator(world.runtime, { email: address.toUpperCase(), role: "admin", password: PASSWORD })).rejects.toMatchObject({ code: "COORDINATOR_EXISTS" });
  });

  it("refuses a short password, a bad e-mail and an unknown role, without echoing the password", async () => {
    const error = (await addCoordinator(world.runtime, { email: email(), role: "admin", password: "short-pw" }).catch((e: unknown) => e)) as CoreError;
    expect(error).toMatchObject({ code: "INVALID_INPUT", key: "password" });
    expect(error.message).not.toContain("short-pw");
    await expect(addCoordinator(world.runtime, { email: "not-an-email", role: "admin", password: PASSWORD })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "email" });
    await expect(addCoordinator(world.runtime, { email: email(), role: "owner" as "admin", password: PASSWORD })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "role" });
  });

  it("signs in with a 256-bit token that resolves to the coordinator and dies on sign-out", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "admin", password: PASSWORD });
    const signIn = await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.1" });
    expect(Buffer.from(signIn.sessionToken, "base64url")).toHaveLength(32);
    expect(signIn.coordinator).toMatchObject({ email: address.toLowerCase(), role: "admin" });
    expect(signIn.expiresAt).toEqual(new Date(world.clock.now.getTime() + 12 * 3_600_000));
    expect((await resolveCoordinatorSession(world.runtime, signIn.sessionToken))?.coordinator.email).toBe(address.toLowerCase());
    await signOutCoordinator(world.runtime, signIn.sessionToken);
    expect(await resolveCoordinatorSession(world.runtime, signIn.sessionToken)).toBeNull();
    expect(await resolveCoordinatorSession(world.runtime, "x".repeat(43))).toBeNull();
  });

  it("gives one answer for an unknown e-mail and a wrong password", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    const wrong = (await signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "198.51.100.2" }).catch((e: unknown) => e)) as CoreError;
    const unknown = (await signInCoordinator(world.runtime, { email: "nobody@example.org", password: PASSWORD, address: "198.51.100.2" }).catch((e: unknown) => e)) as CoreError;
    expect(wrong.code).toBe("SIGNIN_REJECTED");
    expect(unknown.code).toBe("SIGNIN_REJECTED");
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.message).not.toContain("wrong password!");
  });

  it("ends a session after 30 idle minutes and after 12 hours however active, touching last-seen at most once a minute", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    const idle = await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: null });
    const busy = await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: null });
    advance(20_000);
    const touched = await resolveCoordinatorSession(world.runtime, busy.sessionToken);
    expect(touched?.session.lastSeenAt).toEqual(touched?.session.createdAt);
    advance(29 * MIN);
    expect(await resolveCoordinatorSession(world.runtime, busy.sessionToken)).not.toBeNull();
    advance(2 * MIN);
    expect(await resolveCoordinatorSession(world.runtime, idle.sessionToken)).toBeNull();
    for (let i = 0; i < 12 * 4; i += 1) {
      if (world.clock.now.getTime() >= busy.expiresAt.getTime()) break;
      expect(await resolveCoordinatorSession(world.runtime, busy.sessionToken)).not.toBeNull();
      advance(15 * MIN);
    }
    expect(await resolveCoordinatorSession(world.runtime, busy.sessionToken)).toBeNull();
  });

  it("locks an (account, address) pair after 5 failures in 15 minutes, even with the right password, and unlocks after the window", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    for (let i = 0; i < 5; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "203.0.113.9" })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    }
    const started = world.clock.now;
    const locked = (await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "203.0.113.9" }).catch((e: unknown) => e)) as CoreError;
    expect(locked).toMatchObject({ code: "SIGNIN_LOCKED", retryAt: new Date(started.getTime() + 15 * MIN) });
    expect(locked.message).not.toContain(PASSWORD);
    advance(15 * MIN);
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "203.0.113.9" })).resolves.toMatchObject({ coordinator: { role: "viewer" } });
  });

  it("lets the owner in from their own address while a guesser's address is locked out of the account", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "admin", password: PASSWORD });
    // The guesser uses up their 5 and keeps going; refused attempts add nothing to any count.
    for (let i = 0; i < 5; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "203.0.113.66" })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    }
    for (let i = 0; i < 20; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "203.0.113.66" })).rejects.toMatchObject({ code: "SIGNIN_LOCKED" });
    }
    // Even the right password is refused from the guesser's address...
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "203.0.113.66" })).rejects.toMatchObject({ code: "SIGNIN_LOCKED" });
    // ...and the owner, whose address has not failed, gets in, with one typo first.
    await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "198.51.100.77" })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    const owner = await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.77" });
    expect((await resolveCoordinatorSession(world.runtime, owner.sessionToken))?.coordinator.email).toBe(address.toLowerCase());
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.78" })).resolves.toBeDefined();
  });

  it("locks an account for everyone after 50 failures from many addresses in 15 minutes, the owner's success not resetting that count", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    const started = world.clock.now;
    // 49 from ten addresses (5 each, the last 4): one short of the account-wide limit.
    for (let i = 0; i < 49; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: `192.0.2.${100 + Math.floor(i / 5)}` })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    }
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.200" })).resolves.toBeDefined();
    await expect(signInCoordinator(world.runtime, { email: address, password: "wrong password!", address: "192.0.2.120" })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    const locked = (await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.201" }).catch((e: unknown) => e)) as CoreError;
    expect(locked).toMatchObject({ code: "SIGNIN_LOCKED", retryAt: new Date(started.getTime() + 15 * MIN) });
    // An unknown e-mail is counted and locked the same way, so the lock tells nothing about who exists.
    for (let i = 0; i < 50; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: "ghost@example.org", password: "wrong password!", address: `192.0.2.${130 + Math.floor(i / 5)}` })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    }
    await expect(signInCoordinator(world.runtime, { email: "ghost@example.org", password: PASSWORD, address: "198.51.100.202" })).rejects.toMatchObject({ code: "SIGNIN_LOCKED" });
    advance(15 * MIN);
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "198.51.100.201" })).resolves.toBeDefined();
  });

  it("locks an address after 5 failures across accounts", async () => {
    for (let i = 0; i < 5; i += 1) {
      await expect(signInCoordinator(world.runtime, { email: `guess${i}@example.org`, password: "wrong password!", address: "192.0.2.50" })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    }
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "viewer", password: PASSWORD });
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "192.0.2.50" })).rejects.toMatchObject({ code: "SIGNIN_LOCKED" });
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: "192.0.2.51" })).resolves.toBeDefined();
  });

  it("ends every session of a coordinator whose password is reset or who is removed", async () => {
    const address = email();
    await addCoordinator(world.runtime, { email: address, role: "admin", password: PASSWORD });
    const before = await signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: null });
    await resetCoordinatorPassword(world.runtime, { email: address, password: "a brand new passphrase" });
    expect(await resolveCoordinatorSession(world.runtime, before.sessionToken)).toBeNull();
    await expect(signInCoordinator(world.runtime, { email: address, password: PASSWORD, address: null })).rejects.toMatchObject({ code: "SIGNIN_REJECTED" });
    const after = await signInCoordinator(world.runtime, { email: address, password: "a brand new passphrase", address: null });
    await removeCoordinator(world.runtime, address);
    expect(await resolveCoordinatorSession(world.runtime, after.sessionToken)).toBeNull();
    await expect(removeCoordinator(world.runtime, address)).rejects.toMatchObject({ code: "COORDINATOR_NOT_FOUND" });
    await expect(resetCoordinatorPassword(world.runtime, { email: address, password: "a brand new passphrase" })).rejects.toMatchObject({ code: "COORDINATOR_NOT_FOUND" });
  });
});
