import type { Kysely } from "kysely";
import { count } from "./_db.js";
import { toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** What `acquireInstanceLock` takes. */
export interface InstanceLockInput {
  /** Lock name, e.g. `daemon` ("only one replica on SQLite"). */
  name: string;
  /** This process's id. */
  owner: string;
  /** How long the lock holds without renewal, in milliseconds. */
  ttlMs: number;
  /** @default new Date() */
  now?: Date;
}

/**
 * Takes (or renews, for the same owner) a named singleton lock. Returns true when this owner
 * holds it until `now + ttlMs`, false when another owner's lock has not expired. Call it again
 * before the ttl ends to keep it.
 * @throws DbError INVALID_INPUT
 */
export async function acquireInstanceLock(db: Kysely<Database>, input: InstanceLockInput): Promise<boolean> {
  if (!input.name || !input.owner || !(Number.isInteger(input.ttlMs) && input.ttlMs > 0)) {
    throw new DbError("INVALID_INPUT", "An instance lock needs a name, an owner and a positive integer ttlMs.", { table: "instance_locks" });
  }
  const now = input.now ?? new Date();
  const nowIso = toIso(now, "now");
  const until = toIso(new Date(now.getTime() + input.ttlMs));
  const rows = await db
    .insertInto("instance_locks")
    .values({ name: input.name, owner: input.owner, until_at: until })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ owner: input.owner, until_at: until })
        .where((eb) => eb.or([eb("instance_locks.until_at", "<=", nowIso), eb("instance_locks.owner", "=", input.owner)])),
    )
    .returning("name")
    .execute();
  return rows.length === 1;
}

/** Releases the lock if this owner holds it; returns whether it did. */
export async function releaseInstanceLock(db: Kysely<Database>, input: { name: string; owner: string }): Promise<boolean> {
  const result = await db.deleteFrom("instance_locks").where("name", "=", input.name).where("owner", "=", input.owner).executeTakeFirst();
  return count(result.numDeletedRows) === 1;
}
