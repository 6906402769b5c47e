import { findParticipantByName, listParticipants, loadWeconnectAccount } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { findEnrolledNames, importParticipants, type ImportParticipantInput } from "../src/index.js";
import { DIALECTS } from "./helpers/db-world.js";
import { openPlainRuntime, type PlainRuntime } from "./helpers/plain-runtime.js";

async function* streamOf(count: number, extra: (i: number) => Partial<ImportParticipantInput> = () => ({})): AsyncGenerator<ImportParticipantInput> {
  for (let i = 0; i < count; i++) yield { name: `p-${i}`, timeZone: "America/Chicago", ...extra(i) };
}

describe.each(DIALECTS)("importing participants on %s", (dialect) => {
  let plain: PlainRuntime | undefined;
  afterEach(async () => {
    await plain?.close();
    plain = undefined;
  });

  it("consumes a stream in batches, in one transaction, with states from the tokens given", async () => {
    plain = await openPlainRuntime(dialect, "import");
    const batches: number[] = [];
    const result = await importParticipants(
      plain.runtime,
      streamOf(2_500, (i) => (i === 7 ? { weconnect: { personId: "wc-7", accessToken: "wc-SECRET-7" } } : {})),
      { onBatch: (rows) => batches.push(rows.length) },
    );
    expect(batches).toEqual([1_000, 1_000, 500]);
    expect(result).toEqual({ imported: 2_500, withTokens: 1, byStatus: { "needs-weconnect-signin": 2_499, "needs-tracker-consent": 1 } });
    const p7 = await findParticipantByName(plain.runtime.db.db, "p-7");
    expect(p7).toMatchObject({ status: "needs-tracker-consent", enrollmentStart: "2026-11-30", timeZone: "America/Chicago" });
    expect(await loadWeconnectAccount(plain.runtime.db.db, plain.runtime.db.keys, p7!.id)).toMatchObject({ accessToken: "wc-SECRET-7" });
  });

  it("writes nothing when a late batch fails: the first batches are rolled back with it", async () => {
    plain = await openPlainRuntime(dialect, "import_fail");
    await importParticipants(plain.runtime, [{ name: "p-1500" }]);
    await expect(importParticipants(plain.runtime, streamOf(2_000))).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await listParticipants(plain.runtime.db.db)).map((p) => p.name)).toEqual(["p-1500"]);
    expect(await findEnrolledNames(plain.runtime, ["p-1", "p-1500", "zed"])).toEqual(["p-1500"]);
  });

  it("rolls back when the source itself fails part-way (a roster that turns out bad)", async () => {
    plain = await openPlainRuntime(dialect, "import_source");
    async function* failing() {
      yield* streamOf(1_200);
      throw new Error("line 1202: bad row");
    }
    await expect(importParticipants(plain.runtime, failing())).rejects.toThrow("line 1202");
    expect(await listParticipants(plain.runtime.db.db)).toEqual([]);
  });
});
