/**
 * When an idle group commit starts: at once (a commit that waits for a server gathers the next
 * group meanwhile), or after this turn of the event loop (an in-process SQLite commit waits for
 * nothing, so the writes of the replies handled in the same turn are gathered first).
 */
export type GroupStart = "at-once" | "next-turn";

/**
 * Group commit: concurrent callers' writes that arrive while a commit is in flight are committed
 * together in the next one, so N participants writing at once cost a few transactions, not N
 * (PostgreSQL waits for a WAL flush per commit; issue 14 measured ~10 ms each). With `start`
 * "at-once" the first caller commits at once, so an idle system adds no delay; "next-turn" waits
 * for the end of this event-loop turn (well under a millisecond) to gather more. Every caller awaits the commit that holds its
 * own write before it proceeds, so crash safety is that of one transaction per write: an intent
 * is durable before its tracker call. When a group fails, its writes are retried one by one, so
 * one bad write (a deleted day) fails only its own caller.
 * Written here rather than taken from a library: it is twenty lines bound to our all-or-nothing
 * batch functions, and the known batching libraries (dataloader) batch per tick, not per commit.
 */
export function createGroupCommit<T, R>(
  commitAll: (items: T[]) => Promise<R[]>,
  commitOne: (item: T) => Promise<R>,
  maxGroup = 256,
  start: GroupStart = "at-once",
): (item: T) => Promise<R> {
  type Waiting = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  let running = false;

  async function commitGroup(group: Waiting[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await commitAll(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(results[i] as R));
        return;
      } catch {
        // Fall through: each write alone, so the caller whose write is bad gets its own error.
      }
    }
    for (const w of group) {
      try {
        w.resolve(await commitOne(w.item));
      } catch (error) {
        w.reject(error);
      }
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const group = queue.slice(0, maxGroup);
        queue = queue.slice(group.length);
        await commitGroup(group);
      }
    } finally {
      running = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running) return;
      if (start === "at-once") void drain();
      else {
        running = true;
        setImmediate(() => void drain());
      }
    });
}
