import type { StoredToken, TokenSet, TokenStore } from "../src/index.js";

/** An in-memory TokenStore test double with compare-and-swap, as callers implement it. */
export function memoryStore(initial: Record<string, TokenSet> = {}) {
  const rows = new Map<string, StoredToken>();
  for (const [key, tokens] of Object.entries(initial)) rows.set(key, { ...tokens, version: 1 });
  const reauth: Array<{ accountKey: string; reason: string }> = [];
  let saves = 0;
  const store: TokenStore & { rows: typeof rows; reauth: typeof reauth; saves: () => number } = {
    rows,
    reauth,
    saves: () => saves,
    load: (key) => Promise.resolve(rows.has(key) ? { ...rows.get(key)! } : null),
    save(key, tokens, expectedVersion) {
      const current = rows.get(key);
      if (current && current.version !== expectedVersion) return Promise.resolve(null);
      saves += 1;
      const saved = { ...tokens, version: (current?.version ?? 0) + 1 };
      rows.set(key, saved);
      return Promise.resolve({ ...saved });
    },
    markReauthRequired(accountKey, reason) {
      reauth.push({ accountKey, reason });
      return Promise.resolve();
    },
  };
  return store;
}

/** Every string reachable from an error: String(), message, cause chain, JSON. */
export function everythingIn(error: unknown): string {
  const parts: string[] = [String(error), JSON.stringify(error)];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    parts.push(current.message, current.stack ?? "", JSON.stringify(current, Object.getOwnPropertyNames(current)));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}
