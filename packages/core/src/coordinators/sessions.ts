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

/**
 * Failed sign-ins allowed per (account, address) pair and per address inside {@link SIGNIN_WINDOW_MS}.
 * Counting per pair, not per account, is what keeps one guesser from locking the owner out: the
 * guesser's address is refused, the owner's is not.
 */
export const SIGNIN_FAILURE_LIMIT = 5;
/**
 * Failed sign-ins allowed per account from all addresses together inside {@link SIGNIN_WINDOW_MS}.
 * Only against guessing spread over many addresses: one address adds at most
 * {@link SIGNIN_FAILURE_LIMIT} to it, so it takes ten addresses to reach, and then the account is
 * refused to everyone (the owner included) until the window ends.
 */
export const SIGNIN_ACCOUNT_FAILURE_LIMIT = 50;
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
 * The failure counts one attempt is checked against and added to, the pair first. The pair key is
 * JSON so that no e-mail can be written to collide with another account's pair (an e-mail may hold
 * any character a separator could be). The `account:` and `address:` keys keep their old form.
 */
function signinLimits(email: string, address: string | null): { key: string; limit: number }[] {
  return [
    { key: `pair:${JSON.stringify([email, address ?? ""])}`, limit: SIGNIN_FAILURE_LIMIT },
    ...(address ? [{ key: `address:${address}`, limit: SIGNIN_FAILURE_LIMIT }] : []),
    { key: `account:${email}`, limit: SIGNIN_ACCOUNT_FAILURE_LIMIT },
  ];
}

/**
 * Checks an e-mail and password and opens a server-side session. Failures are counted in the
 * database (every replica sees the same count) per (account, address) pair and per address, each
 * up to {@link SIGNIN_FAILURE_LIMIT}, and per account from all addresses up to
 * {@link SIGNIN_ACCOUNT_FAILURE_LIMIT}, all in {@link SIGNIN_WINDOW_MS}; past any of them the next
 * attempt is refused before the password is looked at. An unknown e-mail is counted exactly like a
 * known one, so neither the answer nor a lock tells whether an account exists. A `null` address
 * counts as one unknown client (a pair with no address, no per-address count).
 * @throws CoreError SIGNIN_REJECTED (wrong e-mail or password, one message for both), SIGNIN_LOCKED (`retryAt` set)
 * @example const { sessionToken } = await signInCoordinator(runtime, { email, password, address: "203.0.113.9" })
 */
export async function signInCoordinator(runtime: CoordinatorRuntime, input: { email: string; password: string; address: string | null }): Promise<CoordinatorSignIn> {
  const db = runtime.db.db;
  const now = runtime.ctx.now();
  const email = String(input.email ?? "").trim().toLowerCase();
  const limits = signinLimits(email, input.address);
  const keys = limits.map((l) => l.key);
  const windows = await Promise.all(keys.map((key) => readSigninFailures(db, key, { windowMs: SIGNIN_WINDOW_MS, now })));
  const locked = windows.filter((w, i) => w.failures >= limits[i]!.limit && w.windowEndsAt);
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
  // Only this pair's count goes: the account-wide count is other addresses' guesses, which the
  // owner signing in does not make any less suspicious (it ends with its window instead).
  await clearSigninFailures(db, limits[0]!.key);
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
