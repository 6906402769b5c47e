// How long the event loop stalls while a write waits for another process's SQLite write lock.
// Uses the built package: run `npx tsup` first, then `node bench/busy-stall.mjs`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createParticipant, migrateToLatest, openDatabase } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const LOCKER = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1]);
db.exec("begin immediate");
process.stdout.write("locked\\n");
setTimeout(() => { db.exec("commit"); db.close(); process.exit(0); }, Number(process.argv[2]));
`;

function holdWriteLock(path, holdMs) {
  const child = spawn(process.execPath, ["-e", LOCKER, path, String(holdMs)], { cwd: join(here, ".."), stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => child.stdout.on("data", (chunk) => chunk.toString().includes("locked") && resolve(child)));
}

function exited(child) {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", resolve));
}

async function measure(work) {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  let outcome = "ok";
  try {
    await work();
  } catch (error) {
    outcome = error.code ?? String(error);
  }
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 30));
  clearInterval(timer);
  return `${outcome} after ${elapsed.toFixed(0)} ms, longest event-loop stall ${stall.toFixed(0)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), "pt-busy-stall-"));
try {
  const path = join(dir, "bench.db");
  const created = await openDatabase({ url: path });
  await migrateToLatest(created.db);
  await created.close();
  const handle = await openDatabase({ url: path, create: false }); // default busy timeout, 5 s
  let n = 0;
  const write = (db = handle.db) => createParticipant(db, { name: `p${(n += 1)}`, timeZone: "UTC", enrollmentStart: "2026-11-25" });
  let locker = await holdWriteLock(path, 1_500);
  console.log(`write, lock held 1.5 s:             ${await measure(() => write())}`);
  await exited(locker);
  locker = await holdWriteLock(path, 1_500);
  console.log(`transaction, lock held 1.5 s:       ${await measure(() => handle.db.transaction().execute((trx) => write(trx)))}`);
  await exited(locker);
  locker = await holdWriteLock(path, 7_000);
  console.log(`write, lock held past the timeout:  ${await measure(() => write())}`);
  await exited(locker);
  await handle.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
