import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

describe("connect", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;
  const password = "bob-secret-pw-9";

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    sims.weconnect.state.addPerson({ email: "bob@study.example", password, timeZone: "UTC" });
    sims.tracker.addUser("bob@study.example", "UTC");
    dir = tempDir();
    env = { ...sims.env };
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(["participants", "add", "bob"], { cwd: dir, env })).code).toBe(0);
  });

  afterAll(async () => {
    await sims.close();
  });

  it("signs in to WEconnect with the password from stdin and never prints it or the token", async () => {
    const run = await runCli(["connect", "weconnect", "bob", "--email", "bob@study.example", "--json"], { cwd: dir, env, input: `${password}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ participant: "bob", status: "needs-tracker-consent" });
    expect(run.stdout + run.stderr).not.toContain(password);
    const tokens = [...sims.weconnect.state.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(run.stdout + run.stderr).not.toContain(token);
  });

  it("reports a wrong password as a one-line WEconnect error with exit 1", async () => {
    const run = await runCli(["connect", "weconnect", "bob", "--email", "bob@study.example"], { cwd: dir, env, input: "wrong\n" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Core WECONNECT_CREDENTIALS_REJECTED: /);
    expect(run.stderr).not.toContain("wrong");
  });

  it("links the tracker by OAuth with PKCE through the loopback redirect (--no-browser)", async () => {
    let visited = false;
    const run = await runCli(["connect", "tracker", "bob", "--no-browser", "--login-hint", "bob@study.example", "--json"], {
      cwd: dir,
      env,
      timeoutMs: 30_000,
      onStderr: (text) => {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(text)?.[1];
        if (url && !visited) {
          visited = true;
          // The participant's browser: the consent page redirects to the CLI's loopback listener.
          void fetch(url, { redirect: "follow" }).then((r) => r.text());
        }
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ participant: "bob", backend: "google-health", status: "active" });
    expect(run.stdout + run.stderr).not.toContain(sims.env["POWERTOKEN_GOOGLE_CLIENT_SECRET"]);
  });

  it("refuses a pasted redirect URL whose state does not match", async () => {
    const run = await runCli(["connect", "tracker", "bob", "--no-browser", "--timeout", "20"], {
      cwd: dir,
      env: { ...env, POWERTOKEN_GOOGLE_REDIRECT_URI: "https://study.example.org/callback" },
      input: "https://study.example.org/callback?code=abc&state=forged\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Core CONSENT_INVALID: /m);
  });

  it("says which setting is missing when no OAuth client is configured", async () => {
    const run = await runCli(["connect", "tracker", "bob", "--no-browser"], { cwd: dir, env: { POWERTOKEN_WECONNECT_URL: sims.weconnect.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("POWERTOKEN_GOOGLE_CLIENT_ID");
  });
});
