import { DEFAULT_MAPPING_SETTINGS, type MappingName, type MappingSettings } from "./mapping-settings.js";

/** One of today's occurrences, as the mappings see it. */
export interface ScoredEvent {
  /** WEconnect's `eid`. */
  eventId: string;
  activityId: number;
  /** The participant's weight for the activity, 1 (optional) to 5 (essential). */
  weight: number;
  checkedIn: boolean;
}

/** What a mapping reads. */
export interface ComputeStepsInput {
  mapping: MappingName;
  /** Today's occurrences in the participant's zone, each once. */
  events: readonly ScoredEvent[];
  /** `charge` only: weight points checked in on the previous local day (its own, not carried). */
  carriedPoints?: number;
  settings?: Partial<MappingSettings>;
}

/** What the tracker should show, plus the counts behind it. */
export interface ComputeStepsResult {
  /** Non-negative whole steps, at most `settings.maxSteps`. 0 is a real value and is written. */
  steps: number;
  checkedIn: number;
  planned: number;
  /** Σ weights of checked-in events today (what `charge` carries into tomorrow). */
  points: number;
  /** Σ weights of today's events. */
  plannedPoints: number;
}

/** A weight as the mappings use it: a whole number from 1 to 5 (anything else is clamped). */
function cleanWeight(weight: number): number {
  if (!Number.isFinite(weight)) return 1;
  return Math.min(5, Math.max(1, Math.round(weight)));
}

/** `numerator / denominator × scale`, floored, 0 when nothing is planned (never divides by zero). */
function fractionOf(numerator: number, denominator: number, scale: number): number {
  if (denominator <= 0) return 0;
  return Math.floor((Math.min(numerator, denominator) * scale) / denominator);
}

/**
 * Turn today's check-ins into the step count the tracker should show. Pure and deterministic:
 * the same events always give the same number, un-check-ins lower it, and nothing here adds to a
 * previous write (the original's non-delta bug, docs/original-system.md#bug-14-non-delta-writes).
 *
 * - `seed`: completed ÷ planned × 1,000,000 (the 2018 README; legacy goal 1,000,000).
 * - `plan`: completed ÷ planned × scale (10,000).
 * - `weight`: Σ weights checked in ÷ Σ weights planned × scale.
 * - `tally`: check-ins × 25,000.
 * - `charge`: (yesterday's points + today's points) × 10,000.
 *
 * Events are de-duplicated by `eventId`; a fraction floors, so 100 % needs every check-in.
 * @example computeSteps({ mapping: "plan", events }) // 3 of 5 checked in → { steps: 6000, ... }
 */
export function computeSteps(input: ComputeStepsInput): ComputeStepsResult {
  const settings = { ...DEFAULT_MAPPING_SETTINGS, ...input.settings };
  const seen = new Map<string, ScoredEvent>();
  for (const event of input.events) {
    const before = seen.get(event.eventId);
    // One occurrence listed twice counts once; a check-in on either copy counts.
    seen.set(event.eventId, before ? { ...event, checkedIn: before.checkedIn || event.checkedIn } : event);
  }
  let checkedIn = 0;
  let points = 0;
  let plannedPoints = 0;
  for (const event of seen.values()) {
    const weight = cleanWeight(event.weight);
    plannedPoints += weight;
    if (event.checkedIn) {
      checkedIn += 1;
      points += weight;
    }
  }
  const planned = seen.size;
  const raw = rawSteps(input.mapping, { checkedIn, planned, points, plannedPoints }, input.carriedPoints ?? 0, settings);
  const steps = Math.min(settings.maxSteps, Math.max(0, Math.floor(raw)));
  return { steps, checkedIn, planned, points, plannedPoints };
}

function rawSteps(
  mapping: MappingName,
  counts: { checkedIn: number; planned: number; points: number; plannedPoints: number },
  carriedPoints: number,
  settings: MappingSettings,
): number {
  switch (mapping) {
    case "seed":
      return fractionOf(counts.checkedIn, counts.planned, settings.seedGoalSteps);
    case "plan":
      return fractionOf(counts.checkedIn, counts.planned, settings.scaleSteps);
    case "weight":
      return fractionOf(counts.points, counts.plannedPoints, settings.scaleSteps);
    case "tally":
      return counts.checkedIn * settings.tallyStepsPerCheckin;
    case "charge": {
      const carried = Number.isFinite(carriedPoints) ? Math.max(0, Math.floor(carriedPoints)) : 0;
      return (carried + counts.points) * settings.chargeStepsPerPoint;
    }
  }
}
