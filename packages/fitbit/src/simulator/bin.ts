/* eslint-disable no-console -- this file is the CLI entry, printing is its job */
import { parseArgs } from "node:util";
import { startGoogleHealthSimulator } from "./google-health/index.js";
import { startFitbitLegacySimulator } from "./legacy/index.js";

const USAGE = "Usage: tracker-simulator --api google-health|fitbit-legacy [--port N] [--gone] [--user ID] [--time-zone ZONE]";

/** `tracker-simulator`: starts a simulator for local demos and prints its URLs (never a token). */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        api: { type: "string", default: "google-health" },
        port: { type: "string", default: "0" },
        gone: { type: "boolean", default: false },
        user: { type: "string", default: "demo-user" },
        "time-zone": { type: "string", default: "UTC" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (values.api !== "google-health" && values.api !== "fitbit-legacy")) {
    console.error(USAGE);
    process.exit(2);
  }
  const user = { userId: values.user, timeZone: values["time-zone"] };
  const sim =
    values.api === "google-health"
      ? await startGoogleHealthSimulator({ port, users: [user] })
      : await startFitbitLegacySimulator({ port, users: [user], gone: values.gone });
  console.log(`${values.api} simulator`);
  console.log(`  api:    ${sim.url}`);
  console.log(`  oauth:  ${sim.oauthUrl}/authorize  ${sim.oauthUrl}/token  ${sim.oauthUrl}/revoke`);
  console.log(`  client: sim-client / sim-secret`);
  console.log(`  user:   ${user.userId} (${user.timeZone})${values.gone ? "  [gone: every path answers 410]" : ""}`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
