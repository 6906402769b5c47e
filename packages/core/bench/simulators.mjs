// The bench's simulators in their own process, so the parent's CPU and RSS are PowerToken's only.
// Started by bench/run.mjs with child_process.fork; protocol over IPC:
//   parent → { type: "start", n, now }   child → { type: "ready", weconnectUrl, googleUrl, googleOauthUrl, participants: [...] }
//   parent → { type: "stats" }           child → { type: "stats", cpuMs, rssMb }
//   parent → { type: "close" }           child closes both servers and exits.
import { startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";

const ZONES = ["America/Chicago", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"];
let sims = null;
let cpuBefore = null;

async function start(n, nowIso) {
  const start = new Date(nowIso);
  const now = () => start;
  const weconnectSim = await startWeconnectSimulator({ now });
  const googleSim = await startGoogleHealthSimulator({ now, perUserPerMinute: 10_000 });
  sims = [weconnectSim, googleSim];
  const participants = [];
  for (let i = 0; i < n; i++) {
    const timeZone = ZONES[i % ZONES.length];
    const person = weconnectSim.state.addPerson({ email: `p${i}@example.org`, password: "pw", timeZone });
    const acts = [0, 1, 2].map((k) =>
      weconnectSim.state.addActivity(person.id, { name: `a${k}`, dateStart: new Date(Date.UTC(2026, 10, 1, 8 + 5 * k, 0)), duration: 60, repeat: "daily" }),
    );
    if (i % 2 === 0) weconnectSim.state.checkIn(person.id, acts[0].activityId, new Date(Date.UTC(2026, 10, 25, 8, 30)));
    googleSim.state.addUser({ userId: `u${i}`, timeZone });
    const tokens = googleSim.state.issueTokens(`u${i}`);
    participants.push({
      timeZone,
      personId: String(person.id),
      weconnectToken: weconnectSim.state.issueToken(person.id),
      tokens,
      activities: acts.map((a) => ({ activityId: a.activityId, name: a.name, dateStart: a.dateStart.toISOString(), duration: a.duration, repeat: a.repeat, dateModified: a.dateModified.toISOString() })),
    });
  }
  return { type: "ready", weconnectUrl: weconnectSim.url, googleUrl: googleSim.url, googleOauthUrl: googleSim.oauthUrl, participants };
}

process.on("message", (message) => {
  void (async () => {
    if (message.type === "start") {
      process.send(await start(message.n, message.now));
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
