import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderEnvTable } from "../src/_env-table.js";

describe("README", () => {
  it("carries the configuration table generated from core's ENV_OVERRIDES", () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8");
    expect(readme).toContain(renderEnvTable());
  });
});
