import { createHash, randomBytes } from "node:crypto";
import {
  clearSigninFailures,
  createCoordinatorSession,
  endCoordinatorSession,
  findCoordinatorByEmail,
  findCoordinatorSession,
  readSigninFailures,
  recordSigninFailure,
  touchCoordinatorSession,
  type CoordinatorRole,
} from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { CoordinatorRuntime } from "./coordinator-runtime.js";
import { DECOY_HASH, verifyPassword } from "./password-hash.js";

/** Failed sign-ins allowed per account and per address inside {@link SIGNIN_WINDOW_MS}. */
export const SIGNIN_FAILURE_LIMIT = 5;
/** The window failed sign-ins are counted in: 15 minutes. */
export const SIGNIN_WINDOW_MS = 15 * 60_000;
// Writing last-seen on every request would turn each page view into a write; a minute is precise enough for a 30-minute idle timeout.
const TOUCH_EVERY_MS = 60_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Who is signed in. */
export interface SignedInCoordinator {
  id: number;
  email: string;
  role: CoordinatorRole;
}

/** What {@link signInCoordinator} returns: the token (only here, never stored) for the session cookie. */
export interface CoordinatorSignIn {
  /** 256 random bits, base64url; the database keeps its SHA-256 only. */
  sessionToken: string;
  coordinator: SignedInCoordinator;
  /** The absolute end of the session. */
  expiresAt: Date;
}

/** A live session as resolved from its token. */
export interface ResolvedCoordinatorSession {
  coordinator: SignedInCoordinator;
  session: { id: number; createdAt: Date; lastSeenAt: Date; expiresAt: Date; idleExpiresAt: Date };
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Checks an e-mail and password and opens a server-side session. Failures are counted per account
 * and per address in the database (every replica sees the same count); after
 * {@link SIGNIN_FAILURE_LIMIT} in {@link SIGNIN_WINDOW_MS} the next attempt is refused before the
 * password is looked at.
 * @throws CoreError SIGNIN_REJECTED (wrong e-mail or password, one message for both), SIGNIN_LOCKED (`retryAt` set)
 * @example const { sessionToken } = await signInCoordinator(runtime, { email, password, address: "203.0.113.9" })
 */
export async function signInCoordinator(runtime: CoordinatorRuntime, input: { email: string; password: string; address: string | null }): Promise<CoordinatorSignIn> {
  const db = runtime.db.db;
  const now = runtime.ctx.now();
  const email = String(input.email ?? "").trim().toLowerCase();
  const keys = [`account:${email}`, ...(input.address ? [`address:${input.address}`] : [])];
  const windows = await Promise.all(keys.map((key) => readSigninFailures(db, key, { windowMs: SIGNIN_WINDOW_MS, now })));
  const locked = windows.filter((w) => w.failures >= SIGNIN_FAILURE_LIMIT && w.windowEndsAt);
  if (locked.length > 0) {
    const retryAt = new Date(Math.max(...locked.map((w) => w.windowEndsAt!.getTime())));
    throw new CoreError("SIGNIN_LOCKED", `Too many failed sign-ins; try again after ${retryAt.toISOString()}.`, { retryAt });
  }
  const coordinator = await findCoordinatorByEmail(db, email);
  const ok = await verifyPassword(String(input.password ?? ""), coordinator?.passwordHash ?? DECOY_HASH);
  if (!coordinator || !ok) {
    await recordSigninFailure(db, keys, { windowMs: SIGNIN_WINDOW_MS, now });
    throw new CoreError("SIGNIN_REJECTED", "That e-mail and password do not match an account.");
  }
  await clearSigninFailures(db, `account:${email}`);
  const sessionToken = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + runtime.config.web.sessionMaxHours * 3_600_000);
  await createCoordinatorSession(db, { coordinatorId: coordinator.id, tokenHash: hashToken(sessionToken), address: input.address, expiresAt, now });
  return { sessionToken, coordinator: { id: coordinator.id, email: coordinator.email, role: coordinator.role }, expiresAt };
}

/**
 * The coordinator behind a session token, or null when the token is unknown, signed out, past its
 * absolute lifetime (`web.sessionMaxHours`) or idle too long (`web.sessionIdleMinutes`), or its
 * coordinator was removed. Moves last-seen forward at most once a minute.
 */
export async function resolveCoordinatorSession(runtime: CoordinatorRuntime, sessionToken: string): Promise<ResolvedCoordinatorSession | null> {
  if (typeof sessionToken !== "string" || !TOKEN.test(sessionToken)) return null;
  const found = await findCoordinatorSession(runtime.db.db, hashToken(sessionToken));
  if (!found || found.session.endedAt) return null;
  const now = runtime.ctx.now();
  const idleMs = runtime.config.web.sessionIdleMinutes * 60_000;
  const { session, coordinator } = found;
  if (now.getTime() >= session.expiresAt.getTime() || now.getTime() - session.lastSeenAt.getTime() >= idleMs) return null;
  let lastSeenAt = session.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchCoordinatorSession(runtime.db.db, session.id, now);
    lastSeenAt = now;
  }
  return {
    coordinator: { id: coordinator.id, email: coordinator.email, role: coordinator.role },
    session: { id: session.id, createdAt: session.createdAt, lastSeenAt, expiresAt: session.expiresAt, idleExpiresAt: new Date(Math.min(lastSeenAt.getTime() + idleMs, session.expiresAt.getTime())) },
  };
}

/** Ends the session of this token (sign-out); an unknown or ended token is a no-op. */
export async function signOutCoordinator(runtime: CoordinatorRuntime, sessionToken: string): Promise<void> {
  if (typeof sessionToken !== "string" || !TOKEN.test(sessionToken)) return;
  await endCoordinatorSession(runtime.db.db, hashToken(sessionToken), runtime.ctx.now());
}
