import { AsyncLocalStorage } from "node:async_hooks";
import { CoreError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { DEFAULT_QUOTA_SETTINGS, QUOTA_FAMILIES, type QuotaFamily, type QuotaSettings } from "./quota-settings.js";
import { createSlidingWindow, wallClock, type QuotaClock, type SlidingWindow } from "./sliding-window.js";
import { retryAfterMsOf } from "./retry-after.js";

/** Where pauses and postponements are kept across processes (core implements it over the database). */
export interface RateLimitStore {
  load(now: Date): Promise<{ apis: { api: string; until: Date }[]; participants: { participantId: number; api: string; until: Date }[] }>;
  saveApiPause(input: { api: QuotaFamily; until: Date; now: Date }): Promise<void>;
  saveParticipant(input: { participantId: number; api: QuotaFamily; until: Date; now: Date }): Promise<void>;
}

/** The participant a piece of work runs for; the gate reads it to wait under the run's signal. */
export interface QuotaScope {
  participantId?: number;
  /** Budget waits end when this aborts (the run's signal). */
  signal?: AbortSignal;
  /** Set by the gate when it refused a call because the family was paused. */
  refused?: { family: QuotaFamily; until: Date };
  /** Set by the gate when the signal aborted a call's wait for budget. */
  abortedWait?: boolean;
  /** Set by the gate on each 429 it passed through: which family, and the wait it advertised. */
  last429?: { family: QuotaFamily; retryAfterMs: number | undefined };
}

/** What the quota tells a run's usage recorder (see trackQuotaUsage). */
export type QuotaEvent =
  | { type: "start"; family: QuotaFamily; waitedMs: number; inWindow: number }
  | { type: "refused"; family: QuotaFamily }
  | { type: "pause"; family: QuotaFamily; until: Date }
  | { type: "postpone"; family: QuotaFamily; participantId: number; until: Date };

/** Why a participant may not start now. */
export interface QuotaBlock {
  family: QuotaFamily;
  until: Date;
  /** `participant`: its own 429; `api`: the whole family is paused. */
  scope: "participant" | "api";
}

/** Request budgets and 429 pauses for one process; one per runtime, shared by its runs. */
export interface Quota {
  readonly settings: QuotaSettings;
  /** Wrap the transport one API family's client uses: budget waits and pause refusals happen here. */
  gate(family: QuotaFamily, fetch?: typeof globalThis.fetch): typeof globalThis.fetch;
  /** Run `work` as `scope`: its calls wait under `scope.signal`, and the gate reports back into `scope`. */
  runAs<T>(scope: QuotaScope, work: () => Promise<T>): Promise<T>;
  /** The pause or postponement that keeps this participant from starting on `families`, if any. */
  blocked(participantId: number, families: readonly QuotaFamily[]): QuotaBlock | undefined;
  /**
   * A participant got a final 429 from `family`: postpone it until the advertised time, and pause
   * the family when `burstParticipants` different participants did so within `burstWindowMs`.
   */
  noteRateLimited(input: { participantId: number; family: QuotaFamily; retryAfterMs: number | undefined }): Promise<{ until: Date; pausedUntil: Date | undefined }>;
  /** Merge the pauses and postponements other processes stored (once per run). */
  refresh(): Promise<void>;
  /** Hear every start, refusal, pause and postponement; returns the unsubscribe. */
  listen(listener: (event: QuotaEvent) => void): () => void;
  pausedUntil(family: QuotaFamily): Date | undefined;
  /** Starts in the last 60 s, per family. */
  inWindow(family: QuotaFamily): number;
}

/** Options of {@link createQuota}. */
export interface CreateQuotaOptions {
  settings?: Partial<QuotaSettings>;
  /** @default the wall clock */
  clock?: QuotaClock;
  store?: RateLimitStore;
  log?: Logger;
}

/**
 * Build the quota of one runtime. Budgets are sliding windows per family (see
 * createSlidingWindow); the participant a call is made for is carried by AsyncLocalStorage
 * from {@link Quota.runAs}, because the clients take a plain `fetch` and know nothing of
 * participants or runs.
 * @example
 * const quota = createQuota({ settings: { budgetPerMinute: { weconnect: 600, tracker: null, oauth: null } } });
 * const weconnect = createWeconnectClient({ baseUrl, fetch: quota.gate("weconnect") });
 */
export function createQuota(options: CreateQuotaOptions = {}): Quota {
  const settings: QuotaSettings = {
    ...DEFAULT_QUOTA_SETTINGS,
    ...options.settings,
    budgetPerMinute: { ...DEFAULT_QUOTA_SETTINGS.budgetPerMinute, ...options.settings?.budgetPerMinute },
  };
  const clock = options.clock ?? wallClock;
  const log = options.log ?? silentLogger;
  const store = options.store;
  const scopes = new AsyncLocalStorage<QuotaScope>();
  const listeners = new Set<(event: QuotaEvent) => void>();
  const windows = Object.fromEntries(QUOTA_FAMILIES.map((f) => [f, createSlidingWindow({ limit: settings.budgetPerMinute[f], clock })])) as Record<QuotaFamily, SlidingWindow>;
  const pauses = new Map<QuotaFamily, number>();
  const postponed = new Map<QuotaFamily, Map<number, number>>(QUOTA_FAMILIES.map((f) => [f, new Map()]));
  const recent = new Map<QuotaFamily, { participantId: number; at: number; until: number }[]>(QUOTA_FAMILIES.map((f) => [f, []]));

  const emit = (event: QuotaEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A usage recorder never breaks a request.
      }
    }
  };
  const activePause = (family: QuotaFamily): number | undefined => {
    const until = pauses.get(family);
    if (until === undefined) return undefined;
    if (until > clock.now()) return until;
    pauses.delete(family);
    return undefined;
  };
  const refuseIfPaused = (family: QuotaFamily, scope: QuotaScope | undefined) => {
    const until = activePause(family);
    if (until === undefined) return;
    const at = new Date(until);
    if (scope) scope.refused = { family, until: at };
    emit({ type: "refused", family });
    throw new CoreError("API_PAUSED", `The ${family} API is paused until ${at.toISOString()} after 429 answers for several participants; its calls resume then.`, { retryAt: at });
  };
  const persist = (what: string, write: () => Promise<void>) =>
    write().catch((error: unknown) => log.warn(`quota: could not store ${what}; it holds in this process only`, { code: (error as { code?: unknown }).code ?? "UNKNOWN" }));

  return {
    settings,
    gate(family, inner) {
      const send = inner ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
      return (async (input: string | URL | Request, init?: RequestInit) => {
        const scope = scopes.getStore();
        refuseIfPaused(family, scope);
        const watch = watchAbort(init?.signal ?? undefined);
        let response: Response;
        try {
          const acquired = await windows[family].acquire(scope?.signal).catch((error: unknown) => {
            if (scope) scope.abortedWait = true;
            throw error;
          });
          // A pause may have begun while this call waited for budget.
          refuseIfPaused(family, scope);
          emit({ type: "start", family, waitedMs: acquired.waitedMs, inWindow: acquired.inWindow });
          response = await sendAfterWait(send, input, init, watch);
        } finally {
          watch.stop();
        }
        if (response.status === 429 && scope) scope.last429 = { family, retryAfterMs: retryAfterMsOf(response.headers, clock.now()) };
        return response;
      }) as typeof globalThis.fetch;
    },
    runAs(scope, work) {
      return scopes.run(scope, work);
    },
    blocked(participantId, families) {
      const now = clock.now();
      for (const family of families) {
        const until = activePause(family);
        if (until !== undefined) return { family, until: new Date(until), scope: "api" };
      }
      for (const family of families) {
        const until = postponed.get(family)!.get(participantId);
        if (until === undefined) continue;
        if (until > now) return { family, until: new Date(until), scope: "participant" };
        postponed.get(family)!.delete(participantId);
      }
      return undefined;
    },
    async noteRateLimited({ participantId, family, retryAfterMs }) {
      const now = clock.now();
      const waitMs = Math.min(settings.maxRetryAfterMs, retryAfterMs ?? settings.defaultRetryAfterMs);
      const until = now + waitMs;
      const mine = postponed.get(family)!;
      mine.set(participantId, Math.max(mine.get(participantId) ?? 0, until));
      emit({ type: "postpone", family, participantId, until: new Date(until) });
      await persist("a participant's postponement", () => store?.saveParticipant({ participantId, api: family, until: new Date(until), now: new Date(now) }) ?? Promise.resolve());

      const window = recent.get(family)!.filter((r) => r.at > now - settings.burstWindowMs);
      window.push({ participantId, at: now, until });
      recent.set(family, window);
      const current = activePause(family);
      if (current !== undefined) {
        // Already paused: a later advertised time from a call that was in flight extends it.
        if (until > current) pauses.set(family, until);
        return { until: new Date(until), pausedUntil: new Date(Math.max(current, until)) };
      }
      if (new Set(window.map((r) => r.participantId)).size < settings.burstParticipants) return { until: new Date(until), pausedUntil: undefined };
      // The API said "slow down" to several participants: the quota is the project's, not theirs.
      const pauseUntil = Math.max(...window.map((r) => r.until));
      pauses.set(family, pauseUntil);
      recent.set(family, []);
      log.warn("quota: API paused after 429s for several participants", { api: family, participants: new Set(window.map((r) => r.participantId)).size, until: new Date(pauseUntil).toISOString() });
      emit({ type: "pause", family, until: new Date(pauseUntil) });
      await persist("an API pause", () => store?.saveApiPause({ api: family, until: new Date(pauseUntil), now: new Date(now) }) ?? Promise.resolve());
      return { until: new Date(until), pausedUntil: new Date(pauseUntil) };
    },
    async refresh() {
      if (!store) return;
      let stored: Awaited<ReturnType<RateLimitStore["load"]>>;
      try {
        stored = await store.load(new Date(clock.now()));
      } catch (error) {
        log.warn("quota: could not read stored pauses; using this process's only", { code: (error as { code?: unknown }).code ?? "UNKNOWN" });
        return;
      }
      for (const { api, until } of stored.apis) {
        if (!isFamily(api)) continue;
        pauses.set(api, Math.max(pauses.get(api) ?? 0, until.getTime()));
      }
      for (const { participantId, api, until } of stored.participants) {
        if (!isFamily(api)) continue;
        const mine = postponed.get(api)!;
        mine.set(participantId, Math.max(mine.get(participantId) ?? 0, until.getTime()));
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pausedUntil(family) {
      const until = activePause(family);
      return until === undefined ? undefined : new Date(until);
    },
    inWindow(family) {
      return windows[family].inWindow();
    },
  };
}

function isFamily(api: string): api is QuotaFamily {
  return (QUOTA_FAMILIES as readonly string[]).includes(api);
}

/** Notes when the client's own per-attempt signal (its timeout) fires. */
interface AbortWatch {
  signal: AbortSignal | undefined;
  startedMs: number;
  abortedAtMs: number | undefined;
  stop(): void;
}

function watchAbort(signal: AbortSignal | undefined): AbortWatch {
  const watch: AbortWatch = { signal, startedMs: performance.now(), abortedAtMs: signal?.aborted ? performance.now() : undefined, stop: () => undefined };
  if (!signal || signal.aborted) return watch;
  const onAbort = () => (watch.abortedAtMs = performance.now());
  signal.addEventListener("abort", onAbort, { once: true });
  watch.stop = () => signal.removeEventListener("abort", onAbort);
  return watch;
}

/**
 * Send, giving the request the whole of the client's timeout. The clients arm their per-attempt
 * timeout before calling `fetch`, so time spent here waiting for budget would otherwise count
 * against it, and a call that waited 10 s would fail as a timeout without ever being sent. When
 * the call waited, the client's signal is replaced by one that fires as long after it as the wait
 * lasted.
 */
async function sendAfterWait(send: typeof globalThis.fetch, input: string | URL | Request, init: RequestInit | undefined, watch: AbortWatch): Promise<Response> {
  const waitedMs = performance.now() - watch.startedMs;
  const original = watch.signal;
  if (!original || waitedMs < 1) return send(input, init);
  const shifted = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fireLater = (abortedAtMs: number) => {
    timer = setTimeout(() => shifted.abort(original.reason), Math.max(0, abortedAtMs + waitedMs - performance.now()));
  };
  const onAbort = () => fireLater(performance.now());
  if (watch.abortedAtMs !== undefined) fireLater(watch.abortedAtMs);
  else original.addEventListener("abort", onAbort, { once: true });
  try {
    return await send(input, { ...init, signal: shifted.signal });
  } finally {
    clearTimeout(timer);
    original.removeEventListener("abort", onAbort);
  }
}
