import { GOOGLE_HEALTH_SCOPES, isFitbitError, type FitbitError } from "@powertoken/fitbit";
import { dbErrorOf, driverErrorCode } from "@powertoken/db";
import { isWeconnectError } from "@powertoken/weconnect";
import type { ParticipantStatus } from "../data/core-data.js";

/** A participant's failure reduced to what a run records: a code, a safe message, a source. */
export interface ClassifiedError {
  code: string;
  /** The error's own message: the packages guarantee it never holds a token or URL. */
  message: string;
  origin: "weconnect" | "tracker" | "db" | "core";
  /** The participant status this failure calls for, if any. */
  status?: ParticipantStatus;
  /** Why, for the status change (kept on the tracker account); the code when absent. */
  reason?: string;
}

/**
 * Classify any error from any package. UNAUTHORIZED from WEconnect → needs WEconnect sign-in
 * (its tokens cannot be refreshed); REAUTH_REQUIRED and INSUFFICIENT_SCOPE (a grant without a
 * permission we need, the reason naming it) → needs tracker consent; API_GONE (legacy 410)
 * → move to Google Health. A driver error db's `dbErrorOf` knows becomes db's code with `DB_`
 * in front: SQLite's SQLITE_BUSY / SQLITE_LOCKED and PostgreSQL's 55P03 → `DB_BUSY` naming the
 * cause; a damaged page (SQLITE_CORRUPT / SQLITE_NOTADB, PostgreSQL's XX001 / XX002) →
 * `DB_NOT_A_DATABASE` saying to restore a backup. Anything unknown becomes `INTERNAL` with its
 * class name only.
 */
export function classifyError(error: unknown): ClassifiedError {
  if (isWeconnectError(error)) {
    const out: ClassifiedError = { code: error.code, message: error.message, origin: "weconnect" };
    if (error.code === "UNAUTHORIZED") out.status = "needs-weconnect-signin";
    return out;
  }
  if (isFitbitError(error)) {
    const out: ClassifiedError = { code: error.code, message: error.message, origin: "tracker" };
    if (error.code === "REAUTH_REQUIRED") out.status = "needs-tracker-consent";
    if (error.code === "INSUFFICIENT_SCOPE") {
      // A grant without a permission PowerToken needs (issue 13): the participant must consent again.
      out.status = "needs-tracker-consent";
      out.reason = `The tracker grant lacks ${missingPermission(error)}; the participant must connect again and tick every permission.`;
    }
    if (error.code === "API_GONE") out.status = "needs-google-health";
    return out;
  }
  if (error instanceof Error && error.name === "DbError") {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === "string" ? `DB_${code}` : "DB_ERROR", message: error.message, origin: "db" };
  }
  if (error instanceof Error && error.name === "CoreError") {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === "string" ? code : "INTERNAL", message: error.message, origin: "core" };
  }
  // A held lock or a damaged page met in the middle of the run: name it, not "Unexpected
  // SqliteError" (issue 15). The driver's message is not kept: it may quote a row.
  const typed = dbErrorOf(error);
  if (typed) {
    const driverCode = driverErrorCode(error);
    if (typed.code === "BUSY" && driverCode?.startsWith("SQLITE_")) {
      // Another process (a second job, a sqlite3 shell, a backup) held the write lock past the busy timeout.
      return {
        code: "DB_BUSY",
        message: `Another process held the SQLite database's write lock for longer than the busy timeout (${driverCode}); this participant is tried again next run. Look for a long job or an open sqlite3 shell on the file.`,
        origin: "db",
      };
    }
    return { code: `DB_${typed.code}`, message: typed.message, origin: "db" };
  }
  // Unknown errors may quote anything (a driver error can quote a row): keep only the class name.
  const name = error instanceof Error ? error.name : typeof error;
  return { code: "INTERNAL", message: `Unexpected ${name} while processing the participant.`, origin: "core" };
}

/** The permission an INSUFFICIENT_SCOPE answer was missing, named from the scopes or the endpoint that refused. */
function missingPermission(error: FitbitError): string {
  if (error.missingScopes && error.missingScopes.length > 0) return error.missingScopes.join(", ");
  const endpoint = error.endpoint ?? "";
  if (endpoint.includes("/settings")) return `permission to read settings (${GOOGLE_HEALTH_SCOPES.settingsRead})`;
  if (/^(POST|PATCH|DELETE) .*dataTypes\/exercise/.test(endpoint)) return `permission to write activity data (${GOOGLE_HEALTH_SCOPES.activityWrite})`;
  if (endpoint.includes("/v4/")) return `permission to read activity data (${GOOGLE_HEALTH_SCOPES.activityRead})`;
  return "a permission the tracker asked for";
}
