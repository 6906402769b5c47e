import { isDbError, listTrackerAccounts, loadWeconnectAccount, type TrackerAccount, type WeconnectAccount } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";

/** Why a stored token could not be read: the key is missing, another key, or the ciphertext fails to authenticate. */
export interface TokenProblem {
  /** The DbError code: KEY_MISSING, KEY_MISMATCH or DECRYPT_FAILED. */
  code: string;
  message: string;
}

/** A participant's accounts as read for display: the WEconnect link may be unreadable. */
export interface LinkedAccounts {
  /** The WEconnect link (token dropped), null when none or when it could not be read. */
  weconnect: Omit<WeconnectAccount, "accessToken"> | null;
  trackers: TrackerAccount[];
  /** Set when the WEconnect token could not be decrypted (reported, never swallowed). */
  tokenProblem: TokenProblem | null;
}

/** Load a participant's accounts for display; a decryption failure becomes `tokenProblem`. */
export async function loadLinkedAccounts(runtime: Pick<AdminRuntime, "db">, participantId: number): Promise<LinkedAccounts> {
  const trackers = await listTrackerAccounts(runtime.db.db, participantId);
  try {
    const account = await loadWeconnectAccount(runtime.db.db, runtime.db.keys, participantId);
    if (account === null) return { weconnect: null, trackers, tokenProblem: null };
    const { accessToken: _token, ...rest } = account;
    return { weconnect: rest, trackers, tokenProblem: null };
  } catch (error) {
    if (isDbError(error) && (error.code === "KEY_MISSING" || error.code === "KEY_MISMATCH" || error.code === "DECRYPT_FAILED")) {
      return { weconnect: null, trackers, tokenProblem: { code: error.code, message: error.message } };
    }
    throw error;
  }
}

/** One word or short phrase on the WEconnect token: ok, ok (n d left), expired, none, or why unreadable. */
export function weconnectHealth(accounts: LinkedAccounts, now: Date): string {
  if (accounts.tokenProblem) return accounts.tokenProblem.code === "KEY_MISSING" ? "unknown (no key)" : `unreadable (${accounts.tokenProblem.code})`;
  const account = accounts.weconnect;
  if (account === null) return "none";
  if (account.status !== "active") return account.status;
  if (account.tokenExpiresAt === null) return "ok";
  const days = Math.floor((account.tokenExpiresAt.getTime() - now.getTime()) / 86_400_000);
  return days < 0 ? "expired" : days < 14 ? `ok (${days} d left)` : "ok";
}

/** The tracker accounts' health: ok or their status, with the backend when there are several. */
export function trackerHealth(trackers: readonly TrackerAccount[]): string {
  if (trackers.length === 0) return "none";
  return trackers.map((a) => (a.status === "active" ? "ok" : a.status) + (trackers.length > 1 ? ` (${a.backend})` : "")).join(", ");
}
