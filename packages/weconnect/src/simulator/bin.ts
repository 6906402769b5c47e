import { parseArgs } from "node:util";
import { startWeconnectSimulator } from "./server.js";

const USAGE = `Usage: weconnect-simulator [--port 4010] [--host 127.0.0.1] [--scenario file.json] [--ttl-seconds 7776000]

Starts the WEconnect (palalinq) simulator and prints its base URL (which includes /api).`;

/** CLI entry of the `weconnect-simulator` bin; the only place in this package that prints. */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        scenario: { type: "string" },
        "ttl-seconds": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  const ttl = values["ttl-seconds"] === undefined ? undefined : Number(values["ttl-seconds"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (ttl !== undefined && !Number.isFinite(ttl))) {
    process.stderr.write(`Invalid --port or --ttl-seconds.\n${USAGE}\n`);
    process.exit(2);
  }
  const sim = await startWeconnectSimulator({
    port,
    host: values.host,
    scenario: values.scenario,
    ttlSeconds: ttl,
  });
  process.stdout.write(`WEconnect simulator listening on ${sim.url}\n`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`weconnect-simulator: ${(error as Error).message}\n`);
  process.exit(1);
});
