import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, tempDir } from "./helpers/cli.js";

/** The cookie pairs (`name=value`) a response sets, to send back as a browser would. */
function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

describe("demo --serve", () => {
  it("serves the simulated study's dashboard and a participant's page at a printed address with a printed sign-in, and exits 0 on Ctrl-C", async () => {
    const child = spawn(process.execPath, [CLI, "demo", "--serve"], {
      cwd: tempDir(),
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", NO_COLOR: "1", TZ: "UTC" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      const printed = await new Promise<{ url: string; email: string; password: string; page: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed in 90 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 90_000);
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const url = /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\/admin/.exec(stdout)?.[1];
          const email = /Sign in as:\s+(\S+)/.exec(stdout)?.[1];
          const password = /Password:\s+(\S+)/.exec(stdout)?.[1];
          const page = /chiyo's page:\s+(\S+)/.exec(stdout)?.[1];
          if (url && email && password && page) {
            clearTimeout(timer);
            resolve({ url, email, password, page });
          }
        });
      });
      expect(stdout).toMatch(/chiyo\s+Asia\/Tokyo\s+plan\s+3\/3/);

      // Sign in as a browser would: the form's CSRF token and cookie, then the session cookie.
      const form = await fetch(`${printed.url}/admin/signin`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
      expect(csrf).toBeDefined();
      const signIn = await fetch(`${printed.url}/admin/signin`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(form).join("; "), origin: printed.url },
        body: new URLSearchParams({ _csrf: csrf!, email: printed.email, password: printed.password, next: "/admin" }),
      });
      expect(signIn.status).toBe(303);
      const cookie = [...cookiesOf(form), ...cookiesOf(signIn)].join("; ");

      const overview = await fetch(`${printed.url}/admin`, { headers: { cookie } });
      expect(overview.status).toBe(200);
      const html = await overview.text();
      for (const name of ["chiyo", "bob", "alice"]) expect(html).toContain(name);

      const page = await fetch(printed.page);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("PowerToken demo study");

      // A wrong password is refused: the printed one is the only way in.
      const wrong = await fetch(`${printed.url}/admin/signin`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(form).join("; "), origin: printed.url },
        body: new URLSearchParams({ _csrf: csrf!, email: printed.email, password: `${printed.password}x`, next: "/admin" }),
      });
      expect(wrong.status).toBe(401);

      const stoppedAt = Date.now();
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
      await expect(fetch(`${printed.url}/admin/signin`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 120_000);

  it("refuses --serve with --json (the address and password are for a person)", async () => {
    const child = spawn(process.execPath, [CLI, "demo", "--serve", "--json"], { cwd: tempDir(), env: { PATH: process.env["PATH"] ?? "", TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("drop --json");
  });
});
