import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/**
 * A replica id unique across hosts and restarts: `hostname:pid:random`. Passed to core as
 * `owner`, so each participant's row lease names the replica that holds it.
 */
export function createReplicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}
