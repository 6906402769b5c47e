import { isFitbitError } from "../errors.js";
import type { Http } from "../_http.js";
import { GOOGLE_HEALTH_SCOPES } from "../oauth/provider.js";
import { dailySteps } from "./daily-steps.js";
import { probePointId } from "./ids.js";
import { batchDelete, createPoint, getPoint, type Auth } from "./points.js";
import { pointBody } from "./show-day.js";

/** Input of `probeTracker`. */
export interface TrackerProbeInput {
  accountKey: string;
  /** The participant's local date, `YYYY-MM-DD` (today). */
  date: string;
  timeZone: string;
  /** Steps of the test exercise; an unusual number is easy to recognise. @default 4321 */
  steps?: number;
}

/** What the probe found, as data and as plain sentences (`lines`). */
export interface TrackerProbeReport {
  /** The test exercise was written and a GET returned it with the written steps. */
  writtenAndReadBack: boolean;
  /** Did the day's all-sources step total rise by at least the written steps? */
  totalRose: "yes" | "no" | "unknown";
  /** How much the day's total rose between the two reads, or null when a read failed. */
  roseBy: number | null;
  stepsBefore: number | null;
  stepsAfter: number | null;
  steps: number;
  /** The test exercise was deleted again. */
  deleted: boolean;
  /** Set when the grant lacks the read scope the probe needs; nothing was written then. */
  missingScope: string | null;
  /** The report in plain sentences, for a CLI to print. */
  lines: string[];
}

/** The dependencies of one probe run (the tracker's HTTP helper, bound to the account). */
export interface ProbeContext {
  http: Http;
  auth: Auth;
  prefix: string;
  formatter: Intl.DateTimeFormat;
  nowMs: number;
}

/**
 * Writes a labelled test exercise for today, reads it back, compares the day's step total before
 * and after (docs/google-health-api.md#do-written-steps-count), then deletes the test point.
 */
export async function runProbe(ctx: ProbeContext, input: TrackerProbeInput): Promise<TrackerProbeReport> {
  const steps = input.steps ?? 4321;
  const report: TrackerProbeReport = { writtenAndReadBack: false, totalRose: "unknown", roseBy: null, stepsBefore: null, stepsAfter: null, steps, deleted: false, missingScope: null, lines: [] };
  const readTotal = async () => {
    try {
      return { value: await dailySteps(ctx.http, ctx.auth, input.date) };
    } catch (error) {
      if (isFitbitError(error) && error.code === "INSUFFICIENT_SCOPE") return { scope: true as const };
      return { value: null };
    }
  };
  const before = await readTotal();
  if ("scope" in before) {
    report.missingScope = GOOGLE_HEALTH_SCOPES.activityRead;
    report.lines.push(`The probe needs permission to read activity data (${GOOGLE_HEALTH_SCOPES.activityRead}); the participant did not grant it. Nothing was written.`);
    return report;
  }
  report.stepsBefore = before.value;
  const id = probePointId(ctx.prefix, input.accountKey, input.date);
  const body = pointBody(id, { date: input.date, steps, label: "PowerToken probe (test entry, deleted automatically)" }, ctx.formatter, ctx.nowMs);
  try {
    const created = await createPoint(ctx.http, ctx.auth, id, body);
    const readBack = created.kind === "written" || created.kind === "exists" ? await getPoint(ctx.http, ctx.auth, created.kind === "written" ? created.entryId : id) : null;
    report.writtenAndReadBack = readBack?.steps === steps;
    const after = await readTotal();
    report.stepsAfter = "value" in after ? (after.value ?? null) : null;
  } finally {
    report.deleted = await batchDelete(ctx.http, ctx.auth, [id]).then((removed) => removed.length === 1, () => false);
  }
  if (report.stepsBefore !== null && report.stepsAfter !== null) {
    report.roseBy = report.stepsAfter - report.stepsBefore;
    // The device may sync its own steps meanwhile, so "at least" rather than "exactly".
    report.totalRose = report.roseBy >= steps ? "yes" : "no";
  }
  report.lines.push(`Written and read back: ${report.writtenAndReadBack ? "yes" : "no"}.`);
  report.lines.push(
    report.totalRose === "unknown"
      ? "The day's step total rose by the written steps: unknown (the total could not be read)."
      : `The day's step total rose by the written steps: ${report.totalRose} (it rose by ${report.roseBy}, the probe wrote ${steps}).`,
  );
  report.lines.push(report.deleted ? "The test exercise was deleted." : "The test exercise could NOT be deleted; remove it in the participant's app, or run the probe again.");
  return report;
}
