import type { JobName, RunOutcome } from "./results.js";

/** The `/readyz` body. */
export interface ReadinessReport {
  ready: boolean;
  /** Each check: "ok", or why it fails. */
  checks: { database: string; poll: string; maintenance: string; shutdown: string };
}

/** Tracks the last outcome of each job and the shutdown state, and asks the database on demand. */
export interface Readiness {
  recordOutcome(job: JobName, outcome: RunOutcome): void;
  markStopping(): void;
  check(): Promise<ReadinessReport>;
}

/**
 * Create the readiness tracker. Ready means: the database answers `checkDatabase` within
 * `timeoutMs`, the latest run of neither job ended `failed` (threw, or every participant
 * failed), and no shutdown has begun. Partial and aborted runs do not make it unready.
 */
export function createReadiness(checkDatabase: () => Promise<void>, timeoutMs = 2000): Readiness {
  const last: Partial<Record<JobName, RunOutcome>> = {};
  let stopping = false;
  const jobCheck = (job: JobName): string => (last[job] === "failed" ? `the last ${job} run failed` : "ok");

  return {
    recordOutcome(job, outcome) {
      last[job] = outcome;
    },
    markStopping() {
      stopping = true;
    },
    async check() {
      const database = await withTimeout(checkDatabase(), timeoutMs).then(
        () => "ok",
        (error: unknown) => `database unreachable: ${errorCode(error)}`,
      );
      const checks = { database, poll: jobCheck("poll"), maintenance: jobCheck("maintenance"), shutdown: stopping ? "shutting down" : "ok" };
      return { ready: Object.values(checks).every((c) => c === "ok"), checks };
    },
  };
}

function errorCode(error: unknown): string {
  // Only the code: a driver's message may quote a connection string.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "error";
}

function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "TIMEOUT" })), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
