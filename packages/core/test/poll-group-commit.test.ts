import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../src/data/group-commit.js";

/** A commit that takes a turn of the event loop, like a database round trip. */
const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));

describe("createGroupCommit", () => {
  it("commits the first write at once and the writes arriving meanwhile together, each caller getting its own result", async () => {
    const groups: number[][] = [];
    const commit = createGroupCommit(
      (items: number[]) => {
        groups.push(items);
        return later(items.map((n) => n * 10));
      },
      (item: number) => {
        groups.push([item]);
        return later(item * 10);
      },
    );
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => commit(n)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("retries a failed group one write at a time, so only the bad write's caller fails", async () => {
    const commit = createGroupCommit(
      (items: number[]) => (items.includes(3) ? Promise.reject(new Error("group rolled back")) : later(items)),
      (item: number) => (item === 3 ? Promise.reject(new Error("no day 3")) : later(item)),
    );
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => commit(n)));
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([1, 2, "no day 3", 4]);
    // The queue keeps working after a failure.
    expect(await commit(7)).toBe(7);
  });

  it("never puts more than maxGroup writes in one commit", async () => {
    const sizes: number[] = [];
    const commit = createGroupCommit(
      (items: number[]) => {
        sizes.push(items.length);
        return later(items);
      },
      (item: number) => {
        sizes.push(1);
        return later(item);
      },
      3,
    );
    await Promise.all(Array.from({ length: 8 }, (_, i) => commit(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});

describe("createGroupCommit starting on the next turn (SQLite)", () => {
  it("gathers the writes of one turn, the first included, into one commit", async () => {
    const groups: number[][] = [];
    const commit = createGroupCommit(
      (items: number[]) => {
        groups.push(items);
        return Promise.resolve(items.map((n) => n * 10));
      },
      (item: number) => {
        groups.push([item]);
        return Promise.resolve(item * 10);
      },
      256,
      "next-turn",
    );
    const first = await Promise.all([1, 2, 3].map((n) => commit(n)));
    const second = await commit(4);
    expect([...first, second]).toEqual([10, 20, 30, 40]);
    expect(groups).toEqual([[1, 2, 3], [4]]);
  });

  it("retries a failed group one write at a time", async () => {
    const commit = createGroupCommit(
      (items: number[]) => (items.includes(3) ? Promise.reject(new Error("group rolled back")) : Promise.resolve(items)),
      (item: number) => (item === 3 ? Promise.reject(new Error("no day 3")) : Promise.resolve(item)),
      256,
      "next-turn",
    );
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => commit(n)));
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([1, 2, "no day 3", 4]);
    expect(await commit(7)).toBe(7);
  });
});
