#!/usr/bin/env node
// Runs the pinned pnpm through npx, so a machine with only Node and npm needs nothing installed
// by hand (corepack's signature check fails against some registries; npx does not).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("../package.json", import.meta.url);
const pinned = JSON.parse(readFileSync(root, "utf8")).packageManager; // "pnpm@x.y.z"
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const result = spawnSync(npx, ["--yes", pinned, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
