import { createCoordinator, deleteCoordinator, isDbError, listCoordinatorRecords, setCoordinatorPasswordHash, type CoordinatorRole } from "@powertoken/db";
import { z } from "zod";
import { CoreError } from "../errors.js";
import type { CoordinatorRuntime } from "./coordinator-runtime.js";
import { hashPassword } from "./password-hash.js";

/** The shortest password accepted (NIST SP 800-63B asks for at least 8; a study's staff accounts get more). */
export const MIN_PASSWORD_LENGTH = 12;

/** A coordinator as shown: never the password hash. */
export interface CoordinatorSummary {
  id: number;
  email: string;
  role: CoordinatorRole;
  createdAt: Date;
  updatedAt: Date;
}

const EmailSchema = z.email();

/** Trimmed, lower-cased e-mail; CoreError INVALID_INPUT when it is not one. */
export function normaliseEmail(email: string): string {
  const value = String(email).trim().toLowerCase();
  if (!EmailSchema.safeParse(value).success) throw new CoreError("INVALID_INPUT", "Give the coordinator's e-mail address, e.g. nurse@example.org.", { key: "email" });
  return value;
}

function checkPassword(password: string): void {
  if (typeof password !== "string" || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new CoreError("INVALID_INPUT", `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, { key: "password" });
  }
}

/**
 * Creates a dashboard account. The password is stored as a salted scrypt hash only.
 * @throws CoreError INVALID_INPUT (e-mail, role, password shorter than {@link MIN_PASSWORD_LENGTH}), COORDINATOR_EXISTS
 * @example await addCoordinator(runtime, { email: "pi@example.org", role: "admin", password })
 */
export async function addCoordinator(runtime: CoordinatorRuntime, input: { email: string; role: CoordinatorRole; password: string }): Promise<CoordinatorSummary> {
  const email = normaliseEmail(input.email);
  if (input.role !== "admin" && input.role !== "viewer") throw new CoreError("INVALID_INPUT", "The role is admin or viewer.", { key: "role" });
  checkPassword(input.password);
  try {
    const { passwordHash: _hash, ...rest } = await createCoordinator(runtime.db.db, { email, role: input.role, passwordHash: await hashPassword(input.password), now: runtime.ctx.now() });
    return rest;
  } catch (error) {
    if (isDbError(error) && error.code === "CONFLICT") throw new CoreError("COORDINATOR_EXISTS", `A coordinator with e-mail ${email} exists; use reset-password to change the password.`, { key: "email" });
    throw error;
  }
}

/** Every coordinator, by e-mail, without password hashes. */
export async function listCoordinators(runtime: CoordinatorRuntime): Promise<CoordinatorSummary[]> {
  return (await listCoordinatorRecords(runtime.db.db)).map(({ passwordHash: _hash, ...rest }) => rest);
}

/**
 * Deletes a coordinator account; their sessions end with it.
 * @throws CoreError COORDINATOR_NOT_FOUND
 */
export async function removeCoordinator(runtime: CoordinatorRuntime, email: string): Promise<void> {
  const normalised = normaliseEmail(email);
  if (!(await deleteCoordinator(runtime.db.db, normalised))) throw new CoreError("COORDINATOR_NOT_FOUND", `No coordinator with e-mail ${normalised}; list them with \`powertoken coordinators list\`.`, { key: "email" });
}

/**
 * Sets a new password and ends every session of the coordinator (a leaked session dies with the old password).
 * @throws CoreError INVALID_INPUT (password too short), COORDINATOR_NOT_FOUND
 */
export async function resetCoordinatorPassword(runtime: CoordinatorRuntime, input: { email: string; password: string }): Promise<void> {
  const email = normaliseEmail(input.email);
  checkPassword(input.password);
  const done = await setCoordinatorPasswordHash(runtime.db.db, { email, passwordHash: await hashPassword(input.password), now: runtime.ctx.now() });
  if (!done) throw new CoreError("COORDINATOR_NOT_FOUND", `No coordinator with e-mail ${email}; list them with \`powertoken coordinators list\`.`, { key: "email" });
}
