import { spawn } from "node:child_process";
import { beginTrackerConsent, completeTrackerConsent, createOAuthProviderFromConfig, findParticipant, type TrackerConsent } from "@powertoken/core";
import type { TrackerBackend } from "@powertoken/fitbit";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { CliError, UsageError } from "../../_errors.js";
import { isLoopbackUri, startCallbackServer } from "../../_loopback.js";
import { ask, readFirstLine } from "../../_prompt.js";

const BACKENDS: readonly TrackerBackend[] = ["google-health", "fitbit-legacy"];

export default command({
  name: "powertoken connect tracker",
  description: "Link a participant's tracker by OAuth (PKCE, state checked) through a loopback redirect on 127.0.0.1.",
  examples: [
    "powertoken connect tracker alice                       # opens the consent page in a browser",
    "powertoken connect tracker alice --no-browser          # prints the URL; paste the redirect URL back",
    "powertoken connect tracker bob --backend fitbit-legacy",
  ],
  args: {
    participant: { type: "positional", description: "Study name or id" },
    backend: { type: "string", description: "google-health or fitbit-legacy (default: config defaults.backend)", valueHint: "name" },
    browser: { type: "boolean", default: true, description: "Open the consent page in a browser (--no-browser on a headless box)" },
    timeout: { type: "string", description: "Seconds to wait for the consent (default 300)", valueHint: "s" },
    "login-hint": { type: "string", description: "The participant's account e-mail, to preselect it on the consent page", valueHint: "email" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const backend = (args.backend ?? config.defaults.backend) as TrackerBackend;
    if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(", ")}.`);
    const timeoutMs = (args.timeout === undefined ? 300 : Number(args.timeout)) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError("--timeout must be a number of seconds.");
    // NOT_CONFIGURED (naming the keys) before anything listens or prints.
    const configuredRedirect = createOAuthProviderFromConfig(config, backend).redirectUri;

    const result = await withRuntime(config, async (runtime) => {
      const participant = await findParticipant(runtime, args.participant);
      let consent: TrackerConsent | undefined;
      const loopback = isLoopbackUri(configuredRedirect) ? await startCallbackServer({ redirectUri: configuredRedirect, expectedState: () => consent?.state ?? "" }) : null;
      try {
        consent = await beginTrackerConsent(runtime, {
          participantId: participant.id,
          backend,
          redirectUri: loopback?.redirectUri ?? configuredRedirect,
          ...(args["login-hint"] ? { loginHint: args["login-hint"] } : {}),
        });
        const url = consent.authorizationUrl;
        env.out.log.info(`Ask ${participant.name} to open this page and approve access:\n\n  ${url}\n`);
        if (args.browser) openBrowser(url);
        const pasted = !args.browser || loopback === null;
        if (pasted) env.out.log.info("Then paste the address the browser was sent to (it starts with the redirect URI):");
        const callbackUrl = await waitForCallback({ loopback, pasted, stdin: env.stdin, timeoutMs, signal: env.signal });
        const linked = await completeTrackerConsent(runtime, {
          participantId: participant.id,
          backend,
          callbackUrl,
          expectedState: consent.state,
          codeVerifier: consent.codeVerifier,
          redirectUri: consent.redirectUri,
        });
        return { participant: participant.name, ...linked };
      } finally {
        await loopback?.close();
      }
    });
    env.out.result(result, () => {
      env.out.log.success(`${result.participant}'s ${result.backend} tracker is connected (state: ${result.status}).`);
      if (result.status === "needs-weconnect-signin") env.out.line(`Next: powertoken connect weconnect ${result.participant}`);
    });
  },
});

/** The loopback redirect or a pasted URL, whichever comes first; a timeout or Ctrl-C ends the wait. */
async function waitForCallback(input: {
  loopback: { callback: Promise<string> } | null;
  pasted: boolean;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<string> {
  const waits: Promise<string>[] = [];
  if (input.loopback) waits.push(input.loopback.callback);
  if (input.pasted) {
    const line = input.stdin.isTTY ? ask(input.stdin, "> ") : readFirstLine(input.stdin, "redirect URL");
    // An empty pipe is no answer while the loopback redirect can still arrive.
    waits.push(input.loopback ? line.catch(() => new Promise<string>(() => {})) : line);
  }
  let timer: NodeJS.Timeout | undefined;
  waits.push(
    new Promise<string>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CliError("OAUTH_FAILED", `No consent within ${input.timeoutMs / 1000} s. Run the command again (--timeout to wait longer).`)), input.timeoutMs);
      input.signal.addEventListener("abort", () => reject(new CliError("OAUTH_FAILED", "Interrupted before the consent arrived.")), { once: true });
    }),
  );
  try {
    return (await Promise.race(waits)).trim();
  } finally {
    clearTimeout(timer);
  }
}

function openBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No browser here: the URL is printed above.
  }
}
