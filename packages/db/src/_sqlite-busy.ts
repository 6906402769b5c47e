/**
 * Waiting for another process's SQLite write lock without freezing this one.
 *
 * better-sqlite3 is synchronous: SQLite's own busy handler sleeps inside the call, so a busy
 * timeout of 5 s used to stop the whole event loop (timers, HTTP, /healthz) for up to 5 s.
 * Instead the driver's busy timeout is a short slice ({@link BUSY_SLICE_MS}), and a statement
 * that still meets SQLITE_BUSY is run again after an asynchronous pause, until the configured
 * busy timeout has passed; then its SQLITE_BUSY error goes to the caller as before.
 *
 * Only where running it again is safe. SQLite's result-code page
 * (https://www.sqlite.org/rescode.html#busy) says a statement that got SQLITE_BUSY may be retried
 * when it is a COMMIT or ran outside an explicit transaction; inside one, the transaction must be
 * rolled back instead. An SQLITE_BUSY inside a transaction may even have rolled the whole
 * transaction back already (https://www.sqlite.org/lang_transaction.html, "Response To Errors
 * Within A Transaction"), so whether a statement ran in autocommit is read before it runs, not
 * only after it failed. Transactions here begin IMMEDIATE (see _sqlite.ts): their wait happens
 * at BEGIN, which runs outside any transaction and so is retried; in WAL mode the statements
 * after it need no further lock (https://www.sqlite.org/wal.html#concurrency). A deferred
 * transaction that upgraded to a writer late would get SQLITE_BUSY_SNAPSHOT, which no wait
 * cures (https://www.sqlite.org/rescode.html#busy_snapshot); that is why none are used for writes.
 */

/** The longest one attempt may block the event loop inside SQLite's busy handler. */
export const BUSY_SLICE_MS = 20;
/** The first pause between attempts; it doubles up to {@link MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 50;

/** The part of a connection the retry looks at: better-sqlite3's `inTransaction`. */
export interface TransactionState {
  readonly inTransaction: boolean;
}

/** True for SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, _RECOVERY, _TIMEOUT). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

const COMMIT = /^\s*(commit|end)\b/i;

/**
 * Whether a statement that failed with SQLITE_BUSY may simply run again: it ran in autocommit
 * (or was the BEGIN of a transaction) and no transaction is open now; or it was a COMMIT and
 * its transaction is still open.
 */
export function mayRunAgain(error: unknown, inTransactionBefore: boolean, state: TransactionState, text: string): boolean {
  if (!isSqliteBusy(error)) return false;
  if (!inTransactionBefore) return !state.inTransaction;
  return state.inTransaction && COMMIT.test(text);
}

/** How long the slice is for a connection whose busy timeout is `busyTimeoutMs`. */
export function busySliceMs(busyTimeoutMs: number): number {
  return Math.max(0, Math.min(BUSY_SLICE_MS, Math.floor(busyTimeoutMs)));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (one statement, `text`, on `state`'s connection). While it fails with
 * SQLITE_BUSY and {@link mayRunAgain} allows, pauses without blocking and runs it again, until
 * `busyTimeoutMs` after the first attempt began; then rethrows the last error. A first attempt
 * that succeeds (the usual case) returns its result as it came, with no extra await.
 */
export function runWhileBusy<T>(state: TransactionState, busyTimeoutMs: number, text: string, attempt: () => T): T | Promise<Awaited<T>> {
  const deadline = Date.now() + busyTimeoutMs;
  const before = state.inTransaction;
  let result: T;
  try {
    result = attempt();
  } catch (error) {
    return retryLater(state, deadline, text, attempt, error, before);
  }
  // kysely's connection answers with a promise; it would reject with the same errors.
  if (result instanceof Promise) return result.catch((error: unknown) => retryLater(state, deadline, text, attempt, error, before)) as Promise<Awaited<T>>;
  return result;
}

async function retryLater<T>(state: TransactionState, deadline: number, text: string, attempt: () => T, first: unknown, firstBefore: boolean): Promise<Awaited<T>> {
  let error = first;
  let before = firstBefore;
  let delay = FIRST_PAUSE_MS;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || !mayRunAgain(error, before, state, text)) throw error;
    await pause(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_PAUSE_MS);
    before = state.inTransaction;
    try {
      return await attempt();
    } catch (caught) {
      error = caught;
    }
  }
}
