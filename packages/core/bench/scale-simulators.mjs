// The scale bench's simulators in their own process (bench/scale.mjs forks it), so no PowerToken
// figure includes them. The same world as bench/simulators.mjs (three daily activities a person,
// every other person checked in this morning, a Google Health user with fresh tokens), but the
// seeds go to an NDJSON file instead of one IPC message: 100,000 participants' tokens and
// activities are ~60 MB of JSON, and the driver streams them into the database in batches.
// Protocol over IPC:
//   parent → { type: "start", n, now, seedFile }  child → { type: "ready", weconnectUrl, googleUrl, googleOauthUrl, seedMs }
//   parent → { type: "stats" }                    child → { type: "stats", cpuMs, rssMb }
//   parent → { type: "close" }                    child closes both servers and exits.
import { appendFileSync, writeFileSync } from "node:fs";
import { startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";

const ZONES = ["America/Chicago", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"];
const LINES_PER_WRITE = 5000;
let sims = null;
let cpuBefore = null;

async function start(n, nowIso, seedFile) {
  const started = performance.now();
  const at = new Date(nowIso);
  const now = () => at;
  const weconnectSim = await startWeconnectSimulator({ now });
  // A per-user limit far above one poll and one maintenance run: the bench measures throughput, not 429 handling.
  const googleSim = await startGoogleHealthSimulator({ now, perUserPerMinute: 10_000 });
  sims = [weconnectSim, googleSim];
  writeFileSync(seedFile, "");
  let lines = [];
  for (let i = 0; i < n; i++) {
    const timeZone = ZONES[i % ZONES.length];
    const person = weconnectSim.state.addPerson({ email: `p${i}@example.org`, password: "pw", timeZone });
    const acts = [0, 1, 2].map((k) =>
      weconnectSim.state.addActivity(person.id, { name: `a${k}`, dateStart: new Date(Date.UTC(2026, 10, 1, 8 + 5 * k, 0)), duration: 60, repeat: "daily" }),
    );
    if (i % 2 === 0) weconnectSim.state.checkIn(person.id, acts[0].activityId, new Date(Date.UTC(2026, 10, 25, 8, 30)));
    googleSim.state.addUser({ userId: `u${i}`, timeZone });
    const tokens = googleSim.state.issueTokens(`u${i}`);
    lines.push(
      JSON.stringify({
        i,
        timeZone,
        personId: String(person.id),
        weconnectToken: weconnectSim.state.issueToken(person.id),
        userId: `u${i}`,
        tokens,
        activities: acts.map((a) => ({ activityId: a.activityId, name: a.name, dateStart: a.dateStart.toISOString(), duration: a.duration, repeat: a.repeat, dateModified: a.dateModified.toISOString() })),
      }),
    );
    if (lines.length === LINES_PER_WRITE) {
      appendFileSync(seedFile, `${lines.join("\n")}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) appendFileSync(seedFile, `${lines.join("\n")}\n`);
  return { type: "ready", weconnectUrl: weconnectSim.url, googleUrl: googleSim.url, googleOauthUrl: googleSim.oauthUrl, seedMs: Math.round(performance.now() - started) };
}

process.on("message", (message) => {
  void (async () => {
    if (message.type === "start") {
      process.send(await start(message.n, message.now, message.seedFile));
      cpuBefore = process.cpuUsage();
    } else if (message.type === "stats") {
      const cpu = process.cpuUsage(cpuBefore ?? undefined);
      process.send({ type: "stats", cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
    } else if (message.type === "close") {
      for (const sim of sims ?? []) await sim.close();
      process.disconnect();
    }
  })();
});
