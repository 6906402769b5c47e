/** Types of soak-engine.mjs, for test/soak.test.ts. */
export interface SoakCore {
  ConfigSchema: { parse(input: unknown): unknown };
  createRuntime(config: never, options: never): Promise<unknown>;
  runPoll(ctx: never, options?: never): Promise<unknown>;
  runMaintenance(ctx: never, options?: never): Promise<unknown>;
}

export interface SoakOptions {
  /** Core's module: its built dist (soak.mjs) or its src (the test). */
  core: unknown;
  participants: number;
  /** 15-minute polls from 2026-11-25T00:00Z; maintenance before every fourth. */
  polls: number;
  /** Share of requests that get a fault, on every simulator. */
  faultRate: number;
  /** @default 1 */
  seed?: number;
  /** @default "sqlite" */
  dialect?: "sqlite" | "postgres";
  databaseUrl?: string;
  /** Share of participants on the legacy Fitbit backend. @default 0.2 */
  legacyShare?: number;
  /** Check-ins and un-check-ins per participant per day, on average. @default 6 */
  checkInsPerDay?: number;
  /** Per-request timeout on the transport (every client's own is 10 s). @default 1000 */
  clientTimeoutMs?: number;
  /** @default 8 */
  concurrency?: number;
  /** "node-http": core's createNodeHttpFetch, createRuntime's default (when core exports it); "fetch": Node's fetch. @default "node-http" */
  transport?: "node-http" | "fetch";
  /** Length of a WEconnect 401 burst. @default 5 */
  burstLength?: number;
  /** Fault kinds on the WEconnect simulator. @default all */
  weconnectKinds?: readonly string[];
  /** Fault kinds on the tracker simulators (API and OAuth). @default all */
  trackerKinds?: readonly string[];
  onProgress?: (p: { step: number; polls: number; due: number; written: number; failed: number }) => void;
}

export interface SoakWrong {
  participant: string;
  backend: string;
  status: string;
  date: string;
  expected: number;
  shown: number | null;
}

export interface SoakResult {
  participants: number;
  polls: number;
  faultRate: number;
  seed: number;
  dialect: string;
  transport: "createNodeHttpFetch" | "fetch";
  backends: { googleHealth: number; fitbitLegacy: number };
  checkIns: number;
  unchecks: number;
  faultsInjected: Record<"weconnect" | "googleHealth" | "fitbitLegacy", Record<string, number>>;
  tokensRevoked: number;
  withValidTokens: number;
  right: number;
  rightPercent: number;
  wrong: SoakWrong[];
  /** PowerToken entries beyond the first on one tracker day. */
  duplicates: number;
  duplicateDays: Array<{ participant: string; backend: string; date: string; entries: number }>;
  confirmedDays: number;
  shownValues: number;
  auditLost: number;
  confirmedWithoutAudit: number;
  shownWithoutAudit: number;
  /** The values shown on a tracker without their ok audit row. */
  unaudited: Array<{ participant: string; backend: string; date: string; shown: number }>;
  auditOkRows: number;
  /** Participants not active at the end, by status. */
  flagged: Record<string, number>;
  /** The same after the faulty day, before the closing maintenance restored anyone. */
  flaggedBeforeRestore: Record<string, number>;
  /** Participants the closing maintenance restored (null when core reports no such count). */
  restored: number | null;
  totals: {
    polls: number;
    written: number;
    unchanged: number;
    failed: number;
    skipped: number;
    failuresByCode: Record<string, number>;
    skippedByCode: Record<string, number>;
    maintenanceFailed: number;
    maintenanceFailuresByCode: Record<string, number>;
    requests: { weconnect: number; tracker: number };
    quota: Record<string, unknown>;
  };
  lastPoll: { due: number; written: number; unchanged: number; skipped: number; failed: number; failuresByCode: Record<string, number>; skippedByCode: Record<string, number> };
  requestsPerParticipant: { weconnect: number; tracker: number };
  /** Budget use per API family summed over the day's runs ({} when core reports none). */
  budget: Record<string, { requests: number; budgetPerMinute: number | null; peakPerMinute: number; waitedMs: number; waits: number; pauses: number; refused: number; postponed: number }>;
  soakMs: number;
}

/** Runs the soak (see soak-engine.mjs) and returns its figures. */
export function runSoak(options: SoakOptions): Promise<SoakResult>;
