import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { addCoordinator, createInvite, findParticipant, runRecordedJob, silentLogger, type PowerTokenRuntime } from "@powertoken/core";
import { createWebApp, toNodeListener } from "@powertoken/web";
import type { Output } from "./_output.js";

/** The coordinator `demo --serve` signs in as; `.example` is reserved, so no mail ever goes anywhere. */
export const DEMO_COORDINATOR = "coordinator@demo.example";

/** Options of {@link serveDemo}. */
export interface ServeDemoOptions {
  runtime: PowerTokenRuntime;
  out: Output;
  /** Aborted by the first Ctrl-C: the server closes, the function resolves. */
  signal: AbortSignal;
  /** Whose participant page to print a link to. */
  participantName: string;
  backend: "google-health" | "fitbit-legacy";
  /** How often the jobs run while serving. @default 30 s (poll), 5 min (maintenance) */
  pollEveryMs?: number;
  maintenanceEveryMs?: number;
}

/**
 * Serve the dashboard and the participant pages of the demo's study at a loopback address until
 * `signal` aborts, running poll and maintenance in-process on a short loop (recorded, so the
 * overview's job health is real). Prints the address, a coordinator's password made for this run
 * only (it exists nowhere else: the database is the demo's temporary one) and one participant's link.
 */
export async function serveDemo(options: ServeDemoOptions): Promise<void> {
  const { runtime, out, signal } = options;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const app = createWebApp({
      runtime,
      publicUrl: url,
      studyName: "PowerToken demo study",
      contact: "nobody (this study is simulated)",
      log: silentLogger,
      consentBackend: options.backend,
    });
    server.on("request", toNodeListener(app));

    // Job health on the overview comes from recorded runs; the fast-forwarded day's were not.
    await runRecordedJob(runtime, "maintenance", { signal, replica: "demo" });
    await runRecordedJob(runtime, "poll", { signal, replica: "demo" });

    const password = randomBytes(18).toString("base64url");
    await addCoordinator(runtime, { email: DEMO_COORDINATOR, role: "admin", password });
    const participant = await findParticipant(runtime, options.participantName);
    const invite = await createInvite(runtime, { participantId: participant.id, publicUrl: url });

    out.line();
    out.line(`Serving the demo study at ${url} (this machine only). Ctrl-C stops it.`);
    out.line(`  Dashboard:  ${url}/admin`);
    out.line(`  Sign in as: ${DEMO_COORDINATOR}`);
    out.line(`  Password:   ${password}   (made for this run; printed only here)`);
    out.line(`  ${participant.name}'s page: ${invite.url}`);
    out.line();

    await runJobsUntil(signal, runtime, options.pollEveryMs ?? 30_000, options.maintenanceEveryMs ?? 5 * 60_000, out);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** Poll every `pollEveryMs` and maintain every `maintenanceEveryMs` until `signal` aborts. */
async function runJobsUntil(signal: AbortSignal, runtime: PowerTokenRuntime, pollEveryMs: number, maintenanceEveryMs: number, out: Output): Promise<void> {
  let lastMaintenance = Date.now();
  while (!signal.aborted) {
    await sleep(pollEveryMs, signal);
    if (signal.aborted) break;
    try {
      if (Date.now() - lastMaintenance >= maintenanceEveryMs) {
        lastMaintenance = Date.now();
        await runRecordedJob(runtime, "maintenance", { signal, replica: "demo" });
      }
      await runRecordedJob(runtime, "poll", { signal, replica: "demo" });
    } catch (error) {
      // A failed run is recorded and shows on the dashboard; the demo keeps serving.
      out.log.warn(`A demo job failed: ${(error as Error).message}`);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
