import { isCalendarDate, type ParticipantStatus } from "@powertoken/core";
import type { Context } from "hono";
import { z } from "zod";

/** Every participant state, in the order the dashboard lists them. */
export const STATES: readonly ParticipantStatus[] = ["active", "needs-weconnect-signin", "needs-tracker-consent", "needs-google-health", "ended"];

/** Rows per page on every table. */
export const PAGE_SIZE = 50;

const Page = z.coerce.number().int().min(1).max(100_000).catch(1);
// Digits only: z.coerce.number would also read "0x10", "1e3", " 7" and "" as numbers.
const Id = z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(1).max(2 ** 31 - 1));

/** `?page=` as a whole number ≥ 1; anything else is page 1. */
export function pageOf(c: Context): number {
  return Page.parse(c.req.query("page") ?? 1);
}

/** A positive id written in digits from a path or query value, or undefined. */
export function idOf(value: string | undefined): number | undefined {
  const parsed = Id.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A `YYYY-MM-DD` query value that is a day of the calendar (not 2026-02-30), or undefined. */
export function dayOf(value: string | undefined): string | undefined {
  return value !== undefined && isCalendarDate(value) ? value : undefined;
}

/** `?state=` values that name a state (repeatable). */
export function statesOf(c: Context): ParticipantStatus[] {
  const given = c.req.queries("state") ?? [];
  return STATES.filter((state) => given.includes(state));
}

/** The same page with some query values replaced (undefined removes one). */
export function withQuery(path: string, current: Record<string, string | string[] | undefined>, change: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...current, ...change })) {
    if (value === undefined || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, one);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** A time as `2026-11-30 15:04 UTC` (the team spans time zones; one zone everywhere). */
export function formatTime(at: Date | null | undefined): string {
  if (!at) return "—";
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A duration as `850 ms`, `12.3 s` or `4 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
