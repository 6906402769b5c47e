import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, redactConfig } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pt-secret-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const load = (env: Record<string, string>, config?: object) => {
  const path = join(dir, "pt.json");
  writeFileSync(path, JSON.stringify(config ?? {}));
  return loadConfig({ env, cwd: dir, path });
};

describe("an OAuth client secret read from a file", () => {
  it("reads a 0600 file named by the environment or by a path relative to the config file, without the line break", () => {
    secretFile("google.secret", "s3cret-FROM-FILE\n", 0o600);
    expect(load({ POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: join(dir, "google.secret") }).config.googleHealth.clientSecret).toBe("s3cret-FROM-FILE");
    const { config } = load({}, { fitbitLegacy: { clientSecretFile: "google.secret" } });
    expect(config.fitbitLegacy).toMatchObject({ clientSecret: "s3cret-FROM-FILE", clientSecretFile: join(dir, "google.secret") });
    expect(JSON.stringify(redactConfig(config))).not.toContain("s3cret-FROM-FILE");
  });

  it("lets a secret set directly win over the file", () => {
    secretFile("other.secret", "from-file\n", 0o600);
    expect(load({ POWERTOKEN_GOOGLE_CLIENT_SECRET: "direct", POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: join(dir, "other.secret") }).config.googleHealth.clientSecret).toBe("direct");
  });

  it.each([
    ["a group-readable file", () => secretFile("open.secret", "OPEN-SECRET\n", 0o640), "readable by other users (mode 0640)"],
    ["a world-readable file", () => secretFile("world.secret", "OPEN-SECRET\n", 0o644), "chmod 600"],
    ["a missing file", () => join(dir, "gone.secret"), "cannot be read (ENOENT)"],
    ["a folder", () => (mkdirSync(join(dir, "folder.secret"), { recursive: true }), join(dir, "folder.secret")), "is not a file"],
    ["an empty file", () => secretFile("empty.secret", "\n", 0o600), "is empty"],
  ])("refuses %s with CONFIG_INVALID naming the key and the file, never the content", (_name, make, says) => {
    const path = make();
    let error: unknown;
    try {
      load({ POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE: path });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "CONFIG_INVALID", key: "googleHealth.clientSecretFile" });
    const message = (error as Error).message;
    expect(message).toContain(says);
    expect(message).toContain(path);
    expect(message).not.toContain("OPEN-SECRET");
  });
});

describe("the token key read from encryption.keyFile", () => {
  it("reads a 0600 key file and refuses one others can read, never printing the key", () => {
    const path = secretFile("token.key", "S0VZLUtFWS1LRVk=\n", 0o600);
    expect(load({ POWERTOKEN_ENCRYPTION_KEY_FILE: path }).config.encryption.key).toBe("S0VZLUtFWS1LRVk=");
    chmodSync(path, 0o644);
    let error: unknown;
    try {
      load({ POWERTOKEN_ENCRYPTION_KEY_FILE: path });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "CONFIG_INVALID", key: "encryption.keyFile" });
    expect((error as Error).message).toContain(`chmod 600 ${path}`);
    expect((error as Error).message).not.toContain("S0VZLUtFWS1LRVk=");
  });

  it("points at `powertoken init` when the key file is not there", () => {
    expect(() => load({ POWERTOKEN_ENCRYPTION_KEY_FILE: join(dir, "no.key") })).toThrow(/no\.key cannot be read\. Create it with `powertoken init`/);
  });
});

