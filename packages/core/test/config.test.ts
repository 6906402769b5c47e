import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, redactConfig, redactDatabaseUrl, webOAuthRedirectUri } from "../src/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "pt-config-"));

describe("loadConfig", () => {
  it("fills every default when there is no file and no environment", () => {
    const { config, path } = loadConfig({ env: {}, cwd: "/srv/study" });
    expect(path).toBeNull();
    expect(config.database.url).toBe("sqlite:/srv/study/powertoken-data/powertoken.sqlite");
    expect(config.defaults.backend).toBe("google-health");
    expect(config.poll.concurrency).toBe(8);
    expect(config.daemon.pollSchedule).toBe("*/15 * * * *");
  });

  it("resolves relative paths against the config file's folder, not the working directory", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "key"), "a2V5\n", { mode: 0o600 });
    writeFileSync(join(dir, "pt.json"), JSON.stringify({ database: { url: "data/pt.sqlite" }, encryption: { keyFile: "key" } }));
    const { config } = loadConfig({ env: {}, cwd: "/", path: join(dir, "pt.json") });
    expect(config.database.url).toBe(`sqlite:${join(dir, "data/pt.sqlite")}`);
    expect(config.encryption.key).toBe("a2V5");
  });

  it("lets environment variables override the file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "powertoken.config.json"), JSON.stringify({ poll: { concurrency: 4 } }));
    const { config } = loadConfig({ env: { POWERTOKEN_POLL_CONCURRENCY: "16", POWERTOKEN_POLL_ALL: "yes" }, cwd: dir });
    expect(config.poll).toMatchObject({ concurrency: 16, all: true });
  });

  it("names the bad key and where it came from", () => {
    expect(() => loadConfig({ env: { POWERTOKEN_POLL_CONCURRENCY: "0" }, cwd: "/" })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", key: "poll.concurrency", message: expect.stringContaining("POWERTOKEN_POLL_CONCURRENCY") }),
    );
    expect(() => loadConfig({ env: { POWERTOKEN_HTTP_PORT: "abc" }, cwd: "/" })).toThrow(expect.objectContaining({ key: "daemon.httpPort" }));
  });

  it("rejects a time zone that is not an IANA name, naming the key", () => {
    expect(() => loadConfig({ env: { POWERTOKEN_SCHEDULE_TIME_ZONE: "Mars/Olympus" }, cwd: "/" })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", key: "daemon.scheduleTimeZone" }),
    );
    expect(loadConfig({ env: { POWERTOKEN_DEFAULT_TIME_ZONE: "Asia/Kolkata", POWERTOKEN_LOG_LEVEL: "debug" }, cwd: "/" }).config).toMatchObject({
      defaults: { timeZone: "Asia/Kolkata" },
      daemon: { logLevel: "debug" },
    });
  });

  it("rejects unknown keys and a missing named file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "powertoken.config.json"), JSON.stringify({ poll: { concurency: 4 } }));
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("concurency") }));
    expect(() => loadConfig({ env: {}, cwd: dir, path: "nope.json" })).toThrow(expect.objectContaining({ code: "CONFIG_NOT_FOUND" }));
  });
});

describe("loadConfig on a file that cannot be used", () => {
  it("locates a JSON syntax error by line and column and never quotes the file (it can hold a secret)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.json"), '{\n  "googleHealth": {\n    "clientId": "x",\n    "clientSecret": sim-secret-XYZ\n  }\n}\n');
    let message = "";
    try {
      loadConfig({ env: {}, cwd: dir, path: "bad.json" });
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG_INVALID" });
      message = (error as Error).message;
    }
    expect(message).toMatch(/not valid JSON \(InvalidSymbol at line 4, column 21\)/);
    expect(message).not.toContain("sim-secret");
    expect(message).not.toContain("XYZ");
  });

  it("says a config path that is a directory is one", () => {
    expect(() => loadConfig({ env: {}, cwd: "/", path: tempDir() })).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("is a directory") }));
  });
});

describe("redactConfig", () => {
  it("never prints secrets or the database password", () => {
    const { config } = loadConfig({
      env: {
        POWERTOKEN_ENCRYPTION_KEY: "super-secret-key",
        POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret-value",
        POWERTOKEN_DATABASE_URL: "postgres://study:hunter2@db.example:5432/pt",
      },
      cwd: "/",
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/super-secret-key|client-secret-value|hunter2/);
    expect(printed).toContain("postgres://study:***@db.example:5432/pt");
  });

  it("hides a password given as a query parameter, and leaves a SQLite path as typed", () => {
    const url = "postgres://study@db.example:5432/pt?password=hunter2&sslpassword=hunter3&sslmode=require";
    const { config } = loadConfig({ env: { POWERTOKEN_DATABASE_URL: url }, cwd: "/" });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/hunter2|hunter3/);
    expect(printed).toContain("sslmode=require");
    expect(redactDatabaseUrl("sqlite:/srv/my study/pt.sqlite")).toBe("sqlite:/srv/my study/pt.sqlite");
  });
});

describe("loadConfig database URLs (issue 10: one reader, db's parseDatabaseUrl)", () => {
  it("reads file:foo.db as the SQLite file foo.db next to the config, not a file named file:foo.db", () => {
    const { config } = loadConfig({ env: { POWERTOKEN_DATABASE_URL: "file:foo.db" }, cwd: "/srv/study" });
    expect(config.database.url).toBe("sqlite:/srv/study/foo.db");
  });

  it("keeps an upper-case POSTGRES:// URL a PostgreSQL URL instead of a SQLite path", () => {
    const { config } = loadConfig({ env: { POWERTOKEN_DATABASE_URL: "POSTGRES://u@h/db" }, cwd: "/srv/study" });
    expect(config.database.url).toBe("POSTGRES://u@h/db");
  });

  it("refuses another scheme as CONFIG_INVALID naming database.url, without the password", () => {
    let error: unknown;
    try {
      loadConfig({ env: { POWERTOKEN_DATABASE_URL: "mysql://u:hunter2@h/db" }, cwd: "/srv/study" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "CONFIG_INVALID", key: "database.url" });
    expect(String(error)).not.toContain("hunter2");
  });
});

describe("web settings", () => {
  it("reads the web keys from the environment with trustProxy off by default", () => {
    const { config } = loadConfig({ env: { POWERTOKEN_WEB_PUBLIC_URL: "https://pt.example.org/study", POWERTOKEN_WEB_STUDY_NAME: "Pilot", POWERTOKEN_WEB_CONTACT: "team@example.org" }, cwd: "/srv" });
    expect(config.web).toMatchObject({ publicUrl: "https://pt.example.org/study", studyName: "Pilot", contact: "team@example.org", trustProxy: false });
    expect(webOAuthRedirectUri(config)).toBe("https://pt.example.org/study/oauth/callback");
    expect(loadConfig({ env: { POWERTOKEN_WEB_TRUST_PROXY: "true" }, cwd: "/srv" }).config.web.trustProxy).toBe(true);
  });

  it("refuses a public URL that is relative, not http(s), or carries a query", () => {
    for (const bad of ["/study", "ftp://pt.example.org", "https://pt.example.org/?x=1", "https://pt.example.org/#top"]) {
      expect(() => loadConfig({ env: { POWERTOKEN_WEB_PUBLIC_URL: bad }, cwd: "/srv" }), bad).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", key: "web.publicUrl" }));
    }
  });
});
