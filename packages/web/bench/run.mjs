// Time to answer the participant's pages in process (app.request, SQLite temp file), from ./dist.
// Prints figures, asserts nothing: node bench/run.mjs
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigSchema, createInvite, createRuntime } from "@powertoken/core";
import { createParticipant } from "@powertoken/db";
import { createWebApp } from "../dist/index.js";

const dir = mkdtempSync(join(tmpdir(), "pt-web-bench-"));
const config = ConfigSchema.parse({ database: { url: join(dir, "pt.sqlite") }, encryption: { key: randomBytes(32).toString("base64") }, web: { publicUrl: "https://study.example.org" } });
const runtime = await createRuntime(config);
const app = createWebApp({ runtime, publicUrl: "https://study.example.org", studyName: "Bench", contact: "bench@example.org" });
const p = await createParticipant(runtime.db.db, { name: "bench", timeZone: "UTC", enrollmentStart: "2026-11-30" });
const { token } = await createInvite(runtime, { participantId: p.id });

async function time(label, path, n = 500) {
  for (let i = 0; i < 20; i += 1) await app.request(`https://study.example.org${path}`);
  const ms = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await (await app.request(`https://study.example.org${path}`)).text();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const q = (f) => ms[Math.floor(f * (n - 1))].toFixed(2);
  console.log(`${label.padEnd(34)} n=${n}  p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms`);
}

await time("welcome page (valid link)", `/p/${token}`);
await time("sign-in form", `/p/${token}/weconnect`);
await time("invalid link", `/p/${randomBytes(32).toString("base64url")}`);
await time("stylesheet", "/assets/style.css");
await runtime.close();
rmSync(dir, { recursive: true, force: true });
