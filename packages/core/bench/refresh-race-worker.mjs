// One "process" of the refresh race (issue 16): opens the shared database, builds core's token
// store (with the refresh lock unless PT_NO_LOCK is set) and a token manager, and asks for an
// access token for every account, round after round, with a refresh-ahead window longer than the
// token lifetime so that every call refreshes. Prints one JSON line of counts.
// With PT_KILL_AFTER=n it SIGKILLs itself right after the n-th refresh answer arrives, before it
// is saved: the crash window of the issue. On start it recovers orphaned refreshes (see below).
import { listOrphanedRefreshes, openDatabase, parseEncryptionKey } from "@powertoken/db";
import { createDbCoreData, createTrackerTokenStore } from "@powertoken/core";
import { createOAuthClient, createTokenManager, fitbitOAuthProvider, googleOAuthProvider } from "@powertoken/fitbit";

const env = process.env;
const accounts = env.PT_ACCOUNTS.split(",");
const rounds = Number(env.PT_ROUNDS ?? 5);
const concurrency = Number(env.PT_CONCURRENCY ?? 8);
const killAfter = env.PT_KILL_AFTER ? Number(env.PT_KILL_AFTER) : null;
const keys = { current: { id: "race", key: parseEncryptionKey(env.PT_KEY) } };
const handle = await openDatabase({ url: env.PT_DB_URL, schema: env.PT_DB_SCHEMA || undefined, keys, poolSize: concurrency + 1 });
const store = createTrackerTokenStore(createDbCoreData(handle), env.PT_NO_LOCK ? {} : { db: handle.db });
const provider = (env.PT_MODE === "google" ? googleOAuthProvider : fitbitOAuthProvider)({
  clientId: "sim-client",
  clientSecret: "sim-secret",
  redirectUri: "http://127.0.0.1/cb",
  tokenEndpoint: `${env.PT_OAUTH_URL}/token`,
  revocationEndpoint: `${env.PT_OAUTH_URL}/revoke`,
});
let answers = 0;
const fetchThenMaybeDie = async (input, init) => {
  const response = await fetch(input, init);
  answers += 1;
  if (killAfter !== null && answers >= killAfter && response.ok) process.kill(process.pid, "SIGKILL");
  return response;
};
const manager = createTokenManager({
  oauth: createOAuthClient(provider, { fetch: fetchThenMaybeDie }),
  store,
  refreshAheadMs: Number(env.PT_REFRESH_AHEAD_MS ?? 24 * 3_600_000),
  lockLeaseMs: Number(env.PT_LEASE_MS ?? 30_000),
});
const counts = { calls: 0, ok: 0, recovered: 0, failures: {} };
// On start, like a daemon would: refreshes a dead process left in flight are finished first,
// while the provider's replay window still answers the old token.
if (!env.PT_NO_LOCK) {
  for (const orphan of await listOrphanedRefreshes(handle.db)) {
    try {
      await manager.refreshNow(String(orphan.accountId));
      counts.recovered += 1;
    } catch (error) {
      const code = error?.code ?? "UNKNOWN";
      counts.failures[code] = (counts.failures[code] ?? 0) + 1;
    }
  }
}
for (let round = 0; round < rounds; round++) {
  const queue = [...accounts].sort(() => Math.random() - 0.5);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
        counts.calls += 1;
        try {
          await manager.getAccessToken(key);
          counts.ok += 1;
        } catch (error) {
          const code = error?.code ?? "UNKNOWN";
          counts.failures[code] = (counts.failures[code] ?? 0) + 1;
        }
      }
    }),
  );
}
await handle.close();
process.stdout.write(`${JSON.stringify(counts)}\n`);
