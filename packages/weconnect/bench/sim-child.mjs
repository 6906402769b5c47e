// Child process of bench/run.mjs: a simulator from the given dist folder, seeded with N people.
// Sends { url, sessions } over IPC; on "stop", sends its own CPU time and exits.
const [distDir, peopleArg] = process.argv.slice(2);
const { startWeconnectSimulator } = await import(`${distDir}/simulator.js`);
const PEOPLE = Number(peopleArg);
const people = Array.from({ length: PEOPLE }, (_, i) => ({
  email: `p${i}@example.org`,
  password: `pw-${i}`,
  timeZone: i % 2 ? "America/Chicago" : "Pacific/Auckland",
  activities: [
    { name: "Morning meeting", dateStart: "2026-01-05T14:00:00.000Z", duration: 60, repeat: "daily" },
    { name: "Walk", dateStart: "2026-02-01T18:00:00.000Z", duration: 30, repeat: "daily", repeatEnd: "2027-01-01T00:00:00.000Z" },
    { name: "Group", dateStart: "2026-01-07T23:30:00.000Z", duration: 90, repeat: "weekly" },
    { name: "Sponsor call", dateStart: "2026-01-09T01:00:00.000Z", duration: 30, repeat: "weekly" },
  ],
  checkIns: [{ activity: "Morning meeting", date: "2026-11-24" }],
}));
const sim = await startWeconnectSimulator({ seed: { people }, now: () => new Date("2026-11-25T17:00:00.000Z") });
const sessions = [...sim.state.people.values()].map((p) => ({ personId: p.id, token: sim.state.issueToken(p.id) }));
let cpu0 = process.cpuUsage();
process.on("message", (m) => {
  if (m === "start") cpu0 = process.cpuUsage();
  if (m === "stop") {
    const used = process.cpuUsage(cpu0);
    process.send({ cpuUs: used.user + used.system, served: sim.requests.length }, () => process.exit(0));
  }
});
process.send({ url: sim.url, sessions });
