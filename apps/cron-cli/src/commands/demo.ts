import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigSchema, createRuntime, generateEncryptionKey, importParticipants, runMaintenance, runPoll, silentLogger } from "@powertoken/core";
import { localDateOf } from "@powertoken/weconnect";
import { command } from "../_command.js";
import { serveDemo } from "../_demo-serve.js";
import { DEMO_STUDY } from "../_demo-study.js";
import { UsageError } from "../_errors.js";
import { addDays, localClock, localTimeToInstant } from "../_local-time.js";
import { startSimulators } from "../_simulators.js";

const STEP_MS = 15 * 60_000;

/** One row of the demo's closing table. */
interface DemoRow {
  participant: string;
  timeZone: string;
  mapping: string;
  checkIns: string;
  progress: string;
  steps: number | null;
  label: string | null;
}

export default command({
  name: "powertoken demo",
  description: "A simulated study day: simulators, a temporary SQLite database, three participants in three time zones, maintenance and a fast-forwarded day of polls.",
  examples: ["powertoken demo", "powertoken demo --serve", "powertoken demo --backend fitbit-legacy", "powertoken demo --json | jq '.participants'"],
  args: {
    backend: { type: "string", description: "Tracker simulator: google-health (default) or fitbit-legacy (the seed's API)", valueHint: "name" },
    keep: { type: "boolean", description: "Keep the temporary folder (database, config) and print its path" },
    serve: { type: "boolean", description: "After the day, keep the study running and serve the dashboard and a participant's page on 127.0.0.1 until Ctrl-C" },
  },
  async run(args, env) {
    const backend = args.backend ?? "google-health";
    if (backend !== "google-health" && backend !== "fitbit-legacy") throw new UsageError("--backend must be google-health or fitbit-legacy.");
    if (args.serve && args.json) throw new UsageError("--serve prints an address and a password for a person to use; drop --json.");
    const out = env.out;
    const day = new Date().toISOString().slice(0, 10);
    // From 05:00 in the easternmost zone to midnight in the westernmost: every participant's whole day.
    const start = localTimeToInstant("Asia/Tokyo", day, "05:00");
    const end = localTimeToInstant("America/Chicago", addDays(day, 1), "00:00");
    let now = start;
    // While serving, simulated time goes on from where the day ended, at real speed.
    let servingSince: number | null = null;
    const clock = () => (servingSince === null ? now : new Date(now.getTime() + Date.now() - servingSince));
    const dir = mkdtempSync(join(tmpdir(), "powertoken-demo-"));
    const sims = await startSimulators({ backend, now: clock });
    try {
      const config = ConfigSchema.parse({
        ...sims.config,
        database: { url: `sqlite:${join(dir, "demo.sqlite")}` },
        encryption: { key: generateEncryptionKey(), keyId: "demo" },
      });
      out.log.info(`Simulated study day ${day} (${backend}); database in ${dir}`);

      // Seed WEconnect with people and activities, sign each in, mint tracker tokens, enroll.
      const checkIns: { at: Date; personId: number; activityId: number; who: string; what: string; timeZone: string }[] = [];
      const runtime = await createRuntime(config, { log: silentLogger, now: clock });
      try {
        for (const p of DEMO_STUDY) {
          const email = `${p.name}@demo.example`;
          const password = `demo-${p.name}`;
          const person = sims.weconnect.state.addPerson({ email, password, firstName: p.name, timeZone: p.timeZone });
          for (const a of p.activities) {
            const first = a.repeat === "daily" ? addDays(day, -7) : day;
            const act = sims.weconnect.state.addActivity(person.id, {
              name: a.name,
              dateStart: localTimeToInstant(p.timeZone, first, a.at),
              duration: a.minutes,
              repeat: a.repeat,
            });
            if (a.checkInAt !== null) {
              checkIns.push({ at: localTimeToInstant(p.timeZone, day, a.checkInAt), personId: person.id, activityId: act.activityId, who: p.name, what: a.name, timeZone: p.timeZone });
            }
          }
          sims.tracker.addUser(p.name, p.timeZone);
          const login = await runtime.ctx.weconnect.login(email, password);
          const tokens = sims.tracker.issueTokens(p.name);
          await importParticipants(runtime, [
            {
              name: p.name,
              timeZone: p.timeZone,
              startDate: addDays(day, -7),
              mapping: p.mapping,
              weconnect: { personId: String(login.personId), accessToken: login.token, tokenExpiresAt: login.expiresAt },
              tracker: { backend, externalUserId: p.name, ...tokens },
            },
          ]);
          out.log.info(`Enrolled ${p.name} (${p.timeZone}, ${p.mapping}): ${p.activities.map((a) => `${a.name} ${a.at}${a.repeat === "daily" ? " daily" : ""}`).join(", ")}`);
        }
      } catch (error) {
        await runtime.close();
        throw error;
      }
      checkIns.sort((a, b) => a.at.getTime() - b.at.getTime());

      const lastShown = new Map<string, number>();
      let polls = 0;
      let writes = 0;
      let summarised = false;
      try {
        for (; now.getTime() <= end.getTime(); now = new Date(now.getTime() + STEP_MS)) {
          while (checkIns[0] && checkIns[0].at.getTime() <= now.getTime()) {
            const c = checkIns.shift()!;
            sims.weconnect.state.checkIn(c.personId, c.activityId, c.at);
            out.log.info(`${stamp(c.timeZone, c.at, day)} ${c.timeZone.padEnd(16)} ${c.who} checked in: ${c.what}`);
          }
          if (now.getUTCMinutes() === 0) await runMaintenance(runtime.ctx, { signal: env.signal });
          const poll = await runPoll(runtime.ctx, { signal: env.signal });
          polls++;
          for (const o of poll.participants) {
            if (o.outcome !== "written" || o.steps === undefined) continue;
            writes++;
            const p = DEMO_STUDY.find((d) => d.name === o.name);
            if (!p || lastShown.get(o.name) === o.steps) continue;
            lastShown.set(o.name, o.steps);
            // Google Health shows 0 steps as no PowerToken exercise at all (no empty entries).
            const shows = o.steps === 0 && backend === "google-health" ? "nothing (0 steps: no PowerToken entry)" : `${o.steps.toLocaleString("en-US")} steps`;
            out.log.success(`${stamp(p.timeZone, now, day)} ${p.timeZone.padEnd(16)} ${o.name}'s tracker now shows ${shows}`);
          }
          if (env.signal.aborted) break;
        }
        if (args.serve && !env.signal.aborted) {
          summary();
          summarised = true;
          servingSince = Date.now();
          await serveDemo({ runtime, out, signal: env.signal, participantName: DEMO_STUDY[0]!.name, backend });
        }
      } finally {
        await runtime.close();
      }
      if (!summarised) summary();

      function summary(): void {
        const rows: DemoRow[] = DEMO_STUDY.map((p) => {
          const planned = p.activities.length;
          const done = p.activities.filter((a) => a.checkInAt !== null).length;
          const view = sims.tracker.viewDay(p.name, day);
          return {
            participant: p.name,
            timeZone: p.timeZone,
            mapping: p.mapping,
            checkIns: `${done}/${planned}`,
            progress: `${Math.round((done / planned) * 100)}%`,
            steps: view?.steps ?? null,
            label: view?.label ?? null,
          };
        });
        out.result({ day, backend, polls, writes, participants: rows }, () => {
          out.line();
          out.line(`${day}: ${polls} polls, ${writes} tracker writes. What each tracker shows for ${day}:`);
          out.line();
          out.table(rows, [
            { header: "participant", value: (r) => r.participant },
            { header: "time zone", value: (r) => r.timeZone },
            { header: "mapping", value: (r) => r.mapping },
            { header: "check-ins", value: (r) => r.checkIns, align: "right" },
            { header: "progress", value: (r) => r.progress, align: "right" },
            { header: "steps on tracker", value: (r) => r.steps?.toLocaleString("en-US") ?? "nothing", align: "right" },
            { header: "label", value: (r) => r.label },
          ]);
          out.line();
          out.line("Next: `powertoken init` to start a real study (see the README), or `powertoken simulate` to try the commands.");
        });
      }
    } finally {
      await sims.close();
      if (args.keep) out.log.info(`Kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** Local time, with the local date when it is not the demo day (time zones straddle it). */
function stamp(timeZone: string, at: Date, day: string): string {
  const date = localDateOf(at, timeZone);
  return `${date === day ? "" : `${date.slice(5)} `}${localClock(timeZone, at)}`.padStart(11);
}
