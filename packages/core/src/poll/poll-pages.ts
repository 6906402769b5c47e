import { localDateOf } from "@powertoken/weconnect";
import type { ParticipantRecord, PollCandidate } from "../data/core-data.js";
import { CoreError } from "../errors.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { previousDate } from "./local-dates.js";
import type { PreloadedDay } from "./poll-participant.js";

/**
 * Participants read per page. Big enough that the per-page queries cost little per participant
 * and the pool rarely drains at a page's end; small enough that memory stays flat (issue 14).
 */
export const POLL_PAGE_SIZE = 1000;

/** One page of a poll: the participants to poll now (due and active) with what was read for them. */
export interface PollPage {
  participants: ParticipantRecord[];
  preloaded: Map<number, PreloadedDay>;
}

/** Which participants the pages walk, and which of them a page keeps. */
export interface PollPagesInput {
  now: Date;
  /** Exactly these ids (the active ones among them); otherwise every active participant by id. */
  ids?: readonly number[];
  /** Keeps a candidate for polling (the due rule, or every one). */
  select: (candidate: PollCandidate) => boolean;
  /** @default POLL_PAGE_SIZE */
  pageSize?: number;
}

/**
 * A reader of the poll's pages, in id order (keyset: `id > last`, so rows added or removed
 * meanwhile never shift a page). Per page: the candidates with their stored activities and day
 * rows (due-ness is decided from them), then the selected participants' accounts, decrypting
 * only their tokens, charge's carried points and today's stored events, each in one read.
 * Returns null after the last.
 */
export function createPollPages(ctx: PowerTokenContext, input: PollPagesInput): () => Promise<PollPage | null> {
  const size = input.pageSize ?? POLL_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new CoreError("INVALID_INPUT", `pageSize must be a positive whole number (got ${String(size)}).`, { key: "pageSize" });
  const ids = input.ids ? [...new Set(input.ids)].sort((a, b) => a - b) : undefined;
  let offset = 0;
  let afterId = 0;
  let finished = false;

  async function candidates(): Promise<PollCandidate[] | null> {
    if (ids) {
      if (offset >= ids.length) return null;
      const chunk = ids.slice(offset, offset + size);
      offset += size;
      return ctx.data.listPollCandidates(input.now, { ids: chunk });
    }
    if (finished) return null;
    const page = await ctx.data.listPollCandidates(input.now, { afterId, limit: size });
    if (page.length < size) finished = true;
    if (page.length === 0) return null;
    afterId = page[page.length - 1]!.participantId;
    return page;
  }

  return async () => {
    const page = await candidates();
    if (page === null) return null;
    const selected = page.filter(input.select);
    const participants = selected.length === 0 ? [] : (await ctx.data.listParticipants({ ids: selected.map((c) => c.participantId) })).filter((p) => p.status === "active");
    const byId = new Map(page.map((c) => [c.participantId, c]));
    const today = new Map(participants.map((p) => [p.id, localDateOf(input.now, p.timeZone)]));
    const points = await ctx.data.dayPointsOf(participants.filter((p) => p.mapping === "charge").map((p) => ({ participantId: p.id, localDate: previousDate(today.get(p.id)!) })));
    const withRow = participants.filter((p) => byId.get(p.id)?.todayCounts);
    const events = await ctx.data.eventsOn(withRow.map((p) => ({ participantId: p.id, localDate: today.get(p.id)! })));
    const preloaded = new Map<number, PreloadedDay>();
    for (const p of participants) {
      const counts = byId.get(p.id)?.todayCounts;
      preloaded.set(p.id, {
        localDate: today.get(p.id)!,
        stored: byId.get(p.id)?.activities ?? [],
        carriedPoints: points.get(p.id) ?? 0,
        pendingDates: byId.get(p.id)?.pendingDates ?? [],
        ...(counts ? { today: { counts, events: events.get(p.id) ?? [] } } : {}),
      });
    }
    return { participants, preloaded };
  };
}
