import { resolve } from "node:path";
import { command } from "../_command.js";
import { UsageError } from "../_errors.js";
import { startSimulators } from "../_simulators.js";

export default command({
  name: "powertoken simulate",
  description: "Run the WEconnect and tracker simulators on 127.0.0.1 until Ctrl-C, to try the CLI without accounts.",
  examples: [
    "powertoken simulate                                  # prints `export ...` lines; paste them into another shell",
    "powertoken simulate --scenario scenario.json --weconnect-port 4010 --tracker-port 4020",
    "powertoken simulate --backend fitbit-legacy --json",
  ],
  args: {
    backend: { type: "string", description: "Tracker simulator: google-health (default) or fitbit-legacy", valueHint: "name" },
    scenario: { type: "string", description: "WEconnect scenario file (people, activities, check-ins); each person's e-mail is also a tracker user", valueHint: "file" },
    "weconnect-port": { type: "string", description: "Port of the WEconnect simulator (default: any free)", valueHint: "n" },
    "tracker-port": { type: "string", description: "Port of the tracker simulator (default: any free)", valueHint: "n" },
  },
  async run(args, env) {
    const backend = args.backend ?? "google-health";
    if (backend !== "google-health" && backend !== "fitbit-legacy") throw new UsageError("--backend must be google-health or fitbit-legacy.");
    const port = (value: string | undefined, flag: string) => {
      if (value === undefined) return undefined;
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--${flag} must be a port number.`);
      return Number(value);
    };
    const ports = { weconnect: port(args["weconnect-port"], "weconnect-port"), tracker: port(args["tracker-port"], "tracker-port") };
    const sims = await startSimulators({
      backend,
      ...(args.scenario ? { scenario: resolve(env.cwd, args.scenario) } : {}),
      ports: { ...(ports.weconnect === undefined ? {} : { weconnect: ports.weconnect }), ...(ports.tracker === undefined ? {} : { tracker: ports.tracker }) },
    });
    // Every WEconnect person is also a tracker user (the OAuth simulator signs in as `login_hint`).
    for (const person of args.scenario ? sims.weconnect.state.people.values() : []) sims.tracker.addUser(person.email, person.timeZone);
    if (env.out.json) {
      env.out.jsonLine({ weconnect: sims.weconnect.url, tracker: { backend, url: sims.tracker.url, oauthUrl: sims.tracker.oauthUrl }, env: sims.env });
    } else {
      env.out.log.success(`WEconnect simulator: ${sims.weconnect.url}`);
      env.out.log.success(`${backend} simulator: ${sims.tracker.url} (OAuth ${sims.tracker.oauthUrl})`);
      env.out.line("# Point PowerToken at them (the client secret is the simulator's fixed test value):");
      for (const [name, value] of Object.entries(sims.env)) env.out.line(`export ${name}=${value}`);
      env.out.log.info("Running until Ctrl-C.");
    }
    await new Promise<void>((done) => {
      if (env.signal.aborted) done();
      env.signal.addEventListener("abort", () => done(), { once: true });
    });
    await sims.close();
    if (!env.out.json) env.out.log.info("Simulators stopped.");
  },
});
